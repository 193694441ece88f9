import type { CompiledQuery, Kysely } from 'kysely';
import type { NeutralKind } from '../contracts/schema-model.ts';
import type { TableRef } from './copy-support.ts';

/**
 * A value as the bulk path accepts it, whatever the dialect: null, string, number, bigint, boolean, Date,
 * Uint8Array (binary), or a plain object/array for json columns. Each dialect's loader encodes these for its wire
 * format (COPY text for Postgres, bound parameters for SQLite, TDS bulk load for SQL Server).
 */
export type BulkValue = null | string | number | bigint | boolean | Date | Uint8Array | Record<string, unknown> | unknown[];

/**
 * The table a load writes: a bare string is a table of the dialect's default schema, named exactly (never parsed:
 * `a.b` is a table whose name holds a dot); `{ schema, name }` names any schema.
 */
export type BulkTarget = string | TableRef;

/** `{ schema?, name }` for either form of a bulk target. */
export function bulkTargetRef(table: BulkTarget): TableRef {
  return typeof table === 'string' ? { name: table } : table;
}

/** One connection with one transaction open on it. */
export interface BulkSession {
  /**
   * Streams rows into `table` with the dialect's bulk path: `COPY FROM STDIN` on Postgres, a prepared insert on
   * SQLite, a TDS bulk load on SQL Server. Each row lists values in `columns` order. Returns the number of rows
   * written. A row the database refuses fails the load with a {@link BulkRowError} saying which row (counted from 0
   * over the whole load) where the driver tells. Names are always quoted, never executed.
   */
  load(table: BulkTarget, columns: readonly string[], batches: AsyncIterable<BulkBatch> | Iterable<BulkBatch>, options?: BulkLoadOptions): Promise<number>;
  /** Runs a query on the same connection, inside the same transaction (build it with Kysely and `.compile()`). */
  execute<R = Record<string, unknown>>(query: CompiledQuery): Promise<{ rows: R[]; numAffectedRows?: bigint }>;
  /**
   * Runs statements that name their objects unqualified (a migration op's `CREATE TABLE "t"`, compiled for the
   * default schema) so that what they create lands in `schema`, inside the same transaction. Postgres resolves them
   * through a search_path of that schema alone for these statements (the schema must exist); a dialect whose
   * unqualified names cannot be pointed elsewhere (SQLite creates in `main`, SQL Server in the user's default
   * schema) throws for any schema but its default.
   */
  executeInSchema(schema: string, queries: readonly CompiledQuery[]): Promise<void>;
}

/**
 * Rows already written as CSV in the load's `csv` format (the import's raw file text, when every cell of it reads
 * back as the validated value), one record per line: a loader that reads CSV sends the text as is. Only valid with
 * `options.csv`.
 */
export interface CsvTextBatch {
  csvText: string;
  rowCount: number;
}

/**
 * Rows laid end to end, `rowCount` rows of `flat.length / rowCount` values each in `columns` order: what a reader
 * in another thread hands over without an array per row.
 */
export interface FlatBatch {
  flat: readonly BulkValue[];
  rowCount: number;
}

/** Rows as values (each row in `columns` order), flat, or as CSV text. */
export type BulkBatch = readonly BulkValue[][] | FlatBatch | CsvTextBatch;

/** The rows of a value batch; a CSV text batch reaching a loader that does not read CSV is a programming error. */
export function batchRows(batch: BulkBatch): readonly BulkValue[][] {
  if (Array.isArray(batch)) return batch as readonly BulkValue[][];
  if ('flat' in batch) {
    const { flat, rowCount } = batch as FlatBatch;
    const width = rowCount ? flat.length / rowCount : 0;
    return Array.from({ length: rowCount }, (_, r) => flat.slice(r * width, (r + 1) * width));
  }
  throw new Error('a CSV text batch needs a load with the csv option on a dialect that reads CSV');
}

export interface BulkLoadOptions {
  /**
   * Load through the server's CSV reader in this format (Postgres `COPY … (FORMAT csv)`), sending each batch's
   * `csv` text when it has one. Empty fields, quoted or not, load as NULL: the import never produces empty strings.
   */
  csv?: CsvFormat;
}

export interface CsvFormat {
  delimiter: string;
  quote: string;
  /** `\n` or `\r\n`: raw text and encoded rows must end their lines the same way in one COPY. */
  newline: string;
}

/** The database refused row `index` of a load (counted from 0 over the whole load). */
export class BulkRowError extends Error {
  override name = 'BulkRowError';
  readonly index: number;
  constructor(message: string, index: number, options?: { cause?: unknown }) {
    super(message, options);
    this.index = index;
  }
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

export interface TransactionOptions {
  /**
   * The transaction is one large load (an import), not one of many small ones: a dialect may set the connection up
   * for it while it runs, within the all-or-nothing guarantee (SQLite: a rollback journal instead of WAL, see
   * dialects/sqlite/bulk-load.ts), and sets it back afterwards.
   */
  oneLargeLoad?: boolean;
}

/** The bulk side of a dialect, implemented in dialects/<name>/bulk-load.ts. */
export interface BulkDialect {
  /**
   * Opens one connection and one transaction on it; commits when `work` resolves, rolls back when it throws
   * (so a failed load leaves the database as it was).
   */
  inTransaction<T>(tenant: { db: Kysely<any>; native: unknown }, work: (session: BulkSession) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Streams a query's rows in batches of about `batchSize` without holding the result in memory (a cursor on
   * Postgres, an iterator on SQLite, a streamed request on SQL Server). Always yields at least one batch, so the
   * columns are known for an empty result too. Breaking out of the loop releases the connection.
   *
   * A streamed query only reads, whatever its text (it may be the user's own SQL, `byos export --query`): it must be
   * one statement that cannot write, or it is refused with an InputError before it runs (Postgres: extended
   * protocol in a read-only transaction; SQLite: a read-only prepared statement under query_only; SQL Server: the
   * text is checked, as the server has no read-only transaction).
   */
  stream(tenant: { db: Kysely<any>; native: unknown }, query: CompiledQuery, batchSize: number): AsyncIterable<StreamedBatch>;
  /** Present when `load` reads CSV (`options.csv`), so an import can send a file's own text. */
  csvText?: CsvTextSupport;
  /**
   * Transactions opened by `inTransaction` while another is open run side by side, each on its own connection (a
   * server), rather than one after the other: a copy may then stream its next batch while the one before commits.
   */
  overlappingTransactions?: boolean;
}

export interface CsvTextSupport {
  /** Whether the server's CSV reader takes files written in `format`. */
  accepts(format: CsvFormat): boolean;
  /** For a column of `kind`: whether the server's CSV reader stores a file cell written as `cell` as `value`. */
  cellMatcher(kind: NeutralKind): (cell: string, value: BulkValue) => boolean;
}
