import type { ConnectionProfile } from '../contracts/connection-profile.ts';
import { connect } from '../connect.ts';
import { startCapture, stopCapture } from '../movers/capture/index.ts';
import { copyDatabase, targetTableCheckpoints, type CheckpointStore } from '../movers/copy/index.ts';
import { SWITCH_CHECKPOINT_TABLE } from '../movers/copy/checkpoint.ts';
import { type cutover, fingerprint, parseTarget, type SwitchOptions, type SwitchReport, tablesOf, withBoth } from './context.ts';
import { SwitchJournal, type SwitchStep } from './journal.ts';
import { catchUpFor, handOver } from './hand-over.ts';
import { fenceUp, lowerFence } from './fence.ts';

/** The copy's checkpoints, kept until the journal records the copy: a crash right after it resumes to "all done". */
function keptCheckpoints(): CheckpointStore {
  const store = targetTableCheckpoints(SWITCH_CHECKPOINT_TABLE);
  return { ...store, drop: async () => {} };
}

/**
 * Moves a live tenant to `to`: capture on the source, copy, replay until the lag is small, reverse capture on at the
 * target, then with the tenant's writers held (router.pause) drain the last changes, verify, sync identities, flip
 * the active profile and release. Each completed step is journaled (fsync'd) in `stateDir`; running it again
 * after a crash continues from the journal. Running it on a finished switch to the same target returns at once.
 */
