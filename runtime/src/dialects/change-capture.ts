import type { Kysely } from 'kysely';
import type { NeutralKind, NeutralType } from '../contracts/schema-model.ts';
import type { TableRef } from './copy-support.ts';

/** The change table every dialect's capture writes to, in the tenant's default schema. */
export const CHANGE_TABLE = 'byos_changes';

/** A table as capture sees it: its name, its primary-key columns and the columns a replay writes. */
export interface CaptureTable {
  /**
   * How the change table names the table: bare in the default schema, `schema.name` in another one (Postgres
   * captures every schema). Reports and verification use the same name.
   */
  name: string;
  /** Where the table is, for SQL. */
  ref: TableRef;
  /** Primary-key columns, in key order. Never empty: tables without a key are refused before install. */
  primaryKey: readonly string[];
  /** Every stored column (generated columns excluded), in ordinal order. */
  columns: readonly string[];
  /** Columns whose value the database generates (identity/serial); replay writes them explicitly. */
  identity: readonly string[];
  /** Neutral kind of each column (from the source's SchemaModel), so the target can encode values (json, boolean). */
  kinds: Readonly<Record<string, NeutralKind>>;
  /** Full neutral type of each column, for reading rows exactly (CopySupport.readPage). */
  types: Readonly<Record<string, NeutralType>>;
}

/** One captured row change, as read back from `byos_changes`. */
export interface CapturedChange {
  seq: number;
  table: string;
  /** I insert, U update, D delete (an update that changes the key is captured as D of the old key + U of the new). */
  op: 'I' | 'U' | 'D';
  /** Primary-key values by column. */
  pk: Record<string, unknown>;
}

/** Where a replay writes: one upsert-or-delete per key, applied in the order given. */
export type KeyedWrite =
  | { kind: 'upsert'; table: CaptureTable; row: Record<string, unknown> }
  | { kind: 'delete'; table: CaptureTable; pk: Record<string, unknown> };

type Db = { db: Kysely<any>; native: unknown };

/**
 * Change capture and keyed replay for one dialect (dialects/<name>/capture.ts). Capture is portable triggers writing
 * `byos_changes(seq, table_name, op, pk json, row json, captured_at)`; the change table is a queue: a reader takes
 * the oldest rows and deletes them once applied (`acknowledge`), so a transaction that commits late with a lower
 * seq is still read (a moving cursor would skip it).
 */
export interface CaptureDialect {
  /** Tables of every schema can be captured (Postgres); otherwise those of the default schema only. */
  readonly schemas: boolean;
  /** Creates the change table if missing and (re)creates the capture triggers on `tables`. Idempotent. */
  install(tenant: Db, tables: readonly CaptureTable[]): Promise<void>;
  /** Drops the capture triggers of `tables` (names as the change table records them) and, with `dropTable`, the change table. Idempotent. */
  uninstall(tenant: Db, tables: readonly string[], options?: { dropTable?: boolean }): Promise<void>;
  /** Tables that currently have capture triggers, named as the change table records them. */
  installed(tenant: Db): Promise<string[]>;
  /** The oldest `limit` committed changes, in seq order. */
  read(tenant: Db, limit: number): Promise<CapturedChange[]>;
  /**
   * Reads the current rows of `keys` (absent keys give no row) in one round trip, values in `table.columns` order
   * as raw as the dialect's copy reader gives them (CopySupport.readPage conventions: Postgres server text with fixed
   * DateStyle/TimeZone and arrays as JSON, SQLite safe integers), so a replayed row is stored like a copied one.
   */
  readRows(tenant: Db, table: CaptureTable, keys: readonly Record<string, unknown>[]): Promise<unknown[][]>;
  /** Removes applied changes by seq. */
  acknowledge(tenant: Db, seqs: readonly number[]): Promise<void>;
  /** Changes waiting in the change table (0 when it does not exist). */
  pending(tenant: Db): Promise<number>;
  /**
   * Applies upserts (by primary key, the last image wins) and deletes in order, in one transaction on the target.
   * Identity columns are written explicitly. Applying the same writes twice leaves the same state.
   */
  apply(tenant: Db, writes: readonly KeyedWrite[]): Promise<void>;
  /** Moves identity/serial generators past the highest value present, so new inserts do not collide. */
  syncIdentity(tenant: Db, tables: readonly CaptureTable[]): Promise<void>;
}

/**
 * Groups writes into runs a dialect sends as one statement each: upserts per table (tables in the order of their
 * first upsert, so parents written first come first), then deletes per table (in the order of their first delete,
 * so children deleted first go first). Within a table the last image of a key is what counts, and each key appears
 * once per batch, so reordering keys within a table changes nothing. Should a foreign key still object, the replay
 * falls back to applying writes one by one.
 */
export function runsOf(writes: readonly KeyedWrite[], maxRun: number): KeyedWrite[][] {
  const groups = new Map<string, KeyedWrite[]>();
  for (const kind of ['upsert', 'delete'] as const) {
    for (const write of writes) {
      if (write.kind !== kind) continue;
      const id = `${kind}\u0000${write.table.name}`;
      const group = groups.get(id);
      if (group) group.push(write);
      else groups.set(id, [write]);
    }
  }
  const runs: KeyedWrite[][] = [];
  for (const group of groups.values()) for (let i = 0; i < group.length; i += maxRun) runs.push(group.slice(i, i + maxRun));
  return runs;
}
