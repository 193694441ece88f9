import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';
import type { NeutralKind } from '../../contracts/schema-model.ts';
import { InputError } from '../../util/document-file.ts';
import type { BulkValue, StreamedBatch, StreamedColumn } from '../bulk-load.ts';
import { encodeSqliteValue } from './bulk-load.ts';
import { sqliteNeutralType } from './types.ts';

const STORED_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)/;

function normalise(value: unknown, kind: NeutralKind): BulkValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  // SQLite keeps datetime('now') text with a space; ISO 8601 wants the T.
  if ((kind === 'timestamp' || kind === 'timestamptz') && typeof value === 'string') return value.replace(STORED_TIMESTAMP, '$1T$2');
  if (value instanceof Uint8Array) return value;
  return value as BulkValue;
}

const READ_ONLY_QUERY = 'an exported query must be one statement that only reads (SELECT, WITH … SELECT or VALUES)';

/**
 * The statement for `sql`, refused unless it is one statement (better-sqlite3's prepare refuses more) that returns
 * rows and that SQLite says cannot write (`sqlite3_stmt_readonly`: `delete … returning *` and `pragma journal_mode`
 * are readers that write, and are refused).
 */
function readOnlyStatement(database: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let statement: BetterSqlite3.Statement;
  try {
    statement = database.prepare(sql);
  } catch (error) {
    const message = (error as Error).message;
    if (/more than one statement/.test(message)) throw new InputError(`${READ_ONLY_QUERY}; it holds several statements`);
    throw error;
  }
  if (!statement.reader) throw new InputError(`${READ_ONLY_QUERY}; it returns no rows`);
  if (!statement.readonly) throw new InputError(`${READ_ONLY_QUERY}; SQLite says it can write`);
  return statement;
}

/**
 * Iterates the statement (better-sqlite3 `iterate`, safe integers so nothing past 2^53 is rounded) while holding
 * Kysely's one connection, so no other query runs on the handle mid-iteration. Only a read-only statement runs
 * (readOnlyStatement), and with `query_only` on meanwhile, so even what SQLite's read-only test misses (a pragma that
 * runs ANALYZE) cannot change the file.
 */
export async function* streamSqlite(db: Kysely<any>, database: BetterSqlite3.Database, query: CompiledQuery, batchSize: number): AsyncGenerator<StreamedBatch> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let acquired!: () => void;
  const ready = new Promise<void>((resolve) => (acquired = resolve));
  const holding = db.connection().execute(async () => {
    acquired();
    await released;
  });
  await Promise.race([ready, holding]);
  const queryOnly = database.pragma('query_only', { simple: true }) as number;
  try {
    const statement = readOnlyStatement(database, query.sql);
    database.pragma('query_only = ON');
    statement.safeIntegers(true);
    const columns: StreamedColumn[] = statement.columns().map((c) => ({ name: c.name, kind: c.type ? sqliteNeutralType(c.type).kind : 'unknown' }));
    const kinds = columns.map((c) => c.kind);
    let rows: BulkValue[][] = [];
    let yielded = false;
    for (const row of statement.raw(true).iterate((query.parameters as BulkValue[]).map(encodeSqliteValue)) as Iterable<unknown[]>) {
      rows.push(row.map((v, i) => normalise(v, kinds[i]!)));
      if (rows.length >= batchSize) {
        yielded = true;
        yield { columns, rows };
        rows = [];
      }
    }
    if (rows.length > 0 || !yielded) yield { columns, rows };
  } finally {
    database.pragma(`query_only = ${queryOnly ? 'ON' : 'OFF'}`);
    release();
    await holding;
  }
}
