import { type Kysely, sql } from 'kysely';
import type { Column, ForeignKey, SchemaModel, Table } from '../../contracts/schema-model.ts';
import { type CatalogRows, type ColumnRow, INTROSPECTION_QUERIES } from './introspection-queries.ts';
import { mssqlNativeType, mssqlNeutralType } from './types.ts';

export async function introspectMssql(db: Kysely<any>): Promise<SchemaModel> {
  const run = async <K extends keyof CatalogRows>(key: K) => (await sql.raw<CatalogRows[K][number]>(INTROSPECTION_QUERIES[key]).execute(db)).rows as CatalogRows[K];
  const [tables, views, columns, indexes, foreignKeys, checks] = await Promise.all([
    run('tables'), run('views'), run('columns'), run('indexes'), run('foreignKeys'), run('checks'),
  ]);
  return assembleMssqlSchema({ tables, views, columns, indexes, foreignKeys, checks });
}

const ACTIONS: Record<string, ForeignKey['onDelete']> = { NO_ACTION: 'no action', CASCADE: 'cascade', SET_NULL: 'set null', SET_DEFAULT: 'set default' };

/** Turns the catalog rows into a SchemaModel, sorted as the contract says. Pure: tested without a server. */
export function assembleMssqlSchema(rows: CatalogRows): SchemaModel {
  const columnsOf = groupBy(rows.columns, (c) => c.object_id);
  const indexesOf = groupBy(rows.indexes, (i) => i.object_id);
  const fksOf = groupBy(rows.foreignKeys, (f) => f.parent_object_id);
  const checksOf = groupBy(rows.checks, (c) => c.parent_object_id);

  const tables: Table[] = rows.tables.map((t) => {
    const byIndex = [...groupBy(indexesOf.get(t.object_id) ?? [], (i) => i.index_id).values()].map((parts) => {
      const keyParts = parts.filter((p) => !p.is_included_column).sort((a, b) => a.key_ordinal - b.key_ordinal);
      return { first: parts[0]!, columns: keyParts.map((p) => p.column_name) };
    });
    const pk = byIndex.find((i) => i.first.is_primary_key);
    return {
      schema: t.schema_name,
      name: t.table_name,
      columns: sortedColumns(columnsOf.get(t.object_id)),
      primaryKey: pk ? { name: pk.first.index_name, columns: pk.columns } : null,
      foreignKeys: [...groupBy(fksOf.get(t.object_id) ?? [], (f) => f.constraint_id).values()]
        .map((parts): ForeignKey => {
          parts.sort((a, b) => a.constraint_column_id - b.constraint_column_id);
          const f = parts[0]!;
          return {
            name: f.constraint_name,
            columns: parts.map((p) => p.column_name),
            referencedSchema: f.referenced_schema,
            referencedTable: f.referenced_table,
            referencedColumns: parts.map((p) => p.referenced_column),
            onDelete: ACTIONS[f.delete_referential_action_desc] ?? 'no action',
            onUpdate: ACTIONS[f.update_referential_action_desc] ?? 'no action',
          };
        })
        .sort((a, b) => compare(a.name ?? '', b.name ?? '')),
      uniques: byIndex
        .filter((i) => i.first.is_unique_constraint)
        .map((i) => ({ name: i.first.index_name, columns: i.columns }))
        .sort((a, b) => compare(a.name, b.name)),
      indexes: byIndex
        .filter((i) => !i.first.is_primary_key && !i.first.is_unique_constraint)
        .map((i) => ({ name: i.first.index_name, columns: i.columns, unique: i.first.is_unique, where: i.first.has_filter ? i.first.filter_definition : null }))
        .sort((a, b) => compare(a.name, b.name)),
      checks: (checksOf.get(t.object_id) ?? []).map((c) => ({ name: c.constraint_name, expression: c.definition })).sort((a, b) => compare(a.name, b.name)),
      comment: t.comment,
    };
  });

  return {
    dialect: 'mssql',
    defaultSchema: 'dbo',
    tables: tables.sort((a, b) => compare(a.schema, b.schema) || compare(a.name, b.name)),
    views: rows.views
      .map((v) => ({
        schema: v.schema_name,
        name: v.view_name,
        columns: sortedColumns(columnsOf.get(v.object_id)),
        definition: v.definition.replace(/^[\s\S]*?\bCREATE\s+VIEW\s+[\s\S]*?\bAS\s+/i, '').trim(),
        materialized: false,
        comment: v.comment,
      }))
      .sort((a, b) => compare(a.schema, b.schema) || compare(a.name, b.name)),
    enums: [],
    domains: [],
  };
}

function sortedColumns(rows: ColumnRow[] | undefined): Column[] {
  return (rows ?? [])
    .sort((a, b) => a.column_id - b.column_id)
    .map((c) => {
      const type = { typeName: c.type_name, maxLength: c.max_length, precision: c.precision, scale: c.scale };
      return {
        name: c.column_name,
        type: mssqlNeutralType(type),
        nativeType: mssqlNativeType(type),
        nullable: Boolean(c.is_nullable),
        default: c.default_definition,
        // IDENTITY takes no explicit value unless IDENTITY_INSERT is on; the neutral model calls that by-default,
        // since inserts without the column are the normal case and copies can still write it under IDENTITY_INSERT.
        identity: c.is_identity ? 'by-default' : null,
        generated: c.is_computed ? { kind: c.is_persisted ? 'stored' : 'virtual', expression: c.computed_definition ?? '' } : null,
        comment: c.comment,
      };
    });
}

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
