import type { CompiledQuery, Kysely } from 'kysely';

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
  load(table: string, columns: readonly string[], rows: AsyncIterable<readonly BulkValue[][]> | Iterable<readonly BulkValue[][]>): Promise<number>;
  /** Runs a query on the same connection, inside the same transaction (build it with Kysely and `.compile()`). */
  execute<R = Record<string, unknown>>(query: CompiledQuery): Promise<{ rows: R[]; numAffectedRows?: bigint }>;
}

/** The bulk side of a dialect, implemented in dialects/<name>/bulk-load.ts. */
export interface BulkDialect {
  /**
   * Opens one connection and one transaction on it; commits when `work` resolves, rolls back when it throws
   * (so a failed load leaves the database as it was).
   */
  inTransaction<T>(tenant: { db: Kysely<any>; native: unknown }, work: (session: BulkSession) => Promise<T>): Promise<T>;
}
