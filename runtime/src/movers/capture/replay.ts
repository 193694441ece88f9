import { type Kysely, sql } from 'kysely';
import type { TenantDb } from '../../connect.ts';
import type { CaptureDialect, CaptureTable, CapturedChange, KeyedWrite } from '../../dialects/change-capture.ts';
import { loadDialect } from '../../dialects/index.ts';

type Tenant = Pick<TenantDb, 'dialect' | 'db' | 'native'>;

export interface ReplayOptions {
  /** Where the changes were captured (and the rows are read from). */
  from: Tenant;
  /** Where they are applied. */
  to: Tenant;
  /** The captured tables (captureTables of the source's model). */
  tables: readonly CaptureTable[];
  /** Changes taken per batch (default 2000). */
  batchSize?: number;
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
 * timestamps) and makes a replay idempotent: running the same batch twice, or after a crash before the
 * acknowledgement, writes the same state.
 */
export async function replayBatch(options: ReplayOptions): Promise<ReplayResult> {
  const source = (await loadDialect(options.from.dialect)).capture;
  const target = (await loadDialect(options.to.dialect)).capture;
  const changes = await source.read(options.from, options.batchSize ?? 2000);
  if (!changes.length) return { changes: 0, writes: 0, batches: 0, lag: 0 };
  const writes = await writesFor(options.from.db, changes, options.tables);
  await applyWrites(target, options.to, writes);
  await source.acknowledge(options.from, changes.map((c) => c.seq));
  return { changes: changes.length, writes: writes.length, batches: 1, lag: await source.pending(options.from) };
}

/**
 * Replays batches until at most `maxLag` changes wait (0: until the change table is empty) or `maxBatches` ran.
 * With writers still running, the lag may never reach 0; the caller decides when it is small enough.
 */
export async function replayChanges(options: ReplayOptions & { maxLag?: number; maxBatches?: number; onBatch?: (r: ReplayResult) => void }): Promise<ReplayResult> {
  const total: ReplayResult = { changes: 0, writes: 0, batches: 0, lag: 0 };
  const source = (await loadDialect(options.from.dialect)).capture;
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

/** One write per touched key, ordered by the key's first change (parents inserted before their children). */
async function writesFor(db: Kysely<any>, changes: readonly CapturedChange[], tables: readonly CaptureTable[]): Promise<KeyedWrite[]> {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const keys = new Map<string, { table: CaptureTable; pk: Record<string, unknown> }>();
  for (const change of changes) {
    const table = byName.get(change.table);
    if (!table) throw new Error(`captured change ${change.seq} is for table ${change.table}, which this replay does not know (capture it, or give it in tables)`);
    const pk = decodeKey(change.pk, table);
    const id = `${table.name}\u0000${keyString(table, pk)}`;
    if (!keys.has(id)) keys.set(id, { table, pk });
  }
  const current = new Map<string, Record<string, unknown>>();
  const byTable = new Map<CaptureTable, Record<string, unknown>[]>();
  for (const { table, pk } of keys.values()) byTable.set(table, [...(byTable.get(table) ?? []), pk]);
  for (const [table, pks] of byTable) {
    for (let i = 0; i < pks.length; i += 500) {
      for (const row of await selectRows(db, table, pks.slice(i, i + 500))) current.set(`${table.name}\u0000${keyString(table, row)}`, row);
    }
  }
  const writes: KeyedWrite[] = [];
  for (const [id, { table, pk }] of keys) {
    // A key whose text form differs from the row's (a timestamp key, say) is looked up on its own before it
    // is taken for deleted: a wrong delete would lose a row.
    const row = current.get(id) ?? (await selectRows(db, table, [pk]))[0];
    writes.push(row ? { kind: 'upsert', table, row } : { kind: 'delete', table, pk });
  }
  return writes;
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
        throw new Error(`replay cannot apply the ${w.kind} of ${w.table.name} ${JSON.stringify(w.kind === 'delete' ? w.pk : pick(w.row, w.table.primaryKey))}: ${(lastError as Error).message}`);
      }
      left = failed;
    }
  }
}

async function selectRows(db: Kysely<any>, table: CaptureTable, pks: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  if (!pks.length) return [];
  const match = sql.join(
    pks.map((pk) => sql`(${sql.join(table.primaryKey.map((c) => sql`${sql.ref(c)} = ${pk[c]}`), sql` and `)})`),
    sql` or `,
  );
  const r = await sql<Record<string, unknown>>`select ${sql.join(table.columns.map((c) => sql.ref(c)))} from ${sql.table(table.name)} where ${match}`.execute(db);
  return r.rows;
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

function keyString(table: CaptureTable, values: Record<string, unknown>): string {
  return JSON.stringify(table.primaryKey.map((c) => normal(values[c])));
}

function normal(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return String(v);
}

function pick(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, row[c]]));
}
