import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, generateTypes, introspect, noNativeParts, parseCheck, type SchemaModel } from '@byos/runtime';
import { copyChinookSqlite, loadChinookPostgres } from '../../cli/src/demo/chinook.ts';
import { freshProfile, freshSqlitePath, freshTenantDb } from '../helpers/databases.ts';
import { runCli } from '../helpers/cli.ts';
import { scratchProject, typecheck } from '../helpers/scratch.ts';

async function chinookModel(dialect: 'sqlite' | 'postgres'): Promise<{ model: SchemaModel; profile: unknown }> {
  if (dialect === 'sqlite') {
    const path = await freshSqlitePath('typegen-chinook');
    await copyChinookSqlite(path);
    const tenant = await connect(`sqlite:${path}`);
    const model = await introspect(tenant).finally(() => tenant.close());
    return { model, profile: { provider: 'local-sqlite', dialect: 'sqlite', database: path } };
  }
  const profile = await freshProfile('postgres', 'typegen-chinook');
  const tenant = await connect(profile);
  try {
    await loadChinookPostgres(tenant);
    return { model: await introspect(tenant), profile };
  } finally {
    await tenant.close();
  }
}

/** Type-level checks that must compile: tsc fails if a @ts-expect-error stops being an error. */
function typeLevelChecks(table: string, rowType: string, insertType: string, required: string, stringColumn: string, others: string): string {
  return `import { Kysely, SqliteDialect } from 'kysely';
import type { DB, ${rowType}, ${insertType} } from './db.ts';
declare const db: Kysely<DB>;

export async function checks() {
  const row = await db.selectFrom('${table}').selectAll().executeTakeFirstOrThrow();
  const typed: ${rowType} = row;
  const back: typeof row = typed;

  const ok: ${insertType} = { ${others}, ${required}: 'x' };
  await db.insertInto('${table}').values(ok).execute();
  // @ts-expect-error the required column ${required} is missing
  await db.insertInto('${table}').values({ ${others} }).execute();
  // @ts-expect-error ${stringColumn} is a string column
  await db.insertInto('${table}').values({ ${others}, ${required}: 'x', ${stringColumn}: 42 }).execute();
  return back;
}
void SqliteDialect;
`;
}

