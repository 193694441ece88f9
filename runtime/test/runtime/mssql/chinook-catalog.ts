import type { CatalogRows, ColumnRow, ForeignKeyRow, IndexRow } from '../../../src/dialects/mssql/introspection-queries.ts';

/**
 * The catalog rows SQL Server returns for Chinook's SQL Server script (data/chinook/Chinook_SqlServer.sql): 11
 * tables in dbo, every column as declared there, the primary keys (PlaylistTrack's NONCLUSTERED on a heap),
 * the 11 foreign keys and their IFK_ indexes. The table below is the script, transcribed; `sysColumn` turns a
 * declared type into the sys.columns values SQL Server stores for it (lengths in bytes: nvarchar(160) is 320).
 */

const NOT_NULL = true;
type Declared = [name: string, type: string, notNull?: boolean];

const TABLES: Record<string, { columns: Declared[]; pk: string[]; clustered?: false }> = {
  Album: {
    columns: [
      ['AlbumId', 'int', NOT_NULL],
      ['Title', 'nvarchar(160)', NOT_NULL],
      ['ArtistId', 'int', NOT_NULL],
    ],
    pk: ['AlbumId'],
  },
  Artist: {
    columns: [
      ['ArtistId', 'int', NOT_NULL],
      ['Name', 'nvarchar(120)'],
    ],
    pk: ['ArtistId'],
  },
  Customer: {
    columns: [
      ['CustomerId', 'int', NOT_NULL],
      ['FirstName', 'nvarchar(40)', NOT_NULL],
      ['LastName', 'nvarchar(20)', NOT_NULL],
      ['Company', 'nvarchar(80)'],
      ['Address', 'nvarchar(70)'],
      ['City', 'nvarchar(40)'],
      ['State', 'nvarchar(40)'],
      ['Country', 'nvarchar(40)'],
      ['PostalCode', 'nvarchar(10)'],
      ['Phone', 'nvarchar(24)'],
      ['Fax', 'nvarchar(24)'],
      ['Email', 'nvarchar(60)', NOT_NULL],
      ['SupportRepId', 'int'],
    ],
    pk: ['CustomerId'],
  },
  Employee: {
    columns: [
      ['EmployeeId', 'int', NOT_NULL],
      ['LastName', 'nvarchar(20)', NOT_NULL],
      ['FirstName', 'nvarchar(20)', NOT_NULL],
      ['Title', 'nvarchar(30)'],
      ['ReportsTo', 'int'],
      ['BirthDate', 'datetime'],
      ['HireDate', 'datetime'],
      ['Address', 'nvarchar(70)'],
      ['City', 'nvarchar(40)'],
      ['State', 'nvarchar(40)'],
      ['Country', 'nvarchar(40)'],
      ['PostalCode', 'nvarchar(10)'],
      ['Phone', 'nvarchar(24)'],
      ['Fax', 'nvarchar(24)'],
      ['Email', 'nvarchar(60)'],
    ],
    pk: ['EmployeeId'],
  },
  Genre: {
    columns: [
      ['GenreId', 'int', NOT_NULL],
      ['Name', 'nvarchar(120)'],
    ],
    pk: ['GenreId'],
  },
  Invoice: {
    columns: [
      ['InvoiceId', 'int', NOT_NULL],
      ['CustomerId', 'int', NOT_NULL],
      ['InvoiceDate', 'datetime', NOT_NULL],
      ['BillingAddress', 'nvarchar(70)'],
      ['BillingCity', 'nvarchar(40)'],
      ['BillingState', 'nvarchar(40)'],
      ['BillingCountry', 'nvarchar(40)'],
      ['BillingPostalCode', 'nvarchar(10)'],
      ['Total', 'numeric(10,2)', NOT_NULL],
    ],
    pk: ['InvoiceId'],
  },
  InvoiceLine: {
    columns: [
      ['InvoiceLineId', 'int', NOT_NULL],
      ['InvoiceId', 'int', NOT_NULL],
      ['TrackId', 'int', NOT_NULL],
      ['UnitPrice', 'numeric(10,2)', NOT_NULL],
      ['Quantity', 'int', NOT_NULL],
    ],
    pk: ['InvoiceLineId'],
  },
  MediaType: {
    columns: [
      ['MediaTypeId', 'int', NOT_NULL],
      ['Name', 'nvarchar(120)'],
    ],
    pk: ['MediaTypeId'],
  },
  Playlist: {
    columns: [
      ['PlaylistId', 'int', NOT_NULL],
      ['Name', 'nvarchar(120)'],
    ],
    pk: ['PlaylistId'],
  },
  PlaylistTrack: {
    columns: [
      ['PlaylistId', 'int', NOT_NULL],
      ['TrackId', 'int', NOT_NULL],
    ],
    pk: ['PlaylistId', 'TrackId'],
    clustered: false,
  },
  Track: {
    columns: [
      ['TrackId', 'int', NOT_NULL],
      ['Name', 'nvarchar(200)', NOT_NULL],
      ['AlbumId', 'int'],
      ['MediaTypeId', 'int', NOT_NULL],
      ['GenreId', 'int'],
      ['Composer', 'nvarchar(220)'],
      ['Milliseconds', 'int', NOT_NULL],
      ['Bytes', 'int'],
      ['UnitPrice', 'numeric(10,2)', NOT_NULL],
    ],
    pk: ['TrackId'],
  },
};

