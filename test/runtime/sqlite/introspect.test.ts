import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type Column, connect, introspect, type NeutralType, noNativeParts, SchemaModel, type Table } from '@byos/runtime';
import { copyChinookSqlite } from '../../../cli/src/demo/chinook.ts';
import { freshSqlitePath, freshTenantDb } from '../../helpers/databases.ts';
import { SPECIAL_SCHEMA } from './special-schema.ts';

/** A column as the model reports it, with the common defaults filled in. */
function col(name: string, nativeType: string, type: NeutralType, extra: Partial<Column> = {}): Column {
  return { name, type, nativeType, nullable: true, default: null, identity: null, generated: null, comment: null, ...extra };
}

function table(name: string, parts: Partial<Table>): Table {
  return {
    schema: 'main',
    name,
    columns: [],
    primaryKey: null,
    foreignKeys: [],
    uniques: [],
    indexes: [],
    checks: [],
    comment: null,
    partitionBy: null,
    ...parts,
  };
}

const fk = (columns: string[], referencedTable: string, referencedColumns: string[], extra: Partial<Table['foreignKeys'][number]> = {}) => ({
  name: null,
  columns,
  referencedSchema: 'main',
  referencedTable,
  referencedColumns,
  onDelete: 'no action' as const,
  onUpdate: 'no action' as const,
  ...extra,
});

describe('sqlite introspection of Chinook', () => {
  it('reads 11 tables with their keys, foreign keys and indexes', async () => {
    const path = await freshSqlitePath('chinook');
    await copyChinookSqlite(path);
    const tenant = await connect(`sqlite:${path}`);
    try {
      const model = SchemaModel.parse(await introspect(tenant));
      expect(model).toMatchObject({ dialect: 'sqlite', defaultSchema: 'main', views: [], enums: [], domains: [] });
      const byName = new Map(model.tables.map((t) => [t.name, t]));
      expect([...byName.keys()]).toEqual([
        'Album',
        'Artist',
        'Customer',
        'Employee',
        'Genre',
        'Invoice',
        'InvoiceLine',
        'MediaType',
        'Playlist',
        'PlaylistTrack',
        'Track',
      ]);
      for (const t of model.tables) expect(t.primaryKey?.name).toBe(`PK_${t.name}`);

      expect(byName.get('Album')).toEqual(
        table('Album', {
          columns: [
            col('AlbumId', 'INTEGER', { kind: 'integer' }, { nullable: false, identity: 'by-default' }),
            col('Title', 'NVARCHAR(160)', { kind: 'varchar', length: 160 }, { nullable: false }),
            col('ArtistId', 'INTEGER', { kind: 'integer' }, { nullable: false }),
          ],
          primaryKey: { name: 'PK_Album', columns: ['AlbumId'] },
          foreignKeys: [fk(['ArtistId'], 'Artist', ['ArtistId'])],
          indexes: [{ name: 'IFK_AlbumArtistId', columns: ['ArtistId'], unique: false, where: null }],
        }),
      );
      // The composite key is no rowid alias: neither column fills itself in.
      expect(byName.get('PlaylistTrack')).toEqual(
        table('PlaylistTrack', {
          columns: [
            col('PlaylistId', 'INTEGER', { kind: 'integer' }, { nullable: false }),
            col('TrackId', 'INTEGER', { kind: 'integer' }, { nullable: false }),
          ],
          primaryKey: { name: 'PK_PlaylistTrack', columns: ['PlaylistId', 'TrackId'] },
          foreignKeys: [fk(['PlaylistId'], 'Playlist', ['PlaylistId']), fk(['TrackId'], 'Track', ['TrackId'])],
          indexes: [
            { name: 'IFK_PlaylistTrackPlaylistId', columns: ['PlaylistId'], unique: false, where: null },
            { name: 'IFK_PlaylistTrackTrackId', columns: ['TrackId'], unique: false, where: null },
          ],
        }),
      );
      expect(byName.get('Employee')!.foreignKeys).toEqual([fk(['ReportsTo'], 'Employee', ['EmployeeId'])]);
      expect(byName.get('Track')!.foreignKeys.map((k) => `${k.columns} -> ${k.referencedTable}`)).toEqual([
        'AlbumId -> Album',
        'GenreId -> Genre',
        'MediaTypeId -> MediaType',
      ]);
      expect(byName.get('InvoiceLine')!.foreignKeys.map((k) => `${k.columns} -> ${k.referencedTable}`)).toEqual(['InvoiceId -> Invoice', 'TrackId -> Track']);
      expect(model.tables.flatMap((t) => t.foreignKeys)).toHaveLength(11);
      expect(model.tables.flatMap((t) => t.indexes.map((i) => i.name)).sort()).toEqual([
        'IFK_AlbumArtistId',
        'IFK_CustomerSupportRepId',
        'IFK_EmployeeReportsTo',
        'IFK_InvoiceCustomerId',
        'IFK_InvoiceLineInvoiceId',
        'IFK_InvoiceLineTrackId',
        'IFK_PlaylistTrackPlaylistId',
        'IFK_PlaylistTrackTrackId',
        'IFK_TrackAlbumId',
        'IFK_TrackGenreId',
        'IFK_TrackMediaTypeId',
      ]);
      const invoice = byName.get('Invoice')!;
      expect(invoice.columns.find((c) => c.name === 'Total')).toEqual(
        col('Total', 'NUMERIC(10,2)', { kind: 'decimal', precision: 10, scale: 2 }, { nullable: false }),
      );
      expect(invoice.columns.find((c) => c.name === 'InvoiceDate')).toEqual(col('InvoiceDate', 'DATETIME', { kind: 'timestamp' }, { nullable: false }));
      expect(await introspect(tenant)).toEqual(model);
    } finally {
      await tenant.close();
    }
  });
});