export async function switchForward(options: SwitchOptions): Promise<SwitchReport> {
  const { tenant, router } = options;
  const profiles = router.profiles;
  const open = options.open ?? ((p: ConnectionProfile) => connect(p));
  const target = parseTarget(options.to, tenant);
  const journal = await SwitchJournal.open(options.stateDir, tenant);
  const steps: SwitchStep[] = [];
  const record = async (step: SwitchStep, data?: Record<string, unknown>) => {
    await journal.record(step, data);
    steps.push(step);
    options.onProgress?.({ step, message: step });
  };
  const state = journal.state();
  const toPrint = fingerprint(target);
  let resumed = false;
  if (state === 'switched') {
    const begin = journal.done('begin')!;
    if (begin.data?.to === toPrint) {
      return {
        tenant,
        direction: 'switch',
        from: String(begin.data?.from),
        to: toPrint,
        state: 'switched',
        resumed: false,
        steps,
        rowsCopied: 0,
        changesReplayed: 0,
        pauseMs: 0,
        journal: journal.file,
      };
    }
    throw new Error(
      `tenant ${tenant} was switched to ${String(begin.data?.to)} and its rollback window is open: roll back, or close the window first (byos switch ${tenant} --finish)`,
    );
  }
  if (state === 'in-progress') {
    if (journal.done('rollback-begin'))
      throw new Error(`a rollback of ${tenant} is in progress: run the rollback again to finish it (byos switch ${tenant} --rollback)`);
    const begin = journal.done('begin')!;
    if (begin.data?.to !== toPrint)
      throw new Error(`a switch of ${tenant} to ${String(begin.data?.to)} is in progress: finish it (same target) or roll it back first`);
    resumed = true;
  } else {
    const active = await profiles.active(tenant);
    if (fingerprint(active) === toPrint) throw new Error(`tenant ${tenant} is already on ${toPrint}`);
    await record('begin', { from: fingerprint(active), to: toPrint, tables: options.tables ?? null });
  }
  const fromPrint = String(journal.done('begin')!.data!.from);

  // After the flip the source is the store's previous profile; before it, the active one.
  const active = await profiles.active(tenant);
  const sourceProfile = fingerprint(active) === toPrint ? await profiles.previous(tenant) : active;
  if (!sourceProfile || fingerprint(sourceProfile) !== fromPrint) {
    throw new Error(`the profile store no longer names the switch's source ${fromPrint} for ${tenant}: it changed outside this switch`);
  }

  return withBoth(open, sourceProfile, target, async (source, dest) => {
    let rowsCopied = 0;
    let changesReplayed = 0;
    let pauseMs = 0;
    let verification: SwitchReport['verification'];
    let pauseTimings: Record<string, number> | undefined;
    let acknowledgements: SwitchReport['acknowledgements'];
    const progress = options.onProgress ?? (() => {});

    let names = journal.done('capture-on')?.data?.tables as string[] | undefined;
    if (!names) {
      names = (await startCapture(source, options.tables)).map((t) => t.name);
      await record('capture-on', { tables: names });
    }

    // A target fenced by an earlier switch that was rolled back from it becomes the tenant's database again.
    if (!journal.done('copy') && (await dest.dialect.fence?.isRaised(dest))) await lowerFence(dest, record, 'it becomes the target of a new switch');
    if (!journal.done('copy')) {
      const checkpoint = keptCheckpoints();
      const report = await copyDatabase({
        from: source,
        to: dest,
        // The whole tenant: between two Postgres every object travels (copyDatabase's native mode); a subset of
        // tables goes through the neutral model.
        tables: options.tables,
        jobs: options.jobs,
        batchSize: options.copyBatchSize,
        checkpoint,
        resume: true,
        onProgress: (p) => {
          if (p.phase === 'load') progress({ step: 'copying', message: `copying ${p.table}`, table: p.table, rows: p.rows, totalRows: p.totalRows });
        },
      });
      if (report.findings.some((f) => f.severity === 'error')) {
        throw new Error(
          `copy of ${tenant} reported errors:\n${report.findings
            .filter((f) => f.severity === 'error')
            .map((f) => `  ${f.subject}: ${f.message}`)
            .join('\n')}`,
        );
      }
      rowsCopied = report.rows;
      await record('copy', { rows: report.rows, tables: report.tables.length, ms: Math.round(report.ms) });
      await targetTableCheckpoints(checkpoint.table).drop(dest.db);
    }

    // A crash between flipping the profile store and journaling it: the store already sends writers to the target,
    // and verification passed before the flip, so the flip stands (replaying again would compare against writes the
    // target has taken since).
    if (!journal.done('flipped') && journal.done('verified') && fingerprint(await profiles.active(tenant)) === toPrint) {
      await record('flipped', { to: toPrint, recovered: true });
    }
    const flipped = Boolean(journal.done('flipped'));
    // A crash inside the pause left the source fenced (a Postgres trigger outlives the process): writers go on there.
    if (!flipped && fenceUp(journal, source)) await lowerFence(source, record, 'resumed: the pause it belonged to ended with a crash');
    if (!flipped) {
      const tables = await tablesOf(source, dest, names);
      const sides: Parameters<typeof cutover>[1] = { from: source, to: dest, tables: tables.source, targetTables: tables.target, batchSize: options.batchSize };
      const caught = await catchUpFor(options, sides);
      changesReplayed += caught.changes;
      if (!journal.done('catch-up')) await record('catch-up', { changes: caught.changes, lag: caught.lag });
      // Reverse capture goes on before the pause, keeping trigger DDL out of it. It also sees the last replayed
      // writes; replaying those back in a rollback writes the same values, so they cost a little and lose nothing.
      await startCapture(dest, names);
      if (!journal.done('reverse-capture-on')) await record('reverse-capture-on');
      const handed = await handOver({ options, journal, record, open, prefix: '', tables: names, sides, destination: target });
      changesReplayed += handed.changesReplayed;
      ({ pauseMs, verification, pauseTimings, acknowledgements } = handed);
    } else if (!journal.done('released')) {
      // Crashed between flip and release: the writers held then died with that process; nothing is held now. The
      // source's fence may have died with it too (before it was held): it is raised again, for good.
      const fence = source.dialect.fence;
      if (fence) {
        const tables = await tablesOf(source, dest, names);
        await fence.raise(source, { tenant, tables: tables.source, timeoutMs: options.drainTimeoutMs ?? 10_000 });
        await fence.hold(source);
        await record('fence-raised', { database: fingerprint(source.profile), recovered: true });
      }
      await record('released', { pauseMs: null });
    }

    if (!journal.done('source-capture-off')) {
      await stopCapture(source);
      await record('source-capture-off');
    }
    await record('switched', { rowsCopied, changesReplayed });
    return {
      tenant,
      direction: 'switch',
      from: fromPrint,
      to: toPrint,
      state: 'switched',
      resumed,
      steps,
      rowsCopied,
      changesReplayed,
      verification,
      pauseMs,
      pauseTimings,
      ...(acknowledgements ? { acknowledgements } : {}),
      journal: journal.file,
    };
  });
}
