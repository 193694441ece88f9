import type { ConnectionProfile } from '../contracts/connection-profile.ts';
import { connect } from '../connect.ts';
import { stopCapture } from '../movers/capture/index.ts';
import { type cutover, fingerprint, parseTarget, type SwitchOptions, type SwitchReport, tablesOf, withBoth } from './context.ts';
import { SwitchJournal, type SwitchStep } from './journal.ts';
import { catchUpFor, handOver } from './hand-over.ts';
import { fenceUp, lowerFence } from './fence.ts';

/**
 * Returns a tenant to where its last switch started. After the flip: with writers held, replays what the reverse
 * capture recorded on the new database back onto the old one, verifies, flips the profile back and releases, then
 * turns capture off on both. Before the flip (a switch stopped half-way): turns capture off and ends the switch as
 * `aborted`; the source never stopped being the active database, so nothing is lost. Journaled and resumable like
 * the switch itself.
 */
export async function switchRollback(options: SwitchOptions): Promise<SwitchReport> {
  const { tenant, router } = options;
  const profiles = router.profiles;
  const open = options.open ?? ((p: ConnectionProfile) => connect(p));
  const journal = await SwitchJournal.open(options.stateDir, tenant);
  const steps: SwitchStep[] = [];
  const record = async (step: SwitchStep, data?: Record<string, unknown>) => {
    await journal.record(step, data);
    steps.push(step);
    options.onProgress?.({ step, message: step });
  };
  const state = journal.state();
  if (state === 'none' || state === 'rolled-back' || state === 'aborted' || state === 'closed') {
    throw new Error(`tenant ${tenant} has no switch to roll back${state === 'none' ? '' : ` (the last one ended ${state})`}`);
  }
  const begin = journal.done('begin')!;
  const fromPrint = String(begin.data!.from);
  const toPrint = String(begin.data!.to);
  const base = {
    tenant,
    direction: 'rollback' as const,
    from: toPrint,
    to: fromPrint,
    resumed: Boolean(journal.done('rollback-begin')),
    steps,
    rowsCopied: 0,
    journal: journal.file,
  };

  if (!journal.done('flipped')) {
    const source = await profiles.active(tenant);
    if (fingerprint(source) !== fromPrint) throw new Error(`the profile store no longer names the switch's source ${fromPrint} for ${tenant}`);
    const db = await open(source);
    try {
      if (fenceUp(journal, db)) await lowerFence(db, record, 'the switch was stopped before its flip');
      await stopCapture(db);
    } finally {
      await db.close();
    }
    if (options.to !== undefined) {
      const target = parseTarget(options.to, tenant);
      if (fingerprint(target) === toPrint) {
        const db2 = await open(target);
        try {
          await stopCapture(db2);
        } finally {
          await db2.close();
        }
      }
    }
    await record('aborted', { note: 'stopped before the flip; the source stayed active; the copied target was left as it is' });
    return { ...base, state: 'aborted', changesReplayed: 0, pauseMs: 0 };
  }

  if (!journal.done('rollback-begin')) await record('rollback-begin');
  // Before the flip back the store's active profile is the switch's target; after it, the source again.
  const active = await profiles.active(tenant);
  const previous = await profiles.previous(tenant);
  const flippedBack = fingerprint(active) === fromPrint;
  const newDb = flippedBack ? previous : active;
  const oldDb = flippedBack ? active : previous;
  if (!newDb || !oldDb || fingerprint(newDb) !== toPrint || fingerprint(oldDb) !== fromPrint) {
    throw new Error(`the profile store no longer names ${toPrint} and ${fromPrint} for ${tenant}: it changed outside this switch`);
  }

  return withBoth(open, newDb, oldDb, async (current, original) => {
    let pauseMs = 0;
    let changesReplayed = 0;
    let verification: SwitchReport['verification'];
    let pauseTimings: Record<string, number> | undefined;
    let acknowledgements: SwitchReport['acknowledgements'];
    const names = journal.done('capture-on')!.data!.tables as string[];
    // A crash between flipping the store back and journaling it: the flip stands (see switchForward).
    if (!journal.done('rollback-flipped') && journal.done('rollback-verified') && flippedBack)
      await record('rollback-flipped', { to: fromPrint, recovered: true });
    if (!journal.done('rollback-flipped') && fenceUp(journal, current))
      await lowerFence(current, record, 'resumed: the rollback pause it belonged to ended with a crash');
    if (!journal.done('rollback-flipped')) {
      const tables = await tablesOf(current, original, names);
      const sides: Parameters<typeof cutover>[1] = {
        from: current,
        to: original,
        tables: tables.source,
        targetTables: tables.target,
        batchSize: options.batchSize,
      };
      if ((options.verify ?? 'changed') === 'changed') changesReplayed += (await catchUpFor(options, sides)).changes;
      const handed = await handOver({ options, journal, record, open, prefix: 'rollback-', tables: names, sides, destination: oldDb });
      changesReplayed += handed.changesReplayed;
      ({ pauseMs, verification, pauseTimings, acknowledgements } = handed);
    } else if (!journal.done('rollback-released')) {
      await record('rollback-released', { pauseMs: null });
    }
    if (!journal.done('rollback-capture-off')) {
      await stopCapture(current);
      await stopCapture(original); // still on when the switch was rolled back before it turned the source's off
      await record('rollback-capture-off');
    }
    await record('rolled-back', { changesReplayed });
    return { ...base, state: 'rolled-back', changesReplayed, verification, pauseMs, pauseTimings, ...(acknowledgements ? { acknowledgements } : {}) };
  });
}

/**
 * Ends the rollback window of a finished switch: reverse capture off on the tenant's active database, and the fence
 * lowered on the old one (it is no longer the tenant's, and leaves as it was). An old database that cannot be reached
 * (already retired) keeps its fence; the journal says so.
 */
export async function closeRollbackWindow(options: Pick<SwitchOptions, 'tenant' | 'router' | 'stateDir' | 'open'>): Promise<void> {
  const journal = await SwitchJournal.open(options.stateDir, options.tenant);
  if (journal.state() !== 'switched')
    throw new Error(`tenant ${options.tenant} has no finished switch with an open rollback window (state: ${journal.state()})`);
  const open = options.open ?? ((p: ConnectionProfile) => connect(p));
  const db = await open(await options.router.profiles.active(options.tenant));
  try {
    await stopCapture(db);
  } finally {
    await db.close();
  }
  const record = async (step: SwitchStep, data?: Record<string, unknown>) => void (await journal.record(step, data));
  const previous = await options.router.profiles.previous(options.tenant);
  const fromPrint = String(journal.done('begin')?.data?.from);
  let old: Awaited<ReturnType<typeof open>> | undefined;
  let fenceLeft: string | undefined;
  if (previous && fingerprint(previous) === fromPrint) {
    try {
      old = await open(previous);
    } catch (error) {
      fenceLeft = `${fromPrint} not reachable, its fence (if any) stays: ${(error as Error).message}`;
    }
  }
  if (old) {
    try {
      await lowerFence(old, record, 'the rollback window was closed');
    } finally {
      await old.close();
    }
  }
  await journal.record('closed', fenceLeft ? { fenceLeft } : undefined);
}
