import type { TenantDb } from '../../connect.ts';
import type { BulkValue } from '../../dialects/bulk-load.ts';
import type { DirectCopy } from '../../dialects/copy-support.ts';
import type { Dialect } from '../../dialects/dialect.ts';
import type { Checkpoint, CheckpointStore } from './checkpoint.ts';
import type { TableCopyReport } from './copy.ts';
import type { TablePlan } from './plan.ts';
import { bulkValueConverter } from './values.ts';

export interface TableContext {
  from: TenantDb;
  to: TenantDb;
  source: Dialect;
  target: Dialect;
  store: CheckpointStore;
  batchSize: number;
  plan: TablePlan;
  checkpoint: Checkpoint;
  direct: DirectCopy | undefined;
  /**
   * The tables were created by this copy (no foreign keys or triggers yet): a batch may load while the one before it
   * commits. Into existing tables it may not: a foreign key check there cannot see the earlier batch's rows.
   */
  overlapBatches: boolean;
  /** Shared by all tables: batches committed by this run. */
  counter: { batches: number };
  progress(table: string, rows: number, done: boolean): void;
}

/**
 * Converts source rows into the target's bulk values, column by column (one converter per column, chosen once),
 * in place: a page's rows are fresh arrays from the driver, read for nothing else once the next checkpoint is known.
 */
function converter(plan: TablePlan): (rows: unknown[][]) => BulkValue[][] {
  const convert = plan.columns.map((c) => bulkValueConverter(c.target.kind, `${plan.target}.${c.name}`));
  const width = convert.length;
  return (rows) => {
    for (const row of rows) for (let i = 0; i < width; i++) row[i] = convert[i]!(row[i]);
    return rows as BulkValue[][];
  };
}

/** Rows per read from a source read on this thread (readsInProcess): small enough to keep the target busy meanwhile. */
const IN_PROCESS_PAGE = 2000;

/**
 * One table: pages of `batchSize` rows after the checkpoint's key, each loaded and checkpointed in one target
 * transaction. A table without a key is loaded in one pass, in one transaction, so an interrupted pass starts over.
 * A failure (the server gone, a value refused) names the table; what was committed stays, for a resumed copy.
 */
export async function copyTable(ctx: TableContext): Promise<TableCopyReport> {
  try {
    return await copyTableRows(ctx);
  } catch (error) {
    throw new Error(`copying the rows of ${ctx.plan.target} failed: ${(error as Error).message}`, { cause: error });
  }
}

async function copyTableRows(ctx: TableContext): Promise<TableCopyReport> {
  const started = performance.now();
  const { plan, to, store } = ctx;
  const state = { ...ctx.checkpoint };
  const resumedAt = state.rows;
  const method: TableCopyReport['method'] = plan.key.length === 0 ? 'one-pass' : ctx.direct ? 'direct' : 'bulk';
  let batches = 0;
  const report = () => ({ table: plan.target, rows: state.rows, batches, method, resumedAt, ms: performance.now() - started });
  if (state.done) return report();
  const columns = plan.columns.map((c) => c.source);
  const names = plan.columns.map((c) => c.name);
  const convert = converter(plan);
  const committed = () => {
    batches++;
    ctx.counter.batches++;
    ctx.progress(plan.target, state.rows, state.done);
  };

  if (plan.key.length === 0) {
    await ctx.target.bulk.inTransaction(to, async (session) => {
      // A pass interrupted earlier left nothing (it is one transaction), but a row count says otherwise: clear it.
      if (state.rows > 0) await session.execute(to.db.deleteFrom(plan.target).compile());
      const rows = (async function* () {
        for await (const page of ctx.source.copy.scan(ctx.from, plan.source, columns, ctx.batchSize)) yield convert(page);
      })();
      state.rows = await session.load(plan.target, names, rows);
      state.done = true;
      await session.execute(store.record(to.db, state));
    });
    committed();
    return report();
  }

  const key = plan.key.map((name) => columns.find((c) => c.name === name)!);
  const keyAt = plan.key.map((name) => names.indexOf(name));
  const read = (after: unknown[] | null, limit = ctx.batchSize) => ctx.source.copy.readPage(ctx.from, { table: plan.source, columns, key, after, limit });
  if (!ctx.direct && ctx.source.copy.readsInProcess) {
    await copyPagesInProcess(ctx, state, { names, keyAt, convert, read, committed });
    return report();
  }
  let prefetched: Promise<unknown[][]> | undefined;
  for (;;) {
    if (ctx.direct) {
      // Only where this batch ends is read (the key batchSize rows on); the rows go server to server.
      const end = await ctx.source.copy.readPage(ctx.from, {
        table: plan.source,
        columns: key,
        key,
        after: state.lastKey,
        offset: ctx.batchSize - 1,
        limit: 1,
      });
      const upTo = end[0] ?? null;
      // Past the last full batch the range is open-ended and the table is done: its last key no longer matters.
      const next: Checkpoint = { ...state, lastKey: upTo ?? state.lastKey, done: upTo === null };
      const copied = await ctx.direct.copyPage(
        ctx.from,
        to,
        { table: plan.source, targetTable: { name: plan.target }, columns, key, after: state.lastKey, upTo },
        async (run, rows) => {
          next.rows = state.rows + rows;
          const query = store.record(to.db, next);
          await run(query.sql, query.parameters as unknown[]);
        },
      );
      next.rows = state.rows + copied;
      Object.assign(state, next);
    } else {
      const page = await (prefetched ?? read(state.lastKey));
      const last = page[page.length - 1];
      const next: Checkpoint = {
        ...state,
        lastKey: last ? keyAt.map((i) => last[i]) : state.lastKey,
        rows: state.rows + page.length,
        done: page.length < ctx.batchSize,
      };
      // The next page is read while this one loads (reads only: the checkpoint still moves with the load).
      prefetched = next.done ? undefined : read(next.lastKey);
      prefetched?.catch(() => {});
      await ctx.target.bulk.inTransaction(to, async (session) => {
        if (page.length) await session.load(plan.target, names, [convert(page)]);
        await session.execute(store.record(to.db, next));
      });
      Object.assign(state, next);
    }
    committed();
    if (state.done) return report();
  }
}

