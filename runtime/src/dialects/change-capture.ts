import type { Kysely } from 'kysely';
import type { NeutralKind } from '../contracts/schema-model.ts';

/** The change table every dialect's capture writes to, in the tenant's default schema. */
export const CHANGE_TABLE = 'byos_changes';

/** A table as capture sees it: its name, its primary-key columns and the columns a replay writes. */
export interface CaptureTable {
  name: string;
  /** Primary-key columns, in key order. Never empty: tables without a key are refused before install. */
  primaryKey: readonly string[];
  /** Every stored column (generated columns excluded), in ordinal order. */
  columns: readonly string[];
  /** Columns whose value the database generates (identity/serial); replay writes them explicitly. */
  identity: readonly string[];
  /** Neutral kind of each column (from the source's SchemaModel), so the target can encode values (json, boolean). */
  kinds: Readonly<Record<string, NeutralKind>>;
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
  /** Creates the change table if missing and (re)creates the capture triggers on `tables`. Idempotent. */
  install(tenant: Db, tables: readonly CaptureTable[]): Promise<void>;
  /** Drops the capture triggers of `tables` and, with `dropTable`, the change table. Idempotent. */
  uninstall(tenant: Db, tables: readonly string[], options?: { dropTable?: boolean }): Promise<void>;
  /** Tables that currently have capture triggers. */
  installed(tenant: Db): Promise<string[]>;
  /** The oldest `limit` committed changes, in seq order. */
  read(tenant: Db, limit: number): Promise<CapturedChange[]>;
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

/** Groups consecutive writes of the same kind on the same table, so a dialect can send one statement per run. */
export function runsOf(writes: readonly KeyedWrite[], maxRun: number): KeyedWrite[][] {
  const runs: KeyedWrite[][] = [];
  for (const write of writes) {
    const last = runs.at(-1);
    const head = last?.[0];
    if (last && head && head.kind === write.kind && head.table.name === write.table.name && last.length < maxRun) last.push(write);
    else runs.push([write]);
  }
  return runs;
}
