import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';
import type { NeutralKind } from '../../contracts/schema-model.ts';
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

/**
 * Iterates the statement (better-sqlite3 `iterate`, safe integers so nothing past 2^53 is rounded) while holding
 * Kysely's one connection, so no other query runs on the handle mid-iteration.
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
  try {
    const statement = database.prepare(query.sql);
    if (!statement.reader) throw new Error('only a query that returns rows can be streamed');
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
    release();
    await holding;
  }
}
