import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { NeutralType } from '../../contracts/schema-model.ts';
import type { CopySupport, CopyTenant, PageRequest, ReadColumn, StoredType, TableRef } from '../copy-support.ts';
import { quotePgIdentifier as q } from './bulk-load.ts';

/** Every value as the server's text: no Date in local time, no int8 or numeric through a float. */
const RAW_TEXT = { getTypeParser: () => (text: string) => text };

/**
 * Output formats fixed per transaction, so the text read is the same whatever the server's configuration; and
 * row_security off, so that a table under row-level security is read whole or the read fails (pg_dump's rule)
 * instead of a policy quietly leaving rows out of a copy or a verification.
 */
export const READ_SETTINGS =
  "BEGIN READ ONLY; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL TimeZone = 'UTC'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'; SET LOCAL row_security = off";

/** Text COPY between servers: output settings that read back exactly, on both sides of the pipe. */
const WRITE_SETTINGS =
  "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'";

const tableSql = (t: TableRef) => (t.schema ? `${q(t.schema)}.${q(t.name)}` : q(t.name));
/** A table read from: its own rows only when `only` is set. */
const readSql = (t: TableRef) => `${t.only ? 'ONLY ' : ''}${tableSql(t)}`;

/** Arrays as JSON (comparable with any engine's JSON text), money as a plain decimal (its text carries a currency). */
function selectExpression(column: ReadColumn): string {
  if (column.type.kind === 'array') return `to_json(${q(column.name)})::text`;
  if (column.type.kind === 'money') return `${q(column.name)}::numeric`;
  return q(column.name);
}

function parameter(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value);
  return value;
}

/** WHERE for a key range; `bind` turns a value into a placeholder or an inline literal. */
function keyCondition(request: PageRequest, bind: (value: unknown) => string): string {
  if (request.key.length === 0) return '';
  const keys = `(${request.key.map((k) => q(k.name)).join(', ')})`;
  const tuple = (values: readonly unknown[]) =>
    `(${values.map((v, i) => (request.key[i]?.cast ? `${bind(v)}::${request.key[i]!.cast}` : bind(v))).join(', ')})`;
  if (request.at) return `WHERE ${keys} = ${tuple(request.at)}`;
  const parts: string[] = [];
  if (request.after) parts.push(`${keys} > ${tuple(request.after)}`);
  if (request.upTo) parts.push(`${keys} <= ${tuple(request.upTo)}`);
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

function pageSql(request: PageRequest, columns: string, bind: (value: unknown) => string): string {
  const order = request.key.length ? `ORDER BY ${request.key.map((k) => q(k.name)).join(', ')}` : '';
  const limit = `${request.limit !== undefined ? `LIMIT ${Math.max(1, Math.floor(request.limit))}` : ''}${request.offset ? ` OFFSET ${Math.floor(request.offset)}` : ''}`;
  return `SELECT ${columns} FROM ${readSql(request.table)} ${keyCondition(request, bind)} ${order} ${limit}`.trim();
}

async function inReadTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(READ_SETTINGS);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw explainRowSecurity(error);
  } finally {
    client.release(broken ? true : undefined);
  }
}

/**
 * With row_security off, a table whose policies apply to the reading role fails instead of being read in part;
 * the message says what the role needs (the same as pg_dump).
 */
export function explainRowSecurity(error: unknown): unknown {
  const e = error as { code?: string; message?: string };
  if (e.code === '42501' && /row-level security/.test(e.message ?? '')) {
    return new Error(
      `${e.message}: every row must be read, so connect as a superuser, the table's owner when row security is not forced, or a role with BYPASSRLS`,
      { cause: error },
    );
  }
  return error;
}

function store(type: NeutralType): StoredType {
  if (type.kind === 'money')
    return { type: { kind: 'decimal', precision: 19, scale: 4 }, note: 'money becomes numeric(19,4): its text form depends on lc_monetary' };
  if (type.kind === 'unknown') return { type: { kind: 'text' }, loss: 'the type has no portable equivalent; values are copied as their text' };
  if (type.kind === 'array' && type.element) {
    const element = store(type.element);
    return { ...element, type: { kind: 'array', element: element.type } };
  }
  return { type };
}

