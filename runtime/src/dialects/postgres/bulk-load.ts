import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BulkDialect, BulkLoadOptions, BulkSession, BulkValue } from '../bulk-load.ts';
import { streamPostgres } from './bulk-stream.ts';

/** Rows per chunk written to the COPY stream: large enough to amortise the write, small enough to stay bounded. */
const COPY_CHUNK_ROWS = 1000;

export function quotePgIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new Error('an identifier cannot contain a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Escapes text for COPY's text format: backslash, tab, newline and carriage return are the only specials. */
function escapeCopyText(text: string): string {
  if (!/[\\\t\n\r\u0000]/.test(text)) return text;
  if (text.includes('\u0000')) throw new Error('text values cannot contain a NUL character (PostgreSQL refuses it)');
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * One value in COPY text format: `\N` for null, `t`/`f`, bytea as `\\x` hex (the backslash itself escaped),
 * JSON as its text, dates as ISO 8601 with the UTC offset.
 */
export function encodeCopyValue(value: BulkValue): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'string':
      return escapeCopyText(value);
    case 'number':
      return Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : String(value);
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      break;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('invalid Date value');
    return value.toISOString();
  }
  if (value instanceof Uint8Array) {
    let out = '\\\\x';
    for (const byte of value) out += HEX[byte];
    return out;
  }
  return escapeCopyText(JSON.stringify(value));
}

function encodeRow(row: readonly BulkValue[], width: number): string {
  if (row.length !== width) throw new Error(`a row has ${row.length} values for ${width} columns`);
  let line = '';
  for (let i = 0; i < row.length; i++) line += (i ? '\t' : '') + encodeCopyValue(row[i]!);
  return `${line}\n`;
}

async function* copyChunks(rows: AsyncIterable<readonly BulkValue[][]> | Iterable<readonly BulkValue[][]>, width: number, count: { rows: number }) {
  let chunk = '';
  let inChunk = 0;
  for await (const batch of rows) {
    for (const row of batch) {
      chunk += encodeRow(row, width);
      count.rows++;
      if (++inChunk >= COPY_CHUNK_ROWS) {
        yield chunk;
        chunk = '';
        inChunk = 0;
      }
    }
  }
  if (chunk) yield chunk;
}

async function copyInto(client: pg.PoolClient, target: string, columns: readonly string[], rows: AsyncIterable<readonly BulkValue[][]> | Iterable<readonly BulkValue[][]>): Promise<number> {
  const count = { rows: 0 };
  const stream = client.query(copyFrom(`COPY ${target} (${columns.map(quotePgIdentifier).join(', ')}) FROM STDIN`));
  // pipeline applies backpressure: the generator is only pulled as fast as the server takes the data.
  await pipeline(Readable.from(copyChunks(rows, columns.length, count), { objectMode: false }), stream);
  return count.rows;
}

let stagingCounter = 0;

function postgresSession(client: pg.PoolClient): BulkSession {
  return {
    async load(table, columns, rows, options?: BulkLoadOptions) {
      if (columns.length === 0) throw new Error('a bulk load needs at least one column');
      const target = quotePgIdentifier(table);
      const list = columns.map(quotePgIdentifier).join(', ');
      if (!options?.staged) return copyInto(client, target, columns, rows);
      // COPY into a constraint-free scratch table, then one INSERT … SELECT: the table's constraints and triggers
      // see the rows once, as one statement, and a failed COPY never touches the table.
      const staging = quotePgIdentifier(`byos_staging_${process.pid}_${++stagingCounter}`);
      await client.query(`CREATE TEMP TABLE ${staging} ON COMMIT DROP AS SELECT ${list} FROM ${target} WITH NO DATA`);
      const copied = await copyInto(client, staging, columns, rows);
      const moved = await client.query(`INSERT INTO ${target} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM ${staging}`);
      await client.query(`DROP TABLE ${staging}`);
      if (moved.rowCount !== copied) throw new Error(`staged ${copied} rows but inserted ${moved.rowCount}`);
      return copied;
    },
    async execute<R>(query: CompiledQuery) {
      const result = await client.query(query.sql, query.parameters as unknown[]);
      return { rows: result.rows as R[], numAffectedRows: result.rowCount === null ? undefined : BigInt(result.rowCount) };
    },
  };
}

/** COPY FROM STDIN (pg-copy-streams) on one pooled client, inside BEGIN … COMMIT. */
export const postgresBulk: BulkDialect = {
  async inTransaction(tenant, work) {
    const pool = tenant.native as pg.Pool;
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      try {
        const result = await work(postgresSession(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      }
    } finally {
      // A client whose rollback failed is in an unknown state: destroy it rather than return it to the pool.
      client.release(broken ? true : undefined);
    }
  },
  stream: (tenant, query, batchSize) => streamPostgres(tenant.native as pg.Pool, query, batchSize),
};
