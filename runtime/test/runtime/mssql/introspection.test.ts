import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { connect, diffNeutral, introspect, SchemaModel } from '../../../src/index.ts';
import { type CatalogRows, INTROSPECTION_QUERIES } from '../../../src/dialects/mssql/introspection-queries.ts';
import { assembleMssqlSchema, viewBody } from '../../../src/dialects/mssql/introspector.ts';
import { copyChinookSqlite } from '../../../../cli/src/demo/chinook.ts';
import { freshSqlitePath } from '../../../../test/helpers/databases.ts';
import { chinookCatalog } from './chinook-catalog.ts';
import { FEATURES_CATALOG, FEATURES_MODEL } from './features-catalog.ts';

const parser = new Parser();
const TSQL = { database: 'TransactSQL' };

/** The catalog views the introspector may read. */
const CATALOG_VIEWS = new Set([
  'schemas',
  'tables',
  'views',
  'objects',
  'columns',
  'types',
  'computed_columns',
  'default_constraints',
  'key_constraints',
  'indexes',
  'index_columns',
  'foreign_keys',
  'foreign_key_columns',
  'check_constraints',
  'extended_properties',
  'sql_modules',
]);

/** Output column names of a parsed SELECT: the alias, else the column's own name. */
function outputColumns(text: string): string[] {
  const ast = parser.astify(text, TSQL);
  const select = (Array.isArray(ast) ? ast[0] : ast) as { columns: { as: string | null; expr: { column?: string | { expr: { value: string } } } }[] };
  return select.columns.map((c) => c.as ?? (typeof c.expr.column === 'string' ? c.expr.column : (c.expr.column?.expr.value ?? '?')));
}

/** The fields of a query's row type, as the (fully typed) fixture rows carry them. */
const rowKeys = (key: keyof CatalogRows): string[] => Object.keys(FEATURES_CATALOG[key]![0]!).sort();

describe('SQL Server introspection queries', () => {
  it.each(Object.entries(INTROSPECTION_QUERIES))('the %s query is one T-SQL SELECT', (_name, text) => {
    const ast = parser.astify(text, TSQL);
    const statements = Array.isArray(ast) ? ast : [ast];
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ type: 'select' });
  });

  it('the parser does reject malformed T-SQL', () => {
    expect(() => parser.astify('SELECT t.name, FROM sys.tables t', TSQL)).toThrow();
    expect(() => parser.astify("SELECT t.name FROM sys.tables t WHERE t.name ILIKE 'x'", TSQL)).toThrow();
  });

  it.each(Object.entries(INTROSPECTION_QUERIES))('the %s query reads only sys catalog views', (_name, text) => {
    const tables = parser.tableList(text, TSQL).map((entry) => entry.split('::').slice(1));
    expect(tables.length).toBeGreaterThan(0);
    for (const [schema, table] of tables) {
      expect(schema).toBe('sys');
      expect(CATALOG_VIEWS).toContain(table);
    }
  });

  it.each(Object.keys(INTROSPECTION_QUERIES) as (keyof CatalogRows)[])('the %s query selects exactly the fields of its row type', (key) => {
    expect(outputColumns(INTROSPECTION_QUERIES[key]).sort()).toEqual(rowKeys(key));
  });
});