async function* scan(tenant: CopyTenant, table: TableRef, columns: readonly ReadColumn[], batch: number): AsyncGenerator<unknown[][]> {
  const pool = tenant.native as pg.Pool;
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(READ_SETTINGS);
    const cursor = q(`byos_copy_scan_${process.pid}`);
    await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${columns.map(selectExpression).join(', ')} FROM ${readSql(table)}`);
    for (;;) {
      const result = await client.query({ text: `FETCH FORWARD ${Math.max(1, batch)} FROM ${cursor}`, rowMode: 'array', types: RAW_TEXT });
      if (result.rows.length) yield result.rows as unknown[][];
      if (result.rows.length < batch) break;
    }
    await client.query('COMMIT');
  } finally {
    // Also reached when the consumer stops early: the transaction is still open then.
    await client.query('ROLLBACK').catch(() => (broken = true));
    client.release(broken ? true : undefined);
  }
}

/**
 * Postgres to Postgres without decoding: `COPY (SELECT … ORDER BY key) TO STDOUT (FORMAT binary)` on the source piped
 * into `COPY … FROM STDIN (FORMAT binary)` on the target, the checkpoint written in the same target transaction.
 */
async function copyPage(
  source: CopyTenant,
  target: CopyTenant,
  request: PageRequest & { targetTable: TableRef; format?: 'binary' | 'text' },
  finish: (run: (sql: string, params: unknown[]) => Promise<void>, rows: number) => Promise<void>,
): Promise<number> {
  const from = await (source.native as pg.Pool).connect();
  let into: pg.PoolClient;
  try {
    into = await (target.native as pg.Pool).connect();
  } catch (error) {
    from.release();
    throw error;
  }
  let broken = false;
  let sourceBroken = false;
  try {
    await from.query('BEGIN READ ONLY; SET LOCAL row_security = off');
    // Each range commits with its checkpoint: were the last commits lost in a crash, both go together, so the
    // copy does not need to wait for each to be flushed.
    await into.query('BEGIN; SET LOCAL synchronous_commit = off');
    const literal = (value: unknown) => from.escapeLiteral(String(parameter(value)));
    const columns = request.columns.map((c) => q(c.name)).join(', ');
    // Text where a type has no binary form; both servers then use the same text, with the same settings.
    const format = request.format ?? 'binary';
    if (format === 'text') await from.query(WRITE_SETTINGS);
    if (format === 'text') await into.query(WRITE_SETTINGS);
    const reader = from.query(copyTo(`COPY (${pageSql({ ...request, limit: undefined }, columns, literal)}) TO STDOUT (FORMAT ${format})`));
    // A table can have no columns and still rows (INSERT … DEFAULT VALUES): no column list then.
    const columnList = request.columns.length ? ` (${columns})` : '';
    const writer = into.query(copyFrom(`COPY ${tableSql(request.targetTable)}${columnList} FROM STDIN (FORMAT ${format})`));
    await pipeline(reader, writer);
    const rows = Number(writer.rowCount ?? 0);
    await finish(async (sql, params) => {
      await into.query(sql, params.map(parameter));
    }, rows);
    await into.query('COMMIT');
    await from.query('COMMIT');
    return rows;
  } catch (error) {
    await into.query('ROLLBACK').catch(() => (broken = true));
    // A COPY TO aborted midway leaves the source connection in an unknown state: it is not reused.
    sourceBroken = true;
    throw explainRowSecurity(error);
  } finally {
    into.release(broken ? true : undefined);
    from.release(sourceBroken ? true : undefined);
  }
}

/**
 * Native types the neutral model folds into a wider kind, which the DDL compiler would spell differently: json is
 * written as jsonb, timetz as time, macaddr as inet (which refuses its values).
 */
function exportAs(column: { type: NeutralType; nativeType: string }, sameDialect: boolean): StoredType | undefined {
  const native = column.nativeType.toLowerCase();
  if (native === 'json') return { type: column.type, loss: 'json becomes jsonb: whitespace, key order and duplicate keys are not kept' };
  if (/^time(\(\d+\))? with time zone$/.test(native))
    return { type: { kind: 'text' }, loss: 'time with time zone has no portable type: values are kept as their text' };
  if (native.startsWith('macaddr')) return { type: { kind: 'text' }, note: `${native} values become text` };
  if (!sameDialect && /(^|\.)citext$/.test(native)) {
    return { type: column.type, loss: 'citext compares case-insensitively; as text, comparisons and unique keys become case-sensitive' };
  }
  return undefined;
}

export const postgresCopySupport: CopySupport = {
  store,
  exportAs,
  foreignKeys: 'after-load',
  identity: 'any-integer',
  async readPage(tenant, request) {
    const params: unknown[] = [];
    const bind = (value: unknown) => {
      params.push(parameter(value));
      return `$${params.length}`;
    };
    const text = pageSql(request, request.columns.map(selectExpression).join(', '), bind);
    const result = await inReadTransaction(tenant.native as pg.Pool, (client) => client.query({ text, values: params, rowMode: 'array', types: RAW_TEXT }));
    return result.rows as unknown[][];
  },
  scan,
  async count(tenant, table) {
    const result = await inReadTransaction(tenant.native as pg.Pool, (client) =>
      client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${readSql(table)}`),
    );
    return Number(result.rows[0]!.n);
  },
  async resetIdentity(tenant, table, columns) {
    const pool = tenant.native as pg.Pool;
    for (const column of columns) {
      // pg_get_serial_sequence finds the sequence of an identity or serial column; null (no-op) for neither.
      await pool.query(
        `SELECT setval(x.seq, GREATEST(COALESCE((SELECT max(${q(column)}) FROM ${tableSql(table)}), 0) + 1, s.seqmin), false)
         FROM (SELECT pg_get_serial_sequence($1, $2)::regclass AS seq) x JOIN pg_sequence s ON s.seqrelid = x.seq`,
        [tableSql(table), column],
      );
    }
  },
  async beforeLoad() {},
  async afterLoad() {
    // Foreign keys are added after the load; ALTER TABLE … ADD CONSTRAINT validates every row.
    return [];
  },
  direct: { copyPage },
};
