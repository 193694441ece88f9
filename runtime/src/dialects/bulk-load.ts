import type { CompiledQuery, Kysely } from 'kysely';
import type { NeutralKind } from '../contracts/schema-model.ts';

/**
 * A value as the bulk path accepts it, whatever the dialect: null, string, number, bigint, boolean, Date,
 * Uint8Array (binary), or a plain object/array for json columns. Each dialect's loader encodes these for its wire
 * format (COPY text for Postgres, bound parameters for SQLite, TDS bulk load for SQL Server).
 */
export type BulkValue = null | string | number | bigint | boolean | Date | Uint8Array | Record<string, unknown> | unknown[];

/** One connection with one transaction open on it. */
export interface BulkSession {
  /**
   * Streams rows into `table` (default schema) with the dialect's bulk path: `COPY FROM STDIN` on Postgres,
   * a prepared insert on SQLite, a TDS bulk load on SQL Server. Each row lists values in `columns` order.
   * Returns the number of rows written.
   */
  load(table: string, columns: readonly string[], rows: AsyncIterable<readonly BulkValue[][]> | Iterable<readonly BulkValue[][]>, options?: BulkLoadOptions): Promise<number>;
  /** Runs a query on the same connection, inside the same transaction (build it with Kysely and `.compile()`). */
  execute<R = Record<string, unknown>>(query: CompiledQuery): Promise<{ rows: R[]; numAffectedRows?: bigint }>;
}

export interface BulkLoadOptions {
  /**
   * Load into a constraint-free scratch table first, then move the rows with one INSERT … SELECT, so the table's
   * constraints and triggers see them once, as one statement (Postgres). Dialects whose direct path is already a
   * plain insert ignore it.
   */
  staged?: boolean;
}

/** A column of a streamed result: its name and, where the driver says, its neutral kind. */
export interface StreamedColumn {
  name: string;
  kind: NeutralKind;
}

/**
 * One batch of a streamed result. Values are normalised the same way on every dialect: dates as `YYYY-MM-DD`,
 * timestamps as ISO 8601 text (`YYYY-MM-DDTHH:MM:SS[.ffffff]`, with the offset for timestamptz), times as text,
 * exact decimals and integers beyond 2^53 as decimal strings, booleans as booleans (SQLite: as stored), binary as
 * Uint8Array, json parsed.
 */
export interface StreamedBatch {
  columns: readonly StreamedColumn[];
  rows: BulkValue[][];
}

/** The bulk side of a dialect, implemented in dialects/<name>/bulk-load.ts. */
export interface BulkDialect {
  /**
   * Opens one connection and one transaction on it; commits when `work` resolves, rolls back when it throws
   * (so a failed load leaves the database as it was).
   */
  inTransaction<T>(tenant: { db: Kysely<any>; native: unknown }, work: (session: BulkSession) => Promise<T>): Promise<T>;
  /**
   * Streams a query's rows in batches of about `batchSize` without holding the result in memory (a cursor on
   * Postgres, an iterator on SQLite, a streamed request on SQL Server). Always yields at least one batch, so the
   * columns are known for an empty result too. Breaking out of the loop releases the connection.
   */
  stream(tenant: { db: Kysely<any>; native: unknown }, query: CompiledQuery, batchSize: number): AsyncIterable<StreamedBatch>;
}
