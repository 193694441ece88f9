import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  batchRows,
  type BulkBatch,
  type BulkDialect,
  type BulkLoadOptions,
  BulkRowError,
  type BulkSession,
  bulkTargetRef,
  type BulkValue,
  type CsvFormat,
  type CsvTextBatch,
} from '../bulk-load.ts';
import type { TableRef } from '../copy-support.ts';
import { streamPostgres } from './bulk-stream.ts';
import { watchClientErrors } from './client-errors.ts';
import { postgresCsvText } from './csv-cells.ts';

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
 * The text PostgreSQL reads back as `value`, before a COPY format escapes it: numbers as JavaScript writes them,
 * booleans as t/f, dates as ISO 8601 with the UTC offset, bytea as `\x` hex, JSON as its text.
 */
function valueText(value: Exclude<BulkValue, null | undefined>): string {
  switch (typeof value) {
    case 'string':
      return value;
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
    let out = '\\x';
    for (const byte of value) out += HEX[byte];
    return out;
  }
  return JSON.stringify(value);
}

/** Whether valueText of `value` can hold no character any COPY format treats specially. */
const plainValue = (value: BulkValue) => typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean';

/** One value in COPY text format: `\N` for null, the rest escaped (so bytea's `\x` becomes `\\x`). */
export function encodeCopyValue(value: BulkValue): string {
  if (value === null || value === undefined) return '\\N';
  return plainValue(value) ? valueText(value) : escapeCopyText(valueText(value));
}

const COPY_SPECIAL = /[\\\t\n\r\u0000]/;

/** One row in COPY text format; strings, the most common value, without a call (escaped only when they must be). */
function encodeRow(row: readonly BulkValue[], width: number): string {
  if (row.length !== width) throw new Error(`a row has ${row.length} values for ${width} columns`);
  let line = '';
  for (let i = 0; i < width; i++) {
    const value = row[i]!;
    const text = typeof value === 'string' ? (COPY_SPECIAL.test(value) ? escapeCopyText(value) : value) : encodeCopyValue(value);
    line += i ? `\t${text}` : text;
  }
  return `${line}\n`;
}

/**
 * One value as a CSV field that COPY's CSV reader turns back into it: null as an empty field, text quoted when it
 * must be (the empty string as `""`, which COPY reads as the empty string); backslashes are plain characters in CSV.
 */
function encodeCsvValue(value: BulkValue, format: CsvFormat, quoteNeeded: RegExp): string {
  if (value === null || value === undefined) return '';
  const text = valueText(value);
  if (plainValue(value)) return text;
  if (text.includes('\u0000')) throw new Error('text values cannot contain a NUL character (PostgreSQL refuses it)');
  // `\.` alone on a line ends COPY data in older servers: quoted, it is a value.
  if (!quoteNeeded.test(text) && text !== '\\.') return text;
  return format.quote + text.split(format.quote).join(format.quote + format.quote) + format.quote;
}