describe('generateTypes', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`Chinook in ${dialect}: the file compiles under strict and the typed Kysely handle enforces it`, async () => {
      const { model } = await chinookModel(dialect);
      const dir = await scratchProject(`typegen-${dialect}`);
      const text = generateTypes(model, { zod: true, kysely: true });
      expect(generateTypes(model, { zod: true, kysely: true })).toBe(text); // deterministic
      await writeFile(join(dir, 'db.ts'), text);
      const names = dialect === 'sqlite' ? ['Album', 'AlbumId', 'Title', 'ArtistId'] : ['album', 'album_id', 'title', 'artist_id'];
      const [table, id, title, artist] = names as [string, string, string, string];
      await writeFile(join(dir, 'checks.ts'), typeLevelChecks(table, 'AlbumRow', 'AlbumInsert', title, title, `${id}: 1, ${artist}: 1`));
      await typecheck(dir);
    });
  }

  it('types follow what the driver returns: a SQLite round trip validates against the generated Zod schemas', async () => {
    const tenant = await freshTenantDb('sqlite', 'roundtrip');
    await sql
      .raw(`create table item (
      id integer primary key, name varchar(10) not null, price numeric(6,2) check (price > 0), qty integer not null default 1,
      big bigint, ratio real, active boolean not null default 1, created datetime not null default current_timestamp,
      payload blob, meta json, size text check (size in ('S', 'M', 'L')), total numeric generated always as (price * qty) virtual)`)
      .execute(tenant.db);
    const model = await introspect(tenant);
    const dir = await scratchProject('typegen-roundtrip');
    await writeFile(join(dir, 'db.ts'), generateTypes(model, { zod: true, kysely: true }));
    await typecheck(dir);
    const generated = await import(join(dir, 'db.ts'));
    // One row per insert: SQLite has no DEFAULT in a multi-row VALUES list.
    for (const values of [
      { name: 'pen', price: 1.5, qty: 3, big: 9007199254740991, ratio: 0.25, payload: Buffer.from([1, 2]), meta: '{"a":1}', size: 'M' },
      { name: 'cap', price: null, big: null, ratio: null, payload: null, meta: null, size: null },
    ]) {
      await tenant.db.insertInto('item').values(values).execute();
    }
    const rows = await tenant.db.selectFrom('item').selectAll().execute();
    for (const row of rows) expect(generated.ItemRowSchema.parse(row)).toEqual(row);
    expect(rows[0]).toMatchObject({ active: 1, total: 4.5 });
    expect(typeof rows[0]!.created).toBe('string'); // SQLite has no date type: the driver returns text

    const insert = generated.ItemInsertSchema;
    expect(insert.safeParse({ name: 'ok', price: 1 }).success).toBe(true);
    expect(insert.safeParse({ name: 'far too long a name', price: 1 }).success).toBe(false); // varchar(10)
    expect(insert.safeParse({ name: 'ok', price: -1 }).success).toBe(false); // check (price > 0)
    expect(insert.safeParse({ name: 'ok', price: 1.234 }).success).toBe(false); // numeric(6,2)
    expect(insert.safeParse({ name: 'ok', size: 'XL' }).success).toBe(false); // check (size in (...))
    expect(insert.safeParse({ name: 'ok', total: 3 }).success).toBe(false); // generated: not writable
  });

  it('include/exclude globs, camelCase keys and hostile names', () => {
    const model: SchemaModel = {
      ...noNativeParts('public'),
      dialect: 'postgres',
      defaultSchema: 'public',
      enums: [{ schema: 'public', name: 'mood', values: ['happy', 'it\'s "sad"'] }],
      domains: [],
      views: [],
      tables: ['order_line', 'audit_log', 'Größe "x"'].map((name) => ({
        schema: name === 'audit_log' ? 'audit' : 'public',
        name,
        comment: '*/ evil',
        primaryKey: null,
        foreignKeys: [],
        uniques: [],
        indexes: [],
        checks: [],
        partitionBy: null,
        columns: [
          {
            name: 'line_no',
            type: { kind: 'integer' },
            nativeType: 'integer',
            nullable: false,
            default: null,
            identity: 'always',
            generated: null,
            comment: null,
          },
          {
            name: 'the mood',
            type: { kind: 'enum', enumName: 'mood' },
            nativeType: 'mood',
            nullable: true,
            default: null,
            identity: null,
            generated: null,
            comment: null,
          },
        ],
      })),
    };
    const text = generateTypes(model, { kysely: true, camelCase: true, exclude: ['audit.*'] });
    expect(text).toContain('export type Mood = "happy" | "it\'s \\"sad\\"";');
    expect(text).toContain('lineNo: GeneratedAlways<number>;');
    expect(text).toContain('"the mood": Mood | null;');
    expect(text).toContain('"Größe \\"x\\"": GrößeXTable;');
    expect(text).toContain('orderLine: OrderLineTable;');
    expect(text).not.toContain('AuditLog');
    expect(text).not.toMatch(/\*\/ evil/); // a comment cannot close the JSDoc
    expect(generateTypes(model, { include: ['audit.*'] })).toContain('export interface AuditAuditLogRow');
  });

  it.each([
    ['price > 0', [{ column: 'price', op: '>', value: 0 }]],
    ['CHECK ((price > (0)::numeric))', [{ column: 'price', op: '>', value: 0 }]],
    [
      '(((qty >= 0) AND (qty <= 100)))',
      [
        { column: 'qty', op: '>=', value: 0 },
        { column: 'qty', op: '<=', value: 100 },
      ],
    ],
    [
      'qty BETWEEN 1 AND 10',
      [
        { column: 'qty', op: '>=', value: 1 },
        { column: 'qty', op: '<=', value: 10 },
      ],
    ],
    ["((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))", [{ column: 'status', op: 'in', values: ['a', 'b'] }]],
    ['"Größe ""x""" in (\'S\', \'M\')', [{ column: 'Größe "x"', op: 'in', values: ['S', 'M'] }]],
    ['([Amount]>=(0))', [{ column: 'Amount', op: '>=', value: 0 }]],
    ['0 < qty', [{ column: 'qty', op: '>', value: 0 }]],
    ['lower(email) = email', null],
    ['a > b', null],
  ])('parseCheck(%s)', (expression, expected) => {
    expect(parseCheck(expression)).toEqual(expected);
  });

  it('byos types writes the file and --check reports a stale one', async () => {
    const tenant = await freshTenantDb('sqlite', 'cli-types');
    await sql`create table note (id integer primary key, body text not null)`.execute(tenant.db);
    const url = `sqlite:${tenant.profile.database}`;
    const dir = await scratchProject('typegen-cli');
    const out = join(dir, 'db.ts');
    const written = await runCli(['types', '--url', url, '--out', out, '--zod', '--kysely']);
    expect(written.code).toBe(0);
    expect((await runCli(['types', '--url', url, '--out', out, '--zod', '--kysely', '--check'])).code).toBe(0);
    await sql`alter table note add column title text`.execute(tenant.db);
    const stale = await runCli(['types', '--url', url, '--out', out, '--zod', '--kysely', '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('is stale');
  });
});