describe('sqlite introspection of a purpose-built schema', () => {
  async function specialModel(): Promise<{ model: SchemaModel; again: SchemaModel }> {
    const tenant = await freshTenantDb('sqlite', 'special');
    for (const statement of SPECIAL_SCHEMA) await sql.raw(statement).execute(tenant.db);
    return { model: SchemaModel.parse(await introspect(tenant)), again: await introspect(tenant) };
  }

  it('reads every part exactly, and reads it the same way twice', async () => {
    const { model, again } = await specialModel();
    expect(again).toEqual(model);
    // The fts5 table and its shadow tables are not ordinary tables; `sqliteX` is not SQLite's own.
    expect(model.tables.map((t) => t.name)).toEqual(['Größe "x" table', 'employee', 'line', 'line_ref', 'sqliteX']);

    const hostile = 'Größe "x" table';
    expect(model.tables[0]).toEqual(
      table(hostile, {
        columns: [
          col('id', 'INTEGER', { kind: 'integer' }, { nullable: false, identity: 'by-default' }),
          col('Größe "x"', 'TEXT', { kind: 'text' }, { nullable: false, default: "'M'" }),
          col('with space', 'varchar(20)', { kind: 'varchar', length: 20 }),
          col('price', 'numeric(8, 2)', { kind: 'decimal', precision: 8, scale: 2 }),
          col('qty', 'INTEGER', { kind: 'integer' }, { nullable: false, default: '1 + 1' }),
          col('total', 'numeric', { kind: 'decimal' }, { generated: { kind: 'stored', expression: 'price * qty' } }),
          col('label', 'TEXT', { kind: 'text' }, { generated: { kind: 'virtual', expression: 'upper([with space])' } }),
          col('parent_id', 'INTEGER', { kind: 'integer' }),
          col('code', 'char(3)', { kind: 'char', length: 3 }),
        ],
        primaryKey: { name: null, columns: ['id'] },
        foreignKeys: [fk(['parent_id'], hostile, ['id'], { name: 'fk_parent', onDelete: 'cascade' })],
        uniques: [
          { name: null, columns: ['code'] },
          { name: 'uq_space', columns: ['with space', 'qty'] },
        ],
        indexes: [
          { name: 'idx_expr', columns: ['(lower([with space]))', 'qty'], unique: true, where: null },
          { name: 'idx_partial', columns: ['qty'], unique: false, where: 'qty > 10' },
        ],
        checks: [
          { name: null, expression: `"Größe ""x""" in ('S', 'M', 'L')` },
          { name: null, expression: 'qty >= 0' },
          { name: 'price_positive', expression: 'price > 0' },
          { name: 'qty_cap', expression: 'qty < 1000' },
        ],
      }),
    );
  });

  it('tells the rowid alias from keys that only look like one', async () => {
    const { model } = await specialModel();
    const byName = new Map(model.tables.map((t) => [t.name, t]));
    // INTEGER PRIMARY KEY DESC on the column, INT PRIMARY KEY and WITHOUT ROWID keys are ordinary keys.
    expect(byName.get('employee')!.columns[0]).toEqual(col('id', 'INTEGER', { kind: 'integer' }));
    expect(byName.get('line_ref')!.columns[0]).toEqual(col('id', 'INT', { kind: 'integer' }));
    expect(byName.get('line')).toEqual(
      table('line', {
        columns: [
          col('order_id', 'INTEGER', { kind: 'integer' }, { nullable: false }),
          col('line_no', 'INTEGER', { kind: 'integer' }, { nullable: false }),
          col('note', 'BLOB', { kind: 'binary' }),
        ],
        primaryKey: { name: null, columns: ['order_id', 'line_no'] },
      }),
    );
  });

  it('reads composite, self-referencing and implicit foreign keys with their actions, in the declared spelling', async () => {
    const { model } = await specialModel();
    const byName = new Map(model.tables.map((t) => [t.name, t]));
    expect(byName.get('line_ref')!.foreignKeys).toEqual([
      fk(['order_id', 'line_no'], 'line', ['order_id', 'line_no'], { name: 'fk_line', onDelete: 'set null', onUpdate: 'cascade' }),
    ]);
    expect(byName.get('line_ref')!.columns[3]).toEqual(col('back`tick', 'REAL', { kind: 'double' }));
    // `references EMPLOYEE` names no column (the primary key is meant); `employee (ID)` another case.
    expect(byName.get('employee')!.foreignKeys).toEqual([
      fk(['manager_id'], 'employee', ['id'], { onDelete: 'restrict', onUpdate: 'set default' }),
      fk(['reviewer_id'], 'employee', ['id'], { onDelete: 'set null' }),
    ]);
  });

  it('reads views with their columns and definition', async () => {
    const { model } = await specialModel();
    expect(model.views).toEqual([
      {
        schema: 'main',
        name: 'big_orders',
        columns: [col('id', 'INTEGER', { kind: 'integer' }), col('qty', 'INTEGER', { kind: 'integer' }), col('double_qty', '', { kind: 'unknown' })],
        definition: `select id, qty, qty * 2 as double_qty from "Größe ""x"" table" where qty > 100`,
        materialized: false,
        comment: null,
      },
    ]);
  });

  it('an empty database has an empty model', async () => {
    const tenant = await freshTenantDb('sqlite', 'empty');
    expect(await introspect(tenant)).toEqual({
      dialect: 'sqlite',
      defaultSchema: 'main',
      tables: [],
      views: [],
      enums: [],
      domains: [],
      ...noNativeParts('main'),
    });
  });
});
