import type { ConnectionProfile } from '../contracts/connection-profile.ts';
import type { TenantDb } from '../connect.ts';
import { type AckReport, awaitAcknowledgements, isTenantRegistry } from '../router/index.ts';
import { machineryIn } from '../machinery.ts';
import { verifySchemas } from '../movers/verify/schema.ts';
import { catchUp, cutover, fingerprint, type SwitchOptions, type SwitchReport, SwitchVerificationError } from './context.ts';
import type { SwitchJournal, SwitchStep } from './journal.ts';
import { type PreVerification, preVerify } from './pause-verify.ts';

type Sides = Parameters<typeof cutover>[1];

/** Replays until the lag is small, with the switch's limits, reporting progress. Returns the changes replayed. */
export async function catchUpFor(options: SwitchOptions, sides: Sides): Promise<{ changes: number; lag: number }> {
  return catchUp({ ...sides, maxLag: options.maxLag ?? 500, timeoutMs: options.catchUpTimeoutMs ?? 600_000 }, (r) =>
    options.onProgress?.({ step: 'replaying', message: `replayed ${r.changes} changes, ${r.lag} waiting`, lag: r.lag }),
  );
}

/**
 * The end shared by a switch and its rollback, entered once the lag is small. With `changed` verification (the
 * default): the checksums of every row, compared while writers still run; from its start every key the replay
 * applies is collected (the catch-up after it, the drain in the pause), and the pause re-checks those keys and the
 * tables found different (pause-verify.ts preVerify says why that covers every row). Then the cutover onto
 * `destination`: writers held, last changes drained, verified, the profile store flipped (journaled as
 * `<prefix>flipped`), the router reloaded onto the already open database, writers released (`<prefix>released`).
 */
export async function handOver(ctx: {
  options: SwitchOptions;
  journal: SwitchJournal;
  record: (step: SwitchStep, data?: Record<string, unknown>) => Promise<void>;
  open: (profile: ConnectionProfile) => Promise<TenantDb>;
  prefix: '' | 'rollback-';
  tables: readonly string[];
  sides: Sides;
  destination: ConnectionProfile;
}): Promise<{
  changesReplayed: number;
  pauseMs: number;
  verification: NonNullable<SwitchReport['verification']>;
  pauseTimings: Record<string, number>;
  acknowledgements?: AckReport;
}> {
  const { options, journal, record, prefix, sides, destination } = ctx;
  const { tenant, router } = options;
  const destinationPrint = fingerprint(destination);
  const verify = options.verify ?? 'changed';
  let changesReplayed = 0;
  // The schema does not change during a switch: its objects are compared once, before writers are held.
  options.onProgress?.({ step: 'pre-verifying', message: 'comparing the schema objects' });
  const [from, to] = [sides.from.dialect, sides.to.dialect];
  // Sequence positions still move with the writers: the cutover sets them (context.ts cutover).
  const schema = await verifySchemas(sides.from, sides.to, { source: from, target: to }, ctx.tables, { sequences: false });
  const wrong = schema.findings.filter((f) => f.severity === 'error');
  if (wrong.length) {
    await record('verify-failed', { findings: wrong });
    throw new SwitchVerificationError(tenant, wrong);
  }
  let pre: PreVerification | undefined;
  if (verify === 'changed') {
    options.onProgress?.({ step: 'pre-verifying', message: `checksumming ${ctx.tables.length} tables before the pause` });
    pre = await preVerify(sides);
    sides.onApplied = pre.keys.collect;
    changesReplayed += (await catchUpFor(options, sides)).changes;
  }
  // Named before the pause (the schema does not change during a switch), set to the source's positions in it.
  const sequences =
    from.native && to.native && from.name === to.name
      ? { names: (await from.native.read(sides.from.db, machineryIn(from.defaultSchema))).sequences.map((s) => s.name), source: from.native, target: to.native }
      : undefined;
  // Connected before the pause, so the pause does not include connecting.
  const routed = await ctx.open(destination);
  let handedOver = false;
  const result = await cutover(
    { tenant, router, journal, drainTimeoutMs: options.drainTimeoutMs ?? 10_000, sample: options.sample, verify, pre, sequences, record, prefix },
    sides,
    async () => {
      if (fingerprint(await router.profiles.active(tenant)) !== destinationPrint) await router.profiles.activate(tenant, destination);
      await record(`${prefix}flipped`, { to: destinationPrint });
      handedOver = true;
      await router.reload(tenant, routed);
    },
  ).finally(async () => {
    if (!handedOver) await routed.close();
  });
  await record(`${prefix}released`, { pauseMs: Math.round(result.pauseMs * 10) / 10, ...result.timings });
  // The flip published a new version to every process's router (a tenant registry): wait for their acknowledgements.
  let acknowledgements: AckReport | undefined;
  if (isTenantRegistry(router.profiles)) {
    const { version } = await router.profiles.current(tenant);
    options.onProgress?.({ step: 'acknowledging', message: `waiting for every live router to acknowledge version ${version}` });
    acknowledgements = await awaitAcknowledgements(router.profiles, tenant, version, { timeoutMs: options.ackTimeoutMs ?? 30_000 });
    if (acknowledgements.missing.length) {
      options.onProgress?.({
        step: 'acknowledging',
        message: `${acknowledgements.missing.length} router(s) did not acknowledge version ${version} within ${acknowledgements.waitedMs} ms: ${acknowledgements.missing.map((r) => r.routerId).join(', ')}`,
      });
    }
  }
  return {
    acknowledgements,
    changesReplayed: changesReplayed + result.drained,
    pauseMs: result.pauseMs,
    verification: { equal: result.verification.equal, tables: result.verification.tables, scope: result.scope },
    pauseTimings: result.timings,
  };
}
