import type { TenantDb } from '../../connect.ts';
import type { CaptureDialect, CaptureTable, CapturedChange, KeyedWrite } from '../../dialects/change-capture.ts';
import { toBulkValue } from '../copy/values.ts';

type Tenant = Pick<TenantDb, 'dialect' | 'db' | 'native'>;

export interface ReplayOptions {
  /** Where the changes were captured (and the rows are read from). */
  from: Tenant;
  /** Where they are applied. */
  to: Tenant;
  /** The captured tables (captureTables of the source's model). */
  tables: readonly CaptureTable[];
  /** The same tables as the target's model describes them (column kinds for value conversion); defaults to `tables`. */
  targetTables?: readonly CaptureTable[];
  /** Changes taken per batch (default 2000). */
  batchSize?: number;
  /**
   * Told, after each batch is applied on the target, the keys it wrote (each touched key once per batch, values as
   * decodeKey gives them): a switch collects them to re-check exactly those rows in its cutover.
   */
  onApplied?: (keys: readonly AppliedKey[]) => void;
}

/** One key a replay batch wrote (upserted or deleted) on the target. */
export interface AppliedKey {
  table: CaptureTable;
  pk: Record<string, unknown>;
}

export interface ReplayResult {
  /** Changes consumed from the change table. */
  changes: number;
  /** Keyed writes applied on the target (several changes of one key make one write). */
  writes: number;
  batches: number;
  /** Changes still waiting when the replay stopped. */
  lag: number;
}

/**
 * Replays one batch: takes the oldest captured changes, reads each touched key's current row from the source and
 * upserts it on the target (or deletes it there when the source no longer has it), then removes the batch from
 * the change table. Reading the row instead of the JSON image keeps every type exact (bytea, int8, numeric,
 * microsecond timestamps) and makes a replay idempotent: running the same batch twice, or after a crash before the
 * acknowledgement, writes the same state.
 */
export async function replayBatch(options: ReplayOptions): Promise<ReplayResult> {
  const source = options.from.dialect.capture;
  const target = options.to.dialect.capture;
  const changes = await source.read(options.from, options.batchSize ?? 2000);
  if (!changes.length) return { changes: 0, writes: 0, batches: 0, lag: 0 };
  const keys = keysOf(changes, options.tables);
  const writes = await writesFor(options.from, keys, options.targetTables ?? options.tables);
  await applyWrites(target, options.to, writes);
  options.onApplied?.(keys);
  await source.acknowledge(
    options.from,
    changes.map((c) => c.seq),
  );
  return { changes: changes.length, writes: writes.length, batches: 1, lag: await source.pending(options.from) };
}

/**
 * Replays batches until at most `maxLag` changes wait (0: until the change table is empty) or `maxBatches` ran.
 * With writers still running, the lag may never reach 0; the caller decides when it is small enough.
 */
export async function replayChanges(
  options: ReplayOptions & { maxLag?: number; maxBatches?: number; onBatch?: (r: ReplayResult) => void },
): Promise<ReplayResult> {
  const total: ReplayResult = { changes: 0, writes: 0, batches: 0, lag: 0 };
  const source = options.from.dialect.capture;
  total.lag = await source.pending(options.from);
  while (total.lag > (options.maxLag ?? 0) && total.batches < (options.maxBatches ?? Number.POSITIVE_INFINITY)) {
    const r = await replayBatch(options);
    total.changes += r.changes;
    total.writes += r.writes;
    total.batches += r.batches;
    total.lag = r.lag;
    options.onBatch?.(total);
    if (!r.changes) break;
  }
  return total;
}

/**
 * One write per touched key, ordered by the key's first change (parents inserted before their children). Rows
 * are read with the source dialect's exact reader (CopySupport.readPage, the copy's own) and converted for the
 * target column's kind with the copy's toBulkValue, so a replayed row is stored exactly as a copied one.
 */