/** [constraint, table, column, referenced table, referenced column]; every one ON DELETE/UPDATE NO ACTION, each with an IFK_ index. */
const FOREIGN_KEYS: [string, string, string, string, string][] = [
  ['FK_AlbumArtistId', 'Album', 'ArtistId', 'Artist', 'ArtistId'],
  ['FK_CustomerSupportRepId', 'Customer', 'SupportRepId', 'Employee', 'EmployeeId'],
  ['FK_EmployeeReportsTo', 'Employee', 'ReportsTo', 'Employee', 'EmployeeId'],
  ['FK_InvoiceCustomerId', 'Invoice', 'CustomerId', 'Customer', 'CustomerId'],
  ['FK_InvoiceLineInvoiceId', 'InvoiceLine', 'InvoiceId', 'Invoice', 'InvoiceId'],
  ['FK_InvoiceLineTrackId', 'InvoiceLine', 'TrackId', 'Track', 'TrackId'],
  ['FK_PlaylistTrackPlaylistId', 'PlaylistTrack', 'PlaylistId', 'Playlist', 'PlaylistId'],
  ['FK_PlaylistTrackTrackId', 'PlaylistTrack', 'TrackId', 'Track', 'TrackId'],
  ['FK_TrackAlbumId', 'Track', 'AlbumId', 'Album', 'AlbumId'],
  ['FK_TrackGenreId', 'Track', 'GenreId', 'Genre', 'GenreId'],
  ['FK_TrackMediaTypeId', 'Track', 'MediaTypeId', 'MediaType', 'MediaTypeId'],
];

/** sys.columns' type fields for a declared system type, as SQL Server fills them. */
export function sysColumn(declared: string): Pick<ColumnRow, 'type_name' | 'base_type_name' | 'max_length' | 'precision' | 'scale'> {
  const m = /^(\w+)(?:\((\w+)(?:,(\d+))?\))?$/.exec(declared);
  if (!m) throw new Error(`fixture: cannot read type ${declared}`);
  const [, name = '', arg, second] = m;
  const base = { type_name: name, base_type_name: name };
  switch (name) {
    case 'int':
      return { ...base, max_length: 4, precision: 10, scale: 0 };
    case 'bigint':
      return { ...base, max_length: 8, precision: 19, scale: 0 };
    case 'bit':
      return { ...base, max_length: 1, precision: 1, scale: 0 };
    case 'datetime':
      return { ...base, max_length: 8, precision: 23, scale: 3 };
    case 'datetime2':
      return { ...base, max_length: 8, precision: 27, scale: 7 };
    case 'money':
      return { ...base, max_length: 8, precision: 19, scale: 4 };
    case 'uniqueidentifier':
      return { ...base, max_length: 16, precision: 0, scale: 0 };
    case 'numeric':
    case 'decimal': {
      const precision = Number(arg);
      // Storage bytes by precision: 1–9 → 5, 10–19 → 9, 20–28 → 13, 29–38 → 17.
      const bytes = precision <= 9 ? 5 : precision <= 19 ? 9 : precision <= 28 ? 13 : 17;
      return { ...base, max_length: bytes, precision, scale: Number(second ?? 0) };
    }
    case 'nvarchar':
    case 'nchar':
      return { ...base, max_length: arg === 'max' ? -1 : 2 * Number(arg), precision: 0, scale: 0 };
    case 'varchar':
    case 'char':
    case 'varbinary':
    case 'binary':
      return { ...base, max_length: arg === 'max' ? -1 : Number(arg), precision: 0, scale: 0 };
    default:
      throw new Error(`fixture: no sys.columns values for ${declared}`);
  }
}

