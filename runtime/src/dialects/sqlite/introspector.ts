import { type Kysely, sql } from 'kysely';
import type { Column, ForeignKey, Index, NamedObject, SchemaModel, Table, View } from '../../contracts/schema-model.ts';
import { CAPTURE_TRIGGER_PREFIX } from './capture.ts';
import { foldIdentifier, type ParsedTable, parseCreateIndex, parseCreateTable, viewDefinition } from './sql-text.ts';
import { sqliteNeutralType } from './types.ts';
import { compareText, groupBy } from '../../util/collections.ts';

interface ObjectRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string;
  kind: string | null;
  wr: number | null;
}
interface ColumnRow {
  tbl: string;
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}
interface ForeignKeyRow {
  tbl: string;
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}
interface IndexRow {
  tbl: string;
  idx: string;
  unique: number;
  origin: string;
  partial: number;
  seqno: number;
  cid: number;
  col: string | null;
}

/** `sqlite_%` names are SQLite's own; `_` must be escaped or `sqliteX` would be skipped too. */
const notInternal = (column: string) => sql`${sql.ref(column)} not like 'sqlite\\_%' escape '\\'`;
/** Ordinary tables and views of the main database: no temp objects, virtual tables or their shadow tables. */
const USER_RELATIONS = sql`select name, type from pragma_table_list where schema = 'main' and type in ('table', 'view') and ${notInternal('name')}`;

/**
 * Reads the main database's schema in four queries over sqlite_schema and the pragma table-valued functions.
 * Virtual tables (FTS, R*Tree) and their shadow tables are left out: they have no place among ordinary tables.
 * SQLite keeps no comments, and names only what the CREATE text names (primary keys, uniques and foreign keys
 * declared with CONSTRAINT name); every other name is null.
 */
export async function introspectSqlite(db: Kysely<any>): Promise<SchemaModel> {
  const [objects, columns, foreignKeys, indexes] = await Promise.all([
    sql<ObjectRow>`select m.type, m.name, m.tbl_name, m.sql, l.type as kind, l.wr from sqlite_schema m
      left join pragma_table_list l on l.schema = 'main' and l.name = m.name
      where ${notInternal('m.name')} and m.sql is not null`.execute(db),
    sql<ColumnRow>`with r as (${USER_RELATIONS})
      select r.name as tbl, c.cid, c.name, c.type, c."notnull", c.dflt_value, c.pk, c.hidden
      from r join pragma_table_xinfo(r.name) c`.execute(db),
    sql<ForeignKeyRow>`with r as (${USER_RELATIONS})
      select r.name as tbl, f.id, f.seq, f."table", f."from", f."to", f.on_update, f.on_delete
      from r join pragma_foreign_key_list(r.name) f where r.type = 'table'`.execute(db),
    sql<IndexRow>`with r as (${USER_RELATIONS})
      select r.name as tbl, i.name as idx, i."unique", i.origin, i.partial, x.seqno, x.cid, x.name as col
      from r join pragma_index_list(r.name) i join pragma_index_xinfo(i.name) x where r.type = 'table' and x.key = 1`.execute(db),
  ]);

  const columnsOf = groupBy(columns.rows, (c) => c.tbl);
  const foreignKeysOf = groupBy(foreignKeys.rows, (f) => f.tbl);
  const indexesOf = groupBy(indexes.rows, (i) => i.tbl);
  const sqlOf = new Map(objects.rows.map((o) => [o.name, o.sql]));
  const relations = objects.rows.filter((o) => o.kind === 'table' || o.kind === 'view');
  // REFERENCES clauses may spell a table or column in another case; the model uses the declared spelling.
  const tableNamed = new Map(relations.filter((o) => o.kind === 'table').map((o) => [foldIdentifier(o.name), o.name]));
  const columnNamed = (table: string, name: string) => columnsOf.get(table)?.find((c) => foldIdentifier(c.name) === foldIdentifier(name))?.name ?? name;
  const pkOf = new Map<string, string[]>();
  for (const [table, cols] of columnsOf)
    pkOf.set(
      table,
      cols
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
    );

  const tables: Table[] = [];
  const views: View[] = [];
  for (const object of relations) {
    const cols = (columnsOf.get(object.name) ?? []).sort((a, b) => a.cid - b.cid);
    if (object.kind === 'view') {
      views.push({
        schema: 'main',
        name: object.name,
        columns: cols.map((c) => toColumn(c, false, undefined)),
        definition: viewDefinition(object.sql),
        materialized: false,
        comment: null,
      });
      continue;
    }
    const parsed = parseCreateTable(object.sql);
    const pk = pkOf.get(object.name) ?? [];
    // A lone INTEGER PRIMARY KEY of a rowid table is the rowid: SQLite assigns it when an insert leaves it out.
    const rowidAlias = !object.wr && pk.length === 1 && !parsed.descendingColumnPrimaryKey ? pk[0] : undefined;
    const tableIndexes = groupBy(indexesOf.get(object.name) ?? [], (i) => i.idx);
    tables.push({
      partitionBy: null,
      schema: 'main',
      name: object.name,
      columns: cols.map((c) => toColumn(c, c.name === rowidAlias && c.type.trim().toUpperCase() === 'INTEGER', parsed.generated.get(c.name))),
      primaryKey: pk.length ? { name: parsed.primaryKey?.name ?? null, columns: pk } : null,
      foreignKeys: toForeignKeys(foreignKeysOf.get(object.name) ?? [], parsed, (fk) => {
        const table = tableNamed.get(foldIdentifier(fk.table)) ?? fk.table;
        return { table, column: (to: string | null, at: number) => (to === null ? (pkOf.get(table)?.[at] ?? '') : columnNamed(table, to)) };
      }),
      uniques: toUniques(
        [...tableIndexes.values()].filter((parts) => parts[0]!.origin === 'u'),
        parsed,
      ),
      indexes: [...tableIndexes.values()]
        .filter((parts) => parts[0]!.origin === 'c')
        .map((parts) => toIndex(parts, sqlOf.get(parts[0]!.idx) ?? ''))
        .sort((a, b) => compareText(a.name, b.name)),
      checks: parsed.checks.sort((a, b) => compareText(a.name ?? '', b.name ?? '') || compareText(a.expression, b.expression)),
      comment: null,
    });
  }
  tables.sort((a, b) => compareText(a.name, b.name));
  views.sort((a, b) => compareText(a.name, b.name));
  // Triggers have no neutral form: they are listed with their SQL (change capture's own are machinery, not the tenant's).
  return {
    dialect: 'sqlite',
    defaultSchema: 'main',
    tables,
    views,
    enums: [],
    domains: [],
    schemas: [{ name: 'main', comment: null }],
    partitions: [],
    sequences: [],
    extensions: [],
    objects: namedObjects(objects.rows),
  };
}

