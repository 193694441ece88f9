import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChinookPostgres } from '../../../../cli/src/demo/chinook.ts';
import { introspect, type TenantDb } from '../../../src/index.ts';
import { parseConnectionProfile, SchemaModel } from '../../../src/contracts/index.ts';
import { postgresDialect } from '../../../src/dialects/postgres/index.ts';
import { postgresPoolConfig } from '../../../src/dialects/postgres/driver.ts';
import { freshProfile, freshTenantDb } from '../../../../test/helpers/databases.ts';

let tenant: TenantDb;
let model: SchemaModel;

beforeAll(async () => {
  tenant = await freshTenantDb('postgres', 'chinook');
  await loadChinookPostgres(tenant);
  model = await introspect(tenant);
});

const table = (name: string) => {
  const found = model.tables.find((t) => t.name === name);
  if (!found) throw new Error(`table ${name} missing from the model`);
  return found;
};

describe('Postgres introspection of Chinook', () => {
  it('lists the 11 tables in public, sorted, with no views, enums or domains', () => {
    expect(SchemaModel.parse(model)).toEqual(model);
    expect(model.dialect).toBe('postgres');
    expect(model.defaultSchema).toBe('public');
    expect(model.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(
      ['album', 'artist', 'customer', 'employee', 'genre', 'invoice', 'invoice_line', 'media_type', 'playlist', 'playlist_track', 'track'].map(
        (n) => `public.${n}`,
      ),
    );
    expect(model.views).toEqual([]);
    expect(model.enums).toEqual([]);
    expect(model.domains).toEqual([]);
  });

  it('reads columns in ordinal order with neutral and native types', () => {
    expect(table('track').columns.map((c) => [c.name, c.type, c.nativeType, c.nullable])).toEqual([
      ['track_id', { kind: 'integer' }, 'integer', false],
      ['name', { kind: 'varchar', length: 200 }, 'character varying(200)', false],
      ['album_id', { kind: 'integer' }, 'integer', true],
      ['media_type_id', { kind: 'integer' }, 'integer', false],
      ['genre_id', { kind: 'integer' }, 'integer', true],
      ['composer', { kind: 'varchar', length: 220 }, 'character varying(220)', true],
      ['milliseconds', { kind: 'integer' }, 'integer', false],
      ['bytes', { kind: 'integer' }, 'integer', true],
      ['unit_price', { kind: 'decimal', precision: 10, scale: 2 }, 'numeric(10,2)', false],
    ]);
    expect(table('employee').columns.find((c) => c.name === 'birth_date')).toEqual({
      name: 'birth_date',
      type: { kind: 'timestamp' },
      nativeType: 'timestamp without time zone',
      nullable: true,
      default: null,
      identity: null,
      generated: null,
      comment: null,
    });
  });

  it('reads primary keys, including the composite one', () => {
    expect(Object.fromEntries(model.tables.map((t) => [t.name, t.primaryKey]))).toEqual({
      album: { name: 'album_pkey', columns: ['album_id'] },
      artist: { name: 'artist_pkey', columns: ['artist_id'] },
      customer: { name: 'customer_pkey', columns: ['customer_id'] },
      employee: { name: 'employee_pkey', columns: ['employee_id'] },
      genre: { name: 'genre_pkey', columns: ['genre_id'] },
      invoice: { name: 'invoice_pkey', columns: ['invoice_id'] },
      invoice_line: { name: 'invoice_line_pkey', columns: ['invoice_line_id'] },
      media_type: { name: 'media_type_pkey', columns: ['media_type_id'] },
      playlist: { name: 'playlist_pkey', columns: ['playlist_id'] },
      playlist_track: { name: 'playlist_track_pkey', columns: ['playlist_id', 'track_id'] },
      track: { name: 'track_pkey', columns: ['track_id'] },
    });
  });

  it('reads the 11 foreign keys with their actions, sorted by name', () => {
    const fks = model.tables.flatMap((t) => t.foreignKeys.map((fk) => ({ table: t.name, ...fk })));
    expect(fks).toHaveLength(11);
    expect(table('employee').foreignKeys).toEqual([
      {
        name: 'employee_reports_to_fkey',
        columns: ['reports_to'],
        referencedSchema: 'public',
        referencedTable: 'employee',
        referencedColumns: ['employee_id'],
        onDelete: 'no action',
        onUpdate: 'no action',
      },
    ]);
    expect(table('track').foreignKeys.map((fk) => [fk.name, fk.columns, fk.referencedTable, fk.referencedColumns])).toEqual([
      ['track_album_id_fkey', ['album_id'], 'album', ['album_id']],
      ['track_genre_id_fkey', ['genre_id'], 'genre', ['genre_id']],
      ['track_media_type_id_fkey', ['media_type_id'], 'media_type', ['media_type_id']],
    ]);
  });

  it('reads the 11 secondary indexes and leaves out those backing primary keys', () => {
    const indexes = model.tables.flatMap((t) =>
      t.indexes.map((i) => `${t.name}:${i.name}(${i.columns.join(',')})${i.unique ? ' unique' : ''}${i.where ? ` where ${i.where}` : ''}`),
    );
    expect(indexes).toEqual([
      'album:album_artist_id_idx(artist_id)',
      'customer:customer_support_rep_id_idx(support_rep_id)',
      'employee:employee_reports_to_idx(reports_to)',
      'invoice:invoice_customer_id_idx(customer_id)',
      'invoice_line:invoice_line_invoice_id_idx(invoice_id)',
      'invoice_line:invoice_line_track_id_idx(track_id)',
      'playlist_track:playlist_track_playlist_id_idx(playlist_id)',
      'playlist_track:playlist_track_track_id_idx(track_id)',
      'track:track_album_id_idx(album_id)',
      'track:track_genre_id_idx(genre_id)',
      'track:track_media_type_id_idx(media_type_id)',
    ]);
    expect(model.tables.every((t) => t.uniques.length === 0 && t.checks.length === 0)).toBe(true);
  });

  it('runs a fixed handful of catalog queries, however many tables there are', async () => {
    const countQueries = async (label: string, load: (db: Kysely<any>) => Promise<void>) => {
      const pool = new pg.Pool(postgresPoolConfig(parseConnectionProfile(await freshProfile('postgres', label)), { requiresTls: false }));
      let queries = 0;
      const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }), log: () => void (queries += 1) });
      try {
        await load(db);
        queries = 0;
        const counted = await postgresDialect.introspect(db);
        return { queries, tables: counted.tables.length };
      } finally {
        await db.destroy();
      }
    };
    const empty = await countQueries('qempty', async () => {});
    const chinook = await countQueries('qchinook', (db) => loadChinookPostgres({ db }));
    expect(empty.tables).toBe(0);
    expect(chinook.tables).toBe(11);
    expect(chinook.queries).toBe(empty.queries);
    // The neutral model's ten catalog queries, and the native reader's twenty in one read-only snapshot.
    expect(chinook.queries).toBeLessThanOrEqual(34);
  });

  it('is deterministic: introspecting twice gives deep-equal models', async () => {
    expect(await introspect(tenant)).toEqual(model);
  });
});