/** A sys.columns row for a plain system-typed column; `extra` overrides any field. */
export function columnRow(object_id: number, column_id: number, column_name: string, declared: string, extra: Partial<ColumnRow> = {}): ColumnRow {
  return {
    object_id,
    column_id,
    column_name,
    ...sysColumn(declared),
    type_schema: 'sys',
    is_user_defined: false,
    is_assembly_type: false,
    is_nullable: true,
    is_identity: false,
    is_computed: false,
    computed_definition: null,
    is_persisted: null,
    default_definition: null,
    comment: null,
    ...extra,
  };
}

/** An index key (or included) column row; `extra` overrides any field. */
export function indexRow(
  object_id: number,
  index_id: number,
  index_name: string,
  key_ordinal: number,
  column_name: string,
  extra: Partial<IndexRow> = {},
): IndexRow {
  return {
    object_id,
    index_id,
    index_name,
    is_unique: false,
    constraint_type: null,
    constraint_name: null,
    has_filter: false,
    filter_definition: null,
    key_ordinal,
    is_included_column: false,
    column_name,
    ...extra,
  };
}

/** Chinook's catalog rows. Object ids are arbitrary but stable, like SQL Server's. */
export function chinookCatalog(): CatalogRows {
  const ids = new Map(Object.keys(TABLES).map((name, i) => [name, 885578193 + 32 * i]));
  const id = (table: string) =>
    ids.get(table) ??
    (() => {
      throw new Error(`fixture: no table ${table}`);
    })();
  const rows: CatalogRows = { tables: [], views: [], columns: [], aliasTypes: [], indexes: [], foreignKeys: [], checks: [] };
  for (const [name, table] of Object.entries(TABLES)) {
    rows.tables.push({ schema_name: 'dbo', table_name: name, object_id: id(name), comment: null });
    table.columns.forEach(([column, type, notNull], i) => rows.columns.push(columnRow(id(name), i + 1, column, type, { is_nullable: !notNull })));
    // A clustered primary key is index 1; a nonclustered one on a heap is index 2 (index 0 is the heap itself).
    const pkIndex = table.clustered === false ? 2 : 1;
    const constraint = `PK_${name}`;
    table.pk.forEach((column, i) =>
      rows.indexes.push(indexRow(id(name), pkIndex, constraint, i + 1, column, { is_unique: true, constraint_type: 'PK', constraint_name: constraint })),
    );
  }
  const nextIndex = new Map<string, number>();
  FOREIGN_KEYS.forEach(([constraint, table, column, referenced, referencedColumn], i) => {
    const fk: ForeignKeyRow = {
      constraint_id: 1013578649 + 16 * i,
      constraint_name: constraint,
      parent_object_id: id(table),
      referenced_schema: 'dbo',
      referenced_table: referenced,
      delete_referential_action_desc: 'NO_ACTION',
      update_referential_action_desc: 'NO_ACTION',
      constraint_column_id: 1,
      column_name: column,
      referenced_column: referencedColumn,
    };
    rows.foreignKeys.push(fk);
    const indexId = nextIndex.get(table) ?? (TABLES[table]!.clustered === false ? 3 : 2);
    nextIndex.set(table, indexId + 1);
    rows.indexes.push(indexRow(id(table), indexId, `IFK_${constraint.slice(3)}`, 1, column));
  });
  return rows;
}