function namedObjects(rows: ObjectRow[]): NamedObject[] {
  return rows
    .filter((o) => o.type === 'trigger' && !o.name.startsWith(CAPTURE_TRIGGER_PREFIX))
    .map((o) => ({ kind: 'trigger', name: o.name, table: o.tbl_name, definition: o.sql }))
    .sort((a, b) => compareText(a.name, b.name));
}

function toColumn(row: ColumnRow, rowidAlias: boolean, generatedExpression: string | undefined): Column {
  // table_xinfo's hidden: 2 = virtual generated column, 3 = stored generated column.
  const generated = row.hidden === 2 || row.hidden === 3;
  return {
    name: row.name,
    type: sqliteNeutralType(row.type),
    nativeType: row.type,
    nullable: !row.notnull && !rowidAlias,
    default: row.dflt_value,
    identity: rowidAlias ? 'by-default' : null,
    generated: generated ? { kind: row.hidden === 3 ? 'stored' : 'virtual', expression: generatedExpression ?? '' } : null,
    comment: null,
  };
}

type Target = (fk: ForeignKeyRow) => { table: string; column: (to: string | null, at: number) => string };

function toForeignKeys(rows: ForeignKeyRow[], parsed: ParsedTable, target: Target): ForeignKey[] {
  const unnamed = [...parsed.foreignKeys];
  const keys: ForeignKey[] = [];
  for (const parts of groupBy(rows, (r) => String(r.id)).values()) {
    parts.sort((a, b) => a.seq - b.seq);
    const first = parts[0]!;
    const { table, column } = target(first);
    const columns = parts.map((p) => p.from);
    // The pragma has no constraint names; the CREATE text does, for the same columns and table.
    const at = unnamed.findIndex((p) => sameNames(p.columns, columns) && foldIdentifier(p.table) === foldIdentifier(table));
    const name = at < 0 ? null : unnamed.splice(at, 1)[0]!.name;
    keys.push({
      name,
      columns,
      referencedSchema: 'main',
      referencedTable: table,
      // `REFERENCES t` without columns means t's primary key.
      referencedColumns: parts.map((p, i) => column(p.to, i)),
      onDelete: first.on_delete.toLowerCase() as ForeignKey['onDelete'],
      onUpdate: first.on_update.toLowerCase() as ForeignKey['onUpdate'],
    });
  }
  return keys.sort(
    (a, b) =>
      compareText(a.name ?? '', b.name ?? '') || compareText(a.columns.join('\0'), b.columns.join('\0')) || compareText(a.referencedTable, b.referencedTable),
  );
}

function toUniques(indexes: IndexRow[][], parsed: ParsedTable): Table['uniques'] {
  const unnamed = [...parsed.uniques];
  return indexes
    .map((parts) => {
      const columns = parts.sort((a, b) => a.seqno - b.seqno).map((p) => p.col ?? '');
      const at = unnamed.findIndex((u) => sameNames(u.columns, columns));
      return { name: at < 0 ? null : unnamed.splice(at, 1)[0]!.name, columns };
    })
    .sort((a, b) => compareText(a.name ?? '', b.name ?? '') || compareText(a.columns.join('\0'), b.columns.join('\0')));
}

function toIndex(parts: IndexRow[], createSql: string): Index {
  const first = parts[0]!;
  const needsText = first.partial === 1 || parts.some((p) => p.cid === -2);
  const parsed = needsText ? parseCreateIndex(createSql) : { parts: [], where: null };
  return {
    name: first.idx,
    // cid -2 marks an expression part; its text comes from the CREATE INDEX statement.
    columns: parts.sort((a, b) => a.seqno - b.seqno).map((p) => (p.cid === -2 ? `(${parsed.parts[p.seqno] ?? ''})` : (p.col ?? ''))),
    unique: first.unique === 1,
    where: first.partial === 1 ? parsed.where : null,
  };
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((name, i) => foldIdentifier(name) === foldIdentifier(b[i]!));
}