describe('SQL Server catalog rows → SchemaModel', () => {
  it('assembles identity, computed, alias-typed and CLR columns, keys, filtered indexes, checks, comments and views', () => {
    const model = assembleMssqlSchema(FEATURES_CATALOG);
    expect(SchemaModel.parse(model)).toEqual(model);
    expect(model).toEqual(FEATURES_MODEL);
  });

  it('does not depend on row order and does not modify its input', () => {
    const before = structuredClone(FEATURES_CATALOG);
    const reversed = Object.fromEntries(Object.entries(FEATURES_CATALOG).map(([k, rows]) => [k, [...rows].reverse()])) as unknown as CatalogRows;
    expect(assembleMssqlSchema(reversed)).toEqual(FEATURES_MODEL);
    const chinook = chinookCatalog();
    const rotated = Object.fromEntries(Object.entries(chinook).map(([k, rows]) => [k, [...rows.slice(7), ...rows.slice(0, 7)]])) as unknown as CatalogRows;
    expect(assembleMssqlSchema(rotated)).toEqual(assembleMssqlSchema(chinook));
    expect(FEATURES_CATALOG).toEqual(before);
  });

  it('names the constraint when sys.foreign_keys reports an action it does not know', () => {
    const rows = chinookCatalog();
    rows.foreignKeys[0] = { ...rows.foreignKeys[0]!, delete_referential_action_desc: 'RESTRICT_LATER' };
    expect(() => assembleMssqlSchema(rows)).toThrow('foreign key FK_AlbumArtistId: unknown referential action "RESTRICT_LATER"');
  });

  it("Chinook's SQL Server catalog: every table, key and index as the script declares them", () => {
    const model = SchemaModel.parse(assembleMssqlSchema(chinookCatalog()));
    expect(model.tables.map((t) => t.name)).toEqual([
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
    const table = (name: string) => model.tables.find((t) => t.name === name)!;
    expect(table('PlaylistTrack').primaryKey).toEqual({ name: 'PK_PlaylistTrack', columns: ['PlaylistId', 'TrackId'] });
    expect(table('Track').foreignKeys.map((f) => `${f.name}:${f.columns.join()}->${f.referencedTable}`)).toEqual([
      'FK_TrackAlbumId:AlbumId->Album',
      'FK_TrackGenreId:GenreId->Genre',
      'FK_TrackMediaTypeId:MediaTypeId->MediaType',
    ]);
    expect(table('Employee').foreignKeys).toEqual([
      {
        name: 'FK_EmployeeReportsTo',
        columns: ['ReportsTo'],
        referencedSchema: 'dbo',
        referencedTable: 'Employee',
        referencedColumns: ['EmployeeId'],
        onDelete: 'no action',
        onUpdate: 'no action',
      },
    ]);
    expect(table('InvoiceLine').indexes).toEqual([
      { name: 'IFK_InvoiceLineInvoiceId', columns: ['InvoiceId'], unique: false, where: null },
      { name: 'IFK_InvoiceLineTrackId', columns: ['TrackId'], unique: false, where: null },
    ]);
    expect(table('Invoice').columns.map((c) => [c.name, c.nativeType, c.type, c.nullable])).toEqual([
      ['InvoiceId', 'int', { kind: 'integer' }, false],
      ['CustomerId', 'int', { kind: 'integer' }, false],
      ['InvoiceDate', 'datetime', { kind: 'timestamp' }, false],
      ['BillingAddress', 'nvarchar(70)', { kind: 'varchar', length: 70 }, true],
      ['BillingCity', 'nvarchar(40)', { kind: 'varchar', length: 40 }, true],
      ['BillingState', 'nvarchar(40)', { kind: 'varchar', length: 40 }, true],
      ['BillingCountry', 'nvarchar(40)', { kind: 'varchar', length: 40 }, true],
      ['BillingPostalCode', 'nvarchar(10)', { kind: 'varchar', length: 10 }, true],
      ['Total', 'numeric(10,2)', { kind: 'decimal', precision: 10, scale: 2 }, false],
    ]);
  });

  it("Chinook's SQL Server catalog equals Chinook in SQLite on the neutral parts", async () => {
    const path = await freshSqlitePath('chinook-vs-mssql');
    await copyChinookSqlite(path);
    const tenant = await connect(`sqlite:${path}`);
    const sqliteModel = await introspect(tenant).finally(() => tenant.close());
    const mssqlModel = assembleMssqlSchema(chinookCatalog());
    expect(sqliteModel.tables).toHaveLength(11);
    // Identity is left out: SQLite reports its INTEGER PRIMARY KEY rowid aliases as identity, Chinook's SQL Server script has no IDENTITY.
    expect(diffNeutral(sqliteModel, mssqlModel, { identity: false })).toEqual([]);
    // And the comparison does see a difference when there is one.
    const changed = chinookCatalog();
    changed.columns.find((c) => c.column_name === 'Title' && c.max_length === 320)!.max_length = 400;
    expect(diffNeutral(sqliteModel, assembleMssqlSchema(changed), { identity: false })).toEqual(['Album.Title: type varchar(160) vs varchar(200)']);
  });
});

describe('view source → SELECT', () => {
  it.each([
    ['CREATE VIEW dbo.v AS SELECT 1 AS one', 'SELECT 1 AS one'],
    ['create or alter view [dbo].[v] as\n  select a from t;', 'select a from t'],
    ['CREATE VIEW [dbo].[Has AS Inside] ([a], [b]) WITH SCHEMABINDING, VIEW_METADATA AS SELECT a, b FROM dbo.t', 'SELECT a, b FROM dbo.t'],
    [
      '/* CREATE VIEW x AS y */\n-- AS here too\nCREATE VIEW "quoted ""AS"" name" AS WITH c AS (SELECT 1 AS x) SELECT x FROM c',
      'WITH c AS (SELECT 1 AS x) SELECT x FROM c',
    ],
  ])('%j', (definition, body) => {
    expect(viewBody(definition)).toBe(body);
  });
});
