import { type RawBuilder, sql } from 'kysely';
import type { NeutralType } from '../../contracts/schema-model.ts';
import type { CopySupport, CopyTenant, PageRequest, ReadColumn, StoredType, TableRef } from '../copy-support.ts';

const tableId = (t: TableRef) => (t.schema ? sql.id(t.schema, t.name) : sql.id(t.name));

function store(type: NeutralType): StoredType {
  switch (type.kind) {
    case 'interval':
      return { type: { kind: 'text' }, loss: 'SQL Server has no interval type: values are kept as their text' };
    case 'array':
      return { type: { kind: 'json' }, note: 'arrays become JSON text' };
    case 'enum':
      return { type: { kind: 'text' }, note: 'enum values become text with a CHECK listing them' };
    case 'network':
      return { type: { kind: 'varchar', length: 64 }, note: 'network addresses become text' };
    case 'decimal':
      if ((type.precision ?? 0) > 38 || type.precision === undefined)
        return {
          type: { kind: 'decimal', precision: 38, scale: Math.min(type.scale ?? 10, 38) },
          loss: 'decimal becomes decimal(38,s): values beyond 38 digits or the scale are rounded',
        };
      return { type };
    case 'unknown':
      return { type: { kind: 'text' }, loss: 'the type has no portable equivalent; values are copied as their text' };
    default:
      return { type };
  }
}

/**
 * tedious turns decimals into floats and temporals into Dates in local time: they are read as text instead
 * (ISO 8601 styles 126/127), uniqueidentifier lower-cased like everyone else's UUIDs.
 */
function selectExpression(column: ReadColumn): RawBuilder<unknown> {
  const id = sql.id(column.name);
  switch (column.type.kind) {
    case 'decimal':
    case 'money':
      return sql`convert(varchar(64), ${id})`;
    case 'timestamp':
      return sql`convert(varchar(33), ${id}, 126)`;
    case 'timestamptz':
      return sql`convert(varchar(40), ${id}, 127)`;
    case 'date':
      return sql`convert(varchar(10), ${id}, 23)`;
    case 'time':
      return sql`convert(varchar(16), ${id})`;
    case 'uuid':
      return sql`lower(convert(varchar(36), ${id}))`;
    case 'xml':
      return sql`convert(nvarchar(max), ${id})`;
    default:
      return sql`${id}`;
  }
}

/** SQL Server has no row-value comparison: (a, b) > (x, y) is spelled a > x or (a = x and b > y). */
function compareKeys(key: readonly ReadColumn[], values: readonly unknown[], strict: '>' | '<='): RawBuilder<unknown> {
  const last = strict === '>' ? sql`>` : sql`<`;
  const alternatives: RawBuilder<unknown>[] = [];
  for (let i = 0; i < key.length; i++) {
    const equal = key.slice(0, i).map((k, j) => sql`${sql.id(k.name)} = ${values[j]}`);
    alternatives.push(sql.join([...equal, sql`${sql.id(key[i]!.name)} ${last} ${values[i]}`], sql` and `));
  }
  if (strict === '<=')
    alternatives.push(
      sql.join(
        key.map((k, j) => sql`${sql.id(k.name)} = ${values[j]}`),
        sql` and `,
      ),
    );
  return sql`(${sql.join(
    alternatives.map((a) => sql`(${a})`),
    sql` or `,
  )})`;
}

function where(request: PageRequest): RawBuilder<unknown> {
  if (request.key.length === 0) return sql``;
  if (request.at)
    return sql`where ${sql.join(
      request.key.map((k, i) => sql`${sql.id(k.name)} = ${request.at![i]}`),
      sql` and `,
    )}`;
  const parts: RawBuilder<unknown>[] = [];
  if (request.after) parts.push(compareKeys(request.key, request.after, '>'));
  if (request.upTo) parts.push(compareKeys(request.key, request.upTo, '<='));
  return parts.length ? sql`where ${sql.join(parts, sql` and `)}` : sql``;
}

function rowsOf(result: { rows: Record<string, unknown>[] }, columns: readonly ReadColumn[]): unknown[][] {
  return result.rows.map((row) => columns.map((_, i) => row[`c${i}`] ?? null));
}

function selectList(columns: readonly ReadColumn[]): RawBuilder<unknown> {
  return sql.join(columns.map((c, i) => sql`${selectExpression(c)} as ${sql.id(`c${i}`)}`));
}

export const mssqlCopySupport: CopySupport = {
  store,
  exportAs(column, sameDialect) {
    if (sameDialect) return undefined;
    if (/^(datetime2?|smalldatetime)\b/i.test(column.nativeType)) {
      return { type: { kind: 'timestamptz' }, note: `${column.nativeType} carries no time zone: values are taken as UTC (pgloader's cast)` };
    }
    if (column.type.kind === 'money') return { type: { kind: 'decimal', precision: 19, scale: 4 }, note: 'money becomes decimal(19,4)' };
    return undefined;
  },
  foreignKeys: 'after-load',
  identity: 'any-integer',
  async readPage(tenant: CopyTenant, request) {
    const skip = request.offset ? Math.floor(request.offset) : 0;
    const top = request.limit !== undefined && !skip ? sql`top (${sql.lit(Math.max(1, Math.floor(request.limit)))})` : sql``;
    const order = request.key.length ? sql`order by ${sql.join(request.key.map((k) => sql.id(k.name)))}` : sql``;
    // OFFSET … FETCH needs an ORDER BY; TOP is the plain form.
    const paging = skip
      ? sql` offset ${sql.lit(skip)} rows${request.limit !== undefined ? sql` fetch next ${sql.lit(Math.max(1, Math.floor(request.limit)))} rows only` : sql``}`
      : sql``;
    const result = await sql<
      Record<string, unknown>
    >`select ${top} ${selectList(request.columns)} from ${tableId(request.table)} ${where(request)} ${order}${paging}`.execute(tenant.db);
    return rowsOf(result, request.columns);
  },
  async *scan(tenant, table, columns, batch) {
    // Without a key there is no stable order to page by: one read, handed out in batches.
    const result = await sql<Record<string, unknown>>`select ${selectList(columns)} from ${tableId(table)}`.execute(tenant.db);
    const rows = rowsOf(result, columns);
    for (let i = 0; i < rows.length; i += batch) yield rows.slice(i, i + batch);
  },
  async count(tenant, table) {
    const result = await sql<{ n: string | number }>`select count_big(*) as n from ${tableId(table)}`.execute(tenant.db);
    return Number(result.rows[0]!.n);
  },
  async resetIdentity(tenant, table, columns) {
    // One identity per table in SQL Server; RESEED to the largest value makes the next one max + 1.
    for (const column of columns) {
      const name = table.schema ? `${table.schema}.${table.name}` : table.name;
      await sql`declare @m bigint = (select max(${sql.id(column)}) from ${tableId(table)}); if @m is not null dbcc checkident (${sql.lit(name)}, reseed, @m)`.execute(
        tenant.db,
      );
    }
  },
  async beforeLoad() {},
  async afterLoad() {
    return [];
  },
};
