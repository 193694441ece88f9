import { type Kysely, sql } from 'kysely';
import type { Column, Domain, ForeignKey, Index, SchemaModel, Table, View } from '../../contracts/schema-model.ts';
import { type CatalogRows, type ColumnRow, type IndexRow, INTROSPECTION_QUERIES } from './introspection-queries.ts';
import { mssqlNativeType, mssqlNeutralType } from './types.ts';
import { compareText, groupBy } from '../../util/collections.ts';

export const MSSQL_DEFAULT_SCHEMA = 'dbo';

/** Runs the catalog queries (one per kind of object, in parallel) and assembles the SchemaModel. */
export async function introspectMssql(db: Kysely<any>): Promise<SchemaModel> {
  const run = async <K extends keyof CatalogRows>(key: K): Promise<Required<CatalogRows>[K]> =>
    (await sql.raw<Required<CatalogRows>[K][number]>(INTROSPECTION_QUERIES[key]).execute(db)).rows as Required<CatalogRows>[K];
  const [tables, views, columns, aliasTypes, indexes, foreignKeys, checks, modules] = await Promise.all([
    run('tables'),
    run('views'),
    run('columns'),
    run('aliasTypes'),
    run('indexes'),
    run('foreignKeys'),
    run('checks'),
    run('modules'),
  ]);
  return assembleMssqlSchema({ tables, views, columns, aliasTypes, indexes, foreignKeys, checks, modules });
}

const ACTIONS: Record<string, ForeignKey['onDelete']> = {
  NO_ACTION: 'no action',
  CASCADE: 'cascade',
  SET_NULL: 'set null',
  SET_DEFAULT: 'set default',
};

/**
 * Turns the catalog rows into a SchemaModel, sorted as the contract says whatever order the rows came in.
 * Pure, so it is tested without a server. The input is not modified.
 */
export function assembleMssqlSchema(rows: CatalogRows): SchemaModel {
  const columnsOf = groupBy(rows.columns, (c) => c.object_id);
  const indexesOf = groupBy(rows.indexes, (i) => i.object_id);
  const fksOf = groupBy(rows.foreignKeys, (f) => f.parent_object_id);
  const checksOf = groupBy(rows.checks, (c) => c.parent_object_id);

  const tables = rows.tables.map((t): Table => {
    const keys = tableIndexes(indexesOf.get(t.object_id) ?? []);
    const pk = keys.find((k) => k.constraintType === 'PK');
    return {
      partitionBy: null,
      schema: t.schema_name,
      name: t.table_name,
      columns: toColumns(columnsOf.get(t.object_id)),
      primaryKey: pk ? { name: pk.constraintName ?? pk.index.name, columns: pk.index.columns } : null,
      foreignKeys: foreignKeys(fksOf.get(t.object_id) ?? []),
      uniques: keys
        .filter((k) => k.constraintType === 'UQ')
        .map((k) => ({ name: k.constraintName ?? k.index.name, columns: k.index.columns }))
        .sort((a, b) => compareText(a.name, b.name) || compareText(a.columns.join(','), b.columns.join(','))),
      indexes: keys
        .filter((k) => k.constraintType === null)
        .map((k) => k.index)
        .sort((a, b) => compareText(a.name, b.name) || compareText(a.columns.join(','), b.columns.join(','))),
      checks: (checksOf.get(t.object_id) ?? [])
        .map((c) => ({ name: c.constraint_name, expression: c.definition }))
        .sort((a, b) => compareText(a.name, b.name) || compareText(a.expression, b.expression)),
      comment: t.comment,
    };
  });

  const views = rows.views.map(
    (v): View => ({
      schema: v.schema_name,
      name: v.view_name,
      columns: toColumns(columnsOf.get(v.object_id)),
      // An encrypted view (WITH ENCRYPTION) has no readable source.
      definition: v.definition === null ? '' : viewBody(v.definition),
      materialized: false,
      comment: v.comment,
    }),
  );

  const domains = rows.aliasTypes.map((a): Domain => {
    const type = { typeName: a.base_type_name, maxLength: a.max_length, precision: a.precision, scale: a.scale };
    return {
      schema: a.type_schema,
      name: a.type_name,
      type: mssqlNeutralType(type),
      nativeType: mssqlNativeType(type),
      nullable: Boolean(a.is_nullable),
      default: null,
      checks: [],
    };
  });

  const bySchemaAndName = (a: { schema: string; name: string }, b: { schema: string; name: string }) =>
    compareText(a.schema, b.schema) || compareText(a.name, b.name);
  return {
    dialect: 'mssql',
    defaultSchema: MSSQL_DEFAULT_SCHEMA,
    tables: tables.sort(bySchemaAndName),
    views: views.sort(bySchemaAndName),
    enums: [],
    domains: domains.sort(bySchemaAndName),
    schemas: [...new Set([MSSQL_DEFAULT_SCHEMA, ...tables.map((t) => t.schema), ...views.map((v) => v.schema), ...domains.map((d) => d.schema)])]
      .sort(compareText)
      .map((name) => ({ name, comment: null })),
    partitions: [],
    sequences: [],
    extensions: [],
    objects: (rows.modules ?? [])
      .map((m) => ({
        kind: MODULE_KINDS[m.object_type.trim()] ?? 'function',
        name: `${m.schema_name}.${m.object_name}`,
        table: m.parent_name ? `${m.parent_schema}.${m.parent_name}` : null,
        definition: m.definition ?? '',
      }))
      .sort((a, b) => compareText(a.name, b.name)),
  };
}

