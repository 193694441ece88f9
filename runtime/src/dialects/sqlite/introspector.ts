import { type Kysely, sql } from 'kysely';
import type { Column, ForeignKey, Index, SchemaModel, Table, View } from '../../contracts/schema-model.ts';
import { parseCreateIndex, parseCreateTable, viewDefinition } from './sql-text.ts';
import { sqliteNeutralType } from './types.ts';

interface SchemaRow { type: string; name: string; tbl_name: string; sql: string | null }
interface ColumnRow { tbl: string; cid: number; name: string; type: string; notnull: number; dflt_value: string | null; pk: number; hidden: number }
interface ForeignKeyRow { tbl: string; id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }
interface IndexRow { tbl: string; name: string; unique: number; origin: string; partial: number }
interface IndexColumnRow { idx: string; seqno: number; cid: number; name: string | null }

const USER_OBJECTS = sql`m.name not like 'sqlite_%'`;

/** Reads the whole schema in five queries over the pragma table-valued functions. */
export async function introspectSqlite(db: Kysely<any>): Promise<SchemaModel> {
  const [objects, columns, foreignKeys, indexes, indexColumns] = await Promise.all([
    sql<SchemaRow>`select type, name, tbl_name, sql from sqlite_schema m where ${USER_OBJECTS} and sql is not null`.execute(db),
    sql<ColumnRow>`select m.name as tbl, c.cid, c.name, c.type, c."notnull", c.dflt_value, c.pk, c.hidden
      from sqlite_schema m join pragma_table_xinfo(m.name) c where m.type in ('table', 'view') and ${USER_OBJECTS}`.execute(db),
    sql<ForeignKeyRow>`select m.name as tbl, f.id, f.seq, f."table", f."from", f."to", f.on_update, f.on_delete
      from sqlite_schema m join pragma_foreign_key_list(m.name) f where m.type = 'table' and ${USER_OBJECTS}`.execute(db),
    sql<IndexRow>`select m.name as tbl, i.name, i."unique", i.origin, i.partial
      from sqlite_schema m join pragma_index_list(m.name) i where m.type = 'table' and ${USER_OBJECTS}`.execute(db),
    sql<IndexColumnRow>`select i.name as idx, x.seqno, x.cid, x.name
      from sqlite_schema m join pragma_index_list(m.name) i join pragma_index_xinfo(i.name) x
      where m.type = 'table' and ${USER_OBJECTS} and x.key = 1`.execute(db),
  ]);

  const columnsOf = groupBy(columns.rows, (c) => c.tbl);
  const fksOf = groupBy(foreignKeys.rows, (f) => f.tbl);
  const indexesOf = groupBy(indexes.rows, (i) => i.tbl);
  const partsOf = groupBy(indexColumns.rows, (c) => c.idx);
  const sqlOf = new Map(objects.rows.map((o) => [o.name, o.sql ?? '']));
  const pkOf = new Map<string, string[]>();
  for (const [table, cols] of columnsOf) {
    pkOf.set(table, cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name));
  }

  const tables: Table[] = [];
  const views: View[] = [];
  for (const object of objects.rows) {
    const cols = (columnsOf.get(object.name) ?? []).sort((a, b) => a.cid - b.cid);
    if (object.type === 'view') {
      views.push({
        schema: 'main',
        name: object.name,
        columns: cols.map((c) => toColumn(c, false, undefined)),
        definition: viewDefinition(object.sql ?? ''),
        materialized: false,
        comment: null,
      });
      continue;
    }
    if (object.type !== 'table') continue;
    const parsed = parseCreateTable(object.sql ?? '');
    const pk = pkOf.get(object.name) ?? [];
    const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(object.sql ?? '');
    // A single INTEGER PRIMARY KEY is the rowid alias: SQLite assigns it when the insert leaves it out.
    const rowidAlias = !withoutRowid && pk.length === 1 ? pk[0] : undefined;
    const tableIndexes = indexesOf.get(object.name) ?? [];
    tables.push({
      schema: 'main',
      name: object.name,
      columns: cols.map((c) =>
        toColumn(c, c.name === rowidAlias && c.type.trim().toUpperCase() === 'INTEGER', parsed.generated.get(c.name)),
      ),
      primaryKey: pk.length ? { name: null, columns: pk } : null,
      foreignKeys: toForeignKeys(fksOf.get(object.name) ?? [], pkOf),
      uniques: tableIndexes
        .filter((i) => i.origin === 'u')
        .map((i) => ({ name: null, columns: (partsOf.get(i.name) ?? []).sort((a, b) => a.seqno - b.seqno).map((p) => p.name ?? '') }))
        .sort((a, b) => a.columns.join(',').localeCompare(b.columns.join(','))),
      indexes: tableIndexes
        .filter((i) => i.origin === 'c')
        .map((i) => toIndex(i, partsOf.get(i.name) ?? [], sqlOf.get(i.name) ?? ''))
        .sort((a, b) => compareText(a.name, b.name)),
      checks: parsed.checks.sort((a, b) => compareText(a.name ?? '', b.name ?? '') || compareText(a.expression, b.expression)),
      comment: null,
    });
  }
  tables.sort((a, b) => compareText(a.name, b.name));
  views.sort((a, b) => compareText(a.name, b.name));
  return { dialect: 'sqlite', defaultSchema: 'main', tables, views, enums: [], domains: [] };
}

function toColumn(row: ColumnRow, rowidAlias: boolean, generatedExpression: string | undefined): Column {
  return {
    name: row.name,
    type: sqliteNeutralType(row.type),
    nativeType: row.type,
    nullable: !row.notnull && !rowidAlias,
    default: row.dflt_value,
    identity: rowidAlias ? 'by-default' : null,
    generated: row.hidden === 2 || row.hidden === 3 ? { kind: row.hidden === 3 ? 'stored' : 'virtual', expression: generatedExpression ?? '' } : null,
    comment: null,
  };
}

function toForeignKeys(rows: ForeignKeyRow[], pkOf: Map<string, string[]>): ForeignKey[] {
  const byId = groupBy(rows, (r) => String(r.id));
  const keys: ForeignKey[] = [];
  for (const parts of byId.values()) {
    parts.sort((a, b) => a.seq - b.seq);
    const first = parts[0]!;
    // `REFERENCES t` without columns means t's primary key.
    const implicit = pkOf.get(first.table) ?? [];
    keys.push({
      name: null,
      columns: parts.map((p) => p.from),
      referencedSchema: 'main',
      referencedTable: first.table,
      referencedColumns: parts.map((p, i) => p.to ?? implicit[i] ?? ''),
      onDelete: first.on_delete.toLowerCase() as ForeignKey['onDelete'],
      onUpdate: first.on_update.toLowerCase() as ForeignKey['onUpdate'],
    });
  }
  return keys.sort((a, b) => compareText(a.columns.join(','), b.columns.join(',')) || compareText(a.referencedTable, b.referencedTable));
}

function toIndex(row: IndexRow, parts: IndexColumnRow[], createSql: string): Index {
  const parsed = createSql ? parseCreateIndex(createSql) : { parts: [], where: null };
  return {
    name: row.name,
    // cid -2 marks an expression part; its text comes from the CREATE INDEX statement.
    columns: parts.sort((a, b) => a.seqno - b.seqno).map((p) => (p.cid === -2 ? `(${parsed.parts[p.seqno] ?? ''})` : (p.name ?? ''))),
    unique: row.unique === 1,
    where: row.partial ? parsed.where : null,
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
