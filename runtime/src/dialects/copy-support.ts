import type { Kysely } from 'kysely';
import type { NeutralType } from '../contracts/schema-model.ts';

/** An open database as dialect code needs it: Kysely and the driver's own handle. */
export interface CopyTenant {
  db: Kysely<any>;
  native: unknown;
}

/**
 * How a dialect stores a neutral type it is asked to hold. `type` is what the target column becomes (the same type
 * when held natively); `loss` says, in one sentence, what a copy into it cannot keep, `note` what merely changes.
 */
export interface StoredType {
  type: NeutralType;
  loss?: string;
  note?: string;
}

/** One column as the reader selects it. */
export interface ReadColumn {
  name: string;
  type: NeutralType;
  /** The column's native type, when a key value bound back needs a cast to it (text of a composite key). */
  cast?: string;
}

/** A table the copy reads or writes, in the dialect's default schema unless `schema` says otherwise. */
export interface TableRef {
  schema?: string;
  name: string;
  /** Read this table's own rows only, not its inheritance children's (Postgres `FROM ONLY`). */
  only?: boolean;
}

/** A keyset page: rows after `after` (exclusive) and up to `upTo` (inclusive), in key order, at most `limit`. */
export interface PageRequest {
  table: TableRef;
  columns: readonly ReadColumn[];
  /** Primary key columns; empty for a table without one (then the whole table is one pass, in no order). */
  key: readonly ReadColumn[];
  after?: readonly unknown[] | null;
  upTo?: readonly unknown[] | null;
  /** Only the row with exactly this key (sample comparison); `after`/`upTo` are ignored then. */
  at?: readonly unknown[];
  /** Rows skipped before the page starts (in key order): `offset: n - 1, limit: 1` finds where n rows end. */
  offset?: number;
  limit?: number;
}

/**
 * What the copy and the verifier need from a dialect beyond Kysely: reading rows as raw values that keep every
 * bit the column holds (node-postgres would turn a timestamp into a millisecond Date, better-sqlite3 a big integer
 * into a rounded number), how neutral types are stored, and what to do with identity counters after a load.
 * Implemented in dialects/<name>/copy-support.ts; only that code touches the driver's native handle.
 *
 * Raw values are the driver's text or plain values: strings, numbers, bigints, booleans, Uint8Arrays, null.
 * Arrays are read as JSON text (`[1,2]`), money as a plain decimal, so they compare across engines.
 */
export interface CopySupport {
  /** How a column of `type` is stored by this dialect. */
  store(type: NeutralType): StoredType;
  /**
   * What a column of this dialect becomes in a copy, when its neutral type says less than its native type (a
   * Postgres `json` is written as `jsonb`, a `macaddr` as text; SQL Server's zone-less datetime2 is taken as UTC on
   * another engine, pgloader's cast). `sameDialect` tells whether the target is this same dialect. Undefined keeps
   * the neutral type.
   */
  exportAs?(column: { type: NeutralType; nativeType: string }, sameDialect: boolean): StoredType | undefined;
  /**
   * Where foreign keys go: `with-table` declared in CREATE TABLE (SQLite, which cannot add them later without a
   * rebuild; the load then runs with enforcement off and checks afterwards), `after-load` added once the data is in.
   */
  foreignKeys: 'with-table' | 'after-load';
  /** Identity columns: on any integer column, or only on a lone integer primary key (SQLite's rowid). */
  identity: 'any-integer' | 'integer-primary-key';
  /**
   * True when readPage does its work on this thread before it returns (SQLite's in-process reads): the copy then
   * reads a batch in short pages fed to the target's loader one by one, not ahead in one page of the whole batch.
   */
  readsInProcess?: boolean;
  /** Reads one page of rows (value arrays in `columns` order). */
  readPage(tenant: CopyTenant, request: PageRequest): Promise<unknown[][]>;
  /** Streams a whole table in pages of `batch` rows (no key needed; for tables without a primary key). */
  scan(tenant: CopyTenant, table: TableRef, columns: readonly ReadColumn[], batch: number): AsyncIterable<unknown[][]>;
  /** Counts rows. */
  count(tenant: CopyTenant, table: TableRef): Promise<number>;
  /** Makes the next generated value of each identity column follow the largest one present. */
  resetIdentity(tenant: CopyTenant, table: TableRef, columns: readonly string[]): Promise<void>;
  /** Before a load into this dialect: what must be relaxed (SQLite: foreign key enforcement off). */
  beforeLoad(tenant: CopyTenant): Promise<void>;
  /** After the load: restore what beforeLoad relaxed; returns foreign key violations found, one line each. */
  afterLoad(tenant: CopyTenant): Promise<string[]>;
  /**
   * A copy between two databases of this same dialect that skips decoding values (Postgres: binary COPY piped
   * from one server into the other). Writes source rows with key in (after, upTo] into the target and runs
   * `finish` on the target inside the same transaction; returns the rows written.
   */
  direct?: DirectCopy;
}

export interface DirectCopy {
  /**
   * Copies one key range; the caller has checked that both tables' columns have the same native types, so the raw
   * format of one loads into the other. `finish` runs on the target's transaction before it commits, told how many
   * rows were written. `upTo` null copies every row after `after`.
   */
  copyPage(
    source: CopyTenant,
    target: CopyTenant,
    request: PageRequest & { targetTable: TableRef; format?: 'binary' | 'text' },
    finish: (run: (sql: string, params: unknown[]) => Promise<void>, rows: number) => Promise<void>,
  ): Promise<number>;
}