const MODULE_KINDS: Record<string, string> = { P: 'procedure', FN: 'function', IF: 'function', TF: 'function', TR: 'trigger' };

function toColumns(rows: readonly ColumnRow[] | undefined): Column[] {
  return [...(rows ?? [])]
    .sort((a, b) => a.column_id - b.column_id)
    .map((c): Column => {
      const type = { typeName: c.base_type_name, maxLength: c.max_length, precision: c.precision, scale: c.scale };
      // An alias type is SQL Server's domain: the neutral type is its base, named by the alias.
      const alias = c.is_user_defined && !c.is_assembly_type ? qualify(c.type_schema, c.type_name) : undefined;
      return {
        name: c.column_name,
        type: alias ? { ...mssqlNeutralType(type), domain: alias } : mssqlNeutralType(type),
        nativeType: alias ?? (c.is_user_defined ? qualify(c.type_schema, c.type_name) : mssqlNativeType(type)),
        nullable: Boolean(c.is_nullable),
        default: c.default_definition,
        // IDENTITY rejects an explicit value unless IDENTITY_INSERT is on. The neutral model calls it by-default:
        // inserts normally leave it out, and copies between databases write it under IDENTITY_INSERT.
        identity: c.is_identity ? 'by-default' : null,
        generated: c.is_computed ? { kind: c.is_persisted ? 'stored' : 'virtual', expression: c.computed_definition ?? '' } : null,
        comment: c.comment,
      };
    });
}

interface KeyedIndex {
  index: Index;
  constraintType: 'PK' | 'UQ' | null;
  constraintName: string | null;
}

/** Groups index rows by index; key columns in key order, included columns left out (they are not part of the key). */
function tableIndexes(rows: readonly IndexRow[]): KeyedIndex[] {
  return [...groupBy(rows, (r) => r.index_id).values()].map((parts) => {
    const first = parts[0]!;
    const columns = parts
      .filter((p) => !p.is_included_column && p.key_ordinal > 0)
      .sort((a, b) => a.key_ordinal - b.key_ordinal)
      .map((p) => p.column_name);
    const type = first.constraint_type?.trim().toUpperCase();
    return {
      index: { name: first.index_name, columns, unique: Boolean(first.is_unique), where: first.has_filter ? first.filter_definition : null },
      constraintType: type === 'PK' || type === 'UQ' ? type : null,
      constraintName: first.constraint_name,
    };
  });
}

function foreignKeys(rows: CatalogRows['foreignKeys']): ForeignKey[] {
  return [...groupBy(rows, (f) => f.constraint_id).values()]
    .map((parts): ForeignKey => {
      const ordered = [...parts].sort((a, b) => a.constraint_column_id - b.constraint_column_id);
      const f = ordered[0]!;
      return {
        name: f.constraint_name,
        columns: ordered.map((p) => p.column_name),
        referencedSchema: f.referenced_schema,
        referencedTable: f.referenced_table,
        referencedColumns: ordered.map((p) => p.referenced_column),
        onDelete: referentialAction(f.delete_referential_action_desc, f.constraint_name),
        onUpdate: referentialAction(f.update_referential_action_desc, f.constraint_name),
      };
    })
    .sort((a, b) => compareText(a.name ?? '', b.name ?? '') || compareText(a.columns.join(','), b.columns.join(',')));
}

function referentialAction(desc: string, constraint: string): ForeignKey['onDelete'] {
  const action = ACTIONS[desc.trim().toUpperCase()];
  if (!action) throw new Error(`foreign key ${constraint}: unknown referential action "${desc}" in sys.foreign_keys`);
  return action;
}

/** `dbo` names stay bare; other schemas qualify, as the contract asks for enum and domain names. */
function qualify(schema: string, name: string): string {
  return schema === MSSQL_DEFAULT_SCHEMA ? name : `${schema}.${name}`;
}

/**
 * The SELECT of a view from its CREATE VIEW text (sys.sql_modules keeps the statement as written, comments
 * included): everything after the first top-level AS that follows CREATE [OR ALTER] VIEW. Bracketed and quoted
 * identifiers, string literals, comments and the optional column list are skipped, so `AS` inside a name is ignored.
 */
export function viewBody(definition: string): string {
  const text = definition;
  let i = 0;
  let depth = 0;
  let sawView = false;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (ch === '[' || ch === '"' || ch === "'") {
      i = skipQuoted(text, i, ch === '[' ? ']' : ch);
    } else if (ch === '(') {
      depth++;
      i++;
    } else if (ch === ')') {
      depth--;
      i++;
    } else if (/[A-Za-z_@#]/.test(ch)) {
      const word = /^[A-Za-z0-9_@#$]+/.exec(text.slice(i))![0];
      const upper = word.toUpperCase();
      if (upper === 'VIEW') sawView = true;
      else if (upper === 'AS' && sawView && depth === 0)
        return text
          .slice(i + word.length)
          .trim()
          .replace(/;\s*$/, '');
      i += word.length;
    } else {
      i++;
    }
  }
  return text.trim();
}

/** Index just past a quoted token opened at `start`; a doubled closing character is an escaped one. */
function skipQuoted(text: string, start: number, close: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === close) {
      if (text[i + 1] === close) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}