function csvEncoder(format: CsvFormat, width: number): (row: readonly BulkValue[]) => string {
  const special = [format.delimiter, format.quote, '\r', '\n'].map((c) => c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')).join('|');
  const quoteNeeded = new RegExp(`${special}|^$`);
  return (row) => {
    if (row.length !== width) throw new Error(`a row has ${row.length} values for ${width} columns`);
    let line = '';
    for (let i = 0; i < row.length; i++) line += (i ? format.delimiter : '') + encodeCsvValue(row[i]!, format, quoteNeeded);
    return line + format.newline;
  };
}

/**
 * Where the rows of one COPY stand, to turn the line number in a COPY error back into a row. The server counts a
 * line per record plus, in CSV, each line break inside a quoted value: the `\n`s of a `\n` file, the `\r`s of the
 * others, and the `\r`s of the first record, read before the server knows the file's line ending.
 */
class CopyProgress {
  rows = 0;
  /** Rows whose values hold line breaks, with the extra lines counted up to and including them. */
  private readonly breaks: { index: number; extra: number }[] = [];
  private extra = 0;

  /** Records a row of the encoded text `line` (without its terminator). */
  row(line: string, lineBreak: string | null): void {
    if (lineBreak !== null) {
      if (this.rows === 0) lineBreak = '\r';
      let n = 0;
      for (let at = line.indexOf(lineBreak); at !== -1; at = line.indexOf(lineBreak, at + 1)) n++;
      if (n) this.breaks.push({ index: this.rows, extra: (this.extra += n) });
    }
    this.rows++;
  }

  /** The row the server's line `line` (from 1) ends. */
  rowAt(line: number): number {
    let extra = 0;
    for (const b of this.breaks) {
      const ends = b.index + 1 + b.extra;
      if (ends > line) break;
      if (ends === line) return b.index;
      extra = b.extra;
    }
    return line - 1 - extra;
  }
}

/**
 * The COPY data: CSV text batches as they are (one record per line), value batches encoded.
 */
async function* copyChunks(batches: AsyncIterable<BulkBatch> | Iterable<BulkBatch>, width: number, format: CsvFormat | undefined, progress: CopyProgress) {
  const encode = format ? csvEncoder(format, width) : (row: readonly BulkValue[]) => encodeRow(row, width);
  const lineBreak = format ? (format.newline === '\n' ? '\n' : '\r') : null;
  const terminator = format ? format.newline.length : 1;
  let chunk = '';
  let inChunk = 0;
  for await (const batch of batches) {
    if (format && !Array.isArray(batch)) {
      const { csvText, rowCount } = batch as CsvTextBatch;
      if (chunk) yield chunk;
      chunk = '';
      inChunk = 0;
      for (let i = rowCount; i > 0; i--) progress.row('', null);
      yield csvText;
      continue;
    }
    for (const row of batchRows(batch)) {
      const line = encode(row);
      if (lineBreak) progress.row(line.length > terminator ? line.slice(0, -terminator) : '', lineBreak);
      else progress.rows++;
      chunk += line;
      if (++inChunk >= COPY_CHUNK_ROWS) {
        yield chunk;
        chunk = '';
        inChunk = 0;
      }
    }
  }
  if (chunk) yield chunk;
}

function copyStatement(target: string, columns: readonly string[], format: CsvFormat | undefined): string {
  const list = columns.map(quotePgIdentifier).join(', ');
  if (!format) return `COPY ${target} (${list}) FROM STDIN`;
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  // No FORCE_NULL: an unquoted empty field is NULL and `""` the empty string, as the import reads the file.
  return `COPY ${target} (${list}) FROM STDIN WITH (FORMAT csv, DELIMITER ${literal(format.delimiter)}, QUOTE ${literal(format.quote)}, ESCAPE ${literal(format.quote)})`;
}

/** The line of the record a COPY error names in its context: `COPY <table name as stored>, line N[, column …]`. */
function copyErrorLine(where: string | undefined, table: TableRef): number | undefined {
  if (!where) return undefined;
  // The name is printed raw, so a name holding ", line 9" must not be read as the line: match it exactly first.
  const prefix = `COPY ${table.name}, line `;
  const line = where.startsWith(prefix) ? /^\d+/.exec(where.slice(prefix.length))?.[0] : /^COPY [^\n]*?, line (\d+)/.exec(where)?.[1];
  return line === undefined ? undefined : Number(line);
}

async function copyInto(
  client: pg.PoolClient,
  table: TableRef,
  columns: readonly string[],
  batches: AsyncIterable<BulkBatch> | Iterable<BulkBatch>,
  format: CsvFormat | undefined,
): Promise<number> {
  const progress = new CopyProgress();
  const target = table.schema === undefined ? quotePgIdentifier(table.name) : `${quotePgIdentifier(table.schema)}.${quotePgIdentifier(table.name)}`;
  const stream = client.query(copyFrom(copyStatement(target, columns, format)));
  try {
    // pipeline applies backpressure: the generator is only pulled as fast as the server takes the data.
    // The high-water mark lets the producer run a few chunks ahead, so it works while the server does.
    await pipeline(Readable.from(copyChunks(batches, columns.length, format, progress), { objectMode: false, highWaterMark: 1 << 18 }), stream);
  } catch (error) {
    // The server names the record as `COPY t, line N`.
    const e = error as { message: string; detail?: string; where?: string };
    const line = copyErrorLine(e.where, table);
    if (line !== undefined) throw new BulkRowError(e.detail ? `${e.message} (${e.detail})` : e.message, progress.rowAt(line), { cause: error });
    throw error;
  }
  // The server's own count: rows sent as text that it read into fewer or more records must never commit.
  if (stream.rowCount !== progress.rows) throw new Error(`COPY stored ${stream.rowCount} rows but ${progress.rows} were sent; nothing was loaded`);
  return progress.rows;
}

function postgresSession(client: pg.PoolClient): BulkSession {
  return {
    async load(table, columns, batches, options?: BulkLoadOptions) {
      if (columns.length === 0) throw new Error('a bulk load needs at least one column');
      // Straight into the table inside the caller's transaction: a failed COPY leaves nothing behind, and the
      // server reads every row once (a staging table and INSERT … SELECT measured 1.5× the server time).
      return copyInto(client, bulkTargetRef(table), columns, batches, options?.csv);
    },
    async execute<R>(query: CompiledQuery) {
      const result = await client.query(query.sql, query.parameters as unknown[]);
      return { rows: result.rows as R[], numAffectedRows: result.rowCount === null ? undefined : BigInt(result.rowCount) };
    },
    async executeInSchema(schema, queries) {
      const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (found.rowCount === 0) throw new Error(`schema ${quotePgIdentifier(schema)} does not exist`);
      // SET LOCAL through set_config: the schema is a bound value, quoted as an identifier inside the setting.
      const { rows } = await client.query<{ path: string }>("SELECT current_setting('search_path') AS path");
      await client.query("SELECT set_config('search_path', $1, true)", [quotePgIdentifier(schema)]);
      for (const query of queries) await client.query(query.sql, query.parameters as unknown[]);
      // On success the caller's search_path comes back; on failure the transaction's rollback restores it.
      await client.query("SELECT set_config('search_path', $1, true)", [rows[0]!.path]);
    },
  };
}

/** COPY FROM STDIN (pg-copy-streams) on one pooled client, inside BEGIN … COMMIT. */
export const postgresBulk: BulkDialect = {
  async inTransaction(tenant, work) {
    const pool = tenant.native as pg.Pool;
    const client = await pool.connect();
    const lost = watchClientErrors(client);
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
        throw lost.first() ?? error;
      }
    } finally {
      // A client whose rollback failed is in an unknown state: destroy it rather than return it to the pool.
      const destroy = broken || lost.first() !== null;
      if (!destroy) lost.stop(); // a client being destroyed may still emit: keep listening
      client.release(destroy ? true : undefined);
    }
  },
  stream: (tenant, query, batchSize) => streamPostgres(tenant.native as pg.Pool, query, batchSize),
  csvText: postgresCsvText,
  overlappingTransactions: true,
};