async function writesFor(from: Tenant, entries: readonly AppliedKey[], targetTables: readonly CaptureTable[]): Promise<KeyedWrite[]> {
  const targetByName = new Map(targetTables.map((t) => [t.name, t]));
  const dialect = from.dialect;
  // One read per table per 500 keys; rows are matched back to keys by their text form.
  const found = new Map<string, unknown[]>();
  const byTable = new Map<CaptureTable, Record<string, unknown>[]>();
  for (const { table, pk } of entries) {
    const list = byTable.get(table);
    if (list) list.push(pk);
    else byTable.set(table, [pk]);
  }
  for (const [table, pks] of byTable) {
    const keyIndexes = table.primaryKey.map((c) => table.columns.indexOf(c));
    for (let i = 0; i < pks.length; i += 500) {
      for (const raw of await dialect.capture.readRows(from, table, pks.slice(i, i + 500))) {
        found.set(`${table.name}\u0000${JSON.stringify(keyIndexes.map((j) => keyText(raw[j])))}`, raw);
      }
    }
  }
  const writes: KeyedWrite[] = [];
  for (const { table, pk } of entries) {
    const target = targetByName.get(table.name) ?? table;
    let raw = found.get(`${table.name}\u0000${JSON.stringify(table.primaryKey.map((c) => keyText(pk[c])))}`);
    if (!raw && !table.primaryKey.every((c) => EXACT_KEY_KINDS.has(table.kinds[c] ?? ''))) {
      // A key whose text differs from the row's (a timestamp key, say) is looked up on its own before it is
      // taken for deleted: a wrong delete would lose a row.
      const columns = table.columns.map((name) => ({ name, type: table.types[name]! }));
      const key = table.primaryKey.map((name) => ({ name, type: table.types[name]! }));
      [raw] = await dialect.copy.readPage(from, { table: table.ref, columns, key, at: table.primaryKey.map((c) => pk[c]) });
    }
    if (!raw) {
      writes.push({ kind: 'delete', table: target, pk });
      continue;
    }
    const row: Record<string, unknown> = {};
    table.columns.forEach((c, j) => {
      row[c] = toBulkValue(raw[j], target.kinds[c] ?? table.kinds[c]!, `${table.name}.${c}`);
    });
    writes.push({ kind: 'upsert', table: target, row });
  }
  return writes;
}

/** The distinct keys of a batch of changes, in the order of each key's first change. */
function keysOf(changes: readonly CapturedChange[], tables: readonly CaptureTable[]): AppliedKey[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const keys = new Map<string, AppliedKey>();
  for (const change of changes) {
    const table = byName.get(change.table);
    if (!table)
      throw new Error(`captured change ${change.seq} is for table ${change.table}, which this replay does not know (capture it, or give it in tables)`);
    const pk = decodeKey(change.pk, table);
    const id = `${table.name}\u0000${JSON.stringify(table.primaryKey.map((c) => pk[c]))}`;
    if (!keys.has(id)) keys.set(id, { table, pk });
  }
  return [...keys.values()];
}

/** Key kinds whose value reads back with the same text the change table holds, so a miss is a real delete. */
const EXACT_KEY_KINDS = new Set(['smallint', 'integer', 'bigint', 'text', 'varchar', 'char', 'uuid']);

function keyText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return String(v);
}

/**
 * Applies the writes in one transaction; when that fails (a foreign key the target checks immediately, in an
 * order the batch did not foresee), applies them one by one in passes until no more succeed.
 */
async function applyWrites(target: CaptureDialect, to: Tenant, writes: KeyedWrite[]): Promise<void> {
  try {
    await target.apply(to, writes);
    return;
  } catch (error) {
    let left = writes;
    let lastError: unknown = error;
    while (left.length) {
      const failed: KeyedWrite[] = [];
      for (const write of left) {
        try {
          await target.apply(to, [write]);
        } catch (e) {
          failed.push(write);
          lastError = e;
        }
      }
      if (failed.length === left.length) {
        const w = failed[0]!;
        throw new Error(
          `replay cannot apply the ${w.kind} of ${w.table.name} ${JSON.stringify(w.kind === 'delete' ? w.pk : pick(w.row, w.table.primaryKey))}: ${(lastError as Error).message}`,
        );
      }
      left = failed;
    }
  }
}

const INTEGER_KINDS = new Set(['smallint', 'integer', 'bigint']);

/** Key values as the change table stored them (Postgres keeps them as text) back into comparable values. */
export function decodeKey(pk: Record<string, unknown>, table: CaptureTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of table.primaryKey) {
    let v = pk[c];
    if (typeof v === 'string' && INTEGER_KINDS.has(table.kinds[c] ?? '') && /^-?\d+$/.test(v)) {
      const n = Number(v);
      if (Number.isSafeInteger(n)) v = n;
    }
    out[c] = v;
  }
  return out;
}

function pick(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, row[c]]));
}