interface PageWork {
  names: string[];
  keyAt: number[];
  convert: (rows: unknown[][]) => BulkValue[][];
  read: (after: unknown[] | null, limit: number) => Promise<unknown[][]>;
  committed: () => void;
}

/**
 * A source read on this thread (SQLite): each batch is read in short pages that go to the loader one by one, so
 * the target stores rows while the next ones are read. Where the target runs transactions side by side (a server)
 * and the copy created the tables, the next batch is read and streamed on a second connection once the one before
 * has stored its rows, while that one writes its checkpoint and commits. It starts only then: a row of the next
 * batch that collides with one of this batch (a unique key) must wait for this batch's commit, never the other way
 * round (this batch would wait on a transaction that waits on it, unseen by the server). A batch still commits only
 * after the one before it committed, with its own checkpoint, so the target always holds a prefix of the table and
 * the checkpoint that matches it; if one fails, the one after it rolls back.
 */
async function copyPagesInProcess(ctx: TableContext, state: Checkpoint, work: PageWork): Promise<void> {
  const inFlight = ctx.overlapBatches && ctx.target.bulk.overlappingTransactions ? 2 : 1;
  const reading: Checkpoint = { ...state };
  const commits: Promise<void>[] = [];
  try {
    while (!reading.done) {
      // At most `inFlight` batches open: the one before the last must have committed.
      if (commits.length >= inFlight) await commits[commits.length - inFlight];
      const batch: Checkpoint = { ...reading };
      const before = commits[commits.length - 1];
      let storedAll!: () => void;
      const stored = new Promise<void>((resolve) => (storedAll = resolve));
      const commit = ctx.target.bulk
        .inTransaction(ctx.to, async (session) => {
          await session.load(ctx.plan.target, work.names, batchPages(ctx, batch, work));
          // Read to its end and stored (a load that stopped reading halfway has thrown): the next batch may start.
          storedAll();
          await before;
          await session.execute(ctx.store.record(ctx.to.db, batch));
        })
        .then(() => {
          Object.assign(state, batch);
          work.committed();
        });
      // Awaited below (or by the batch after it); marked handled so a failure waits for that instead of crashing.
      commit.catch(() => {});
      commits.push(commit);
      // The next batch starts where this one's rows ended (or not at all: this one failed before).
      await Promise.race([stored, commit]);
      Object.assign(reading, batch);
    }
    await Promise.all(commits);
  } catch (error) {
    // No transaction is left open behind the failure: every batch in flight settles (the later ones roll back).
    await Promise.allSettled(commits);
    throw error;
  }
}

/** One batch's pages, converted; `batch` follows the reading (last key, rows, done). */
async function* batchPages(ctx: TableContext, batch: Checkpoint, work: PageWork): AsyncGenerator<BulkValue[][]> {
  for (let count = 0; count < ctx.batchSize; ) {
    const want = Math.min(IN_PROCESS_PAGE, ctx.batchSize - count);
    const page = await work.read(batch.lastKey, want);
    const last = page[page.length - 1];
    // The key before the page is converted in place.
    if (last) batch.lastKey = work.keyAt.map((i) => last[i]);
    batch.rows += page.length;
    count += page.length;
    if (page.length < want) batch.done = true;
    if (page.length) yield work.convert(page);
    if (batch.done) break;
  }
}
