import { resolve } from 'node:path';
import { introspect, type TenantDb } from '../connect.ts';
import { type ConnectionProfile, type ConnectionProfileInput, parseConnectionProfile } from '../contracts/connection-profile.ts';
import type { Finding } from '../contracts/finding.ts';
import type { NativeSchemaDialect } from '../dialects/native-schema.ts';
import { type AppliedKey, captureTables, type CaptureTable, replayChanges, type ReplayResult } from '../movers/capture/index.ts';
import { verifyDatabases, type VerifyReport } from '../movers/verify/index.ts';
import { isFileDatabase } from '../providers/index.ts';
import type { AckReport, TenantRouter } from '../router/index.ts';
import { profileFromUrl } from '../url.ts';
import type { SwitchJournal, SwitchStep } from './journal.ts';
import { fenceCutover } from './fence.ts';
import { compareCounts, type PreVerification, type VerificationScope, type VerifyMode, verifyInPause } from './pause-verify.ts';

/** What a switch reports as it goes (the CLI draws progress from it). */
export interface SwitchProgress {
  step: SwitchStep | 'copying' | 'replaying' | 'pre-verifying' | 'acknowledging';
  message: string;
  table?: string;
  rows?: number;
  totalRows?: number;
  /** Changes waiting in the change table. */
  lag?: number;
}

export interface SwitchOptions {
  tenant: string;
  /** The router applications use; its profile store holds the tenant's active profile and is flipped. */
  router: TenantRouter;
  /** Where the tenant goes (profile, or URL). Needed to switch; a rollback reads both sides from the profile store. */
  to?: ConnectionProfileInput | ConnectionProfile | string;
  /** Folder of the journal (`<tenant>.switch.jsonl`). */
  stateDir: string;
  /** Return to the profile the last switch left, replaying what was written since (reverse capture). */
  rollback?: boolean;
  /** Tables to move (default: every table of the source's default schema). */
  tables?: string[];
  /** Tables copied at once (default 4). */
  jobs?: number;
  /** Rows per copy batch (each commits with its checkpoint; default the copy's 10 000). */
  copyBatchSize?: number;
  /** Captured changes replayed per batch (default 2000). */
  batchSize?: number;
  /** Changes allowed to wait before the cutover pause starts (default 500). */
  maxLag?: number;
  /** How long the pause waits for transactions in flight before giving up and releasing them (default 10 s). */
  drainTimeoutMs?: number;
  /** How long catching up may take before the switch stops with an error (default 10 min). */
  catchUpTimeoutMs?: number;
  /**
   * Rows per table compared value by value in the cutover's verification, on top of the counts and checksums of
   * every row (default 0: the checksums already cover every value, and each sampled row is a query in the pause).
   */
  sample?: number;
  /**
   * What the cutover verifies while writers are held. `changed` (default): the checksums of every row are compared
   * before the pause, with writers running; the pause compares row counts, checksums again only the tables that
   * differed then, and re-reads on both sides every key replayed since (see pause-verify.ts for why that covers
   * every row). `checksums`: counts and checksums of every row inside the pause (the pause grows with the data).
   * `counts`: row counts only.
   */
  verify?: VerifyMode;
  /**
   * With a tenant registry as the router's profiles: how long the switch waits, after the flip, for every live
   * router to acknowledge the new version (default 30 s). It then reports the ones that did not
   * (`acknowledgements.missing`) and does not roll back: see README "Routers in other processes".
   */
  ackTimeoutMs?: number;
  onProgress?: (progress: SwitchProgress) => void;
  /** Opens a profile (default: connect). */
  open?: (profile: ConnectionProfile) => Promise<TenantDb>;
}

export interface SwitchReport {
  tenant: string;
  direction: 'switch' | 'rollback';
  /** Where the tenant was and where it is now (no credentials). */
  from: string;
  to: string;
  /** Final state of the operation. */
  state: 'switched' | 'rolled-back' | 'aborted';
  /** A previous run was interrupted and this one continued it. */
  resumed: boolean;
  /** Steps this call ran (steps already in the journal are skipped). */
  steps: SwitchStep[];
  rowsCopied: number;
  changesReplayed: number;
  /** The cutover's verification; `scope` says what was compared inside the pause (and before it, for `changed`). */
  verification?: { equal: boolean; tables: VerifyReport['tables']; scope: VerificationScope };
  /** How long writers were held during this call's cutover (0 when no cutover ran). */
  pauseMs: number;
  /** Where the pause went: waiting for transactions in flight, the last replay, verification, identity sync, flip. */
  pauseTimings?: Record<string, number>;
  /** With a tenant registry: the version published and which live routers acknowledged it in time, and which not. */
  acknowledgements?: AckReport;
  journal: string;
}

/** A verification mismatch during the cutover; writers were released on the old database. */
export class SwitchVerificationError extends Error {
  override name = 'SwitchVerificationError';
  readonly findings: Finding[];
  constructor(tenant: string, findings: Finding[]) {
    super(
      `switch of ${tenant} stopped: verification found ${findings.length} mismatch(es), writers stay on the source:\n${findings.map((f) => `  ${f.subject}: ${f.message}`).join('\n')}`,
    );
    this.findings = findings;
  }
}

/** Identifies a database without its credentials: what the journal records and compares. */
export function fingerprint(profile: ConnectionProfile | Omit<ConnectionProfile, 'password'>): string {
  const where = isFileDatabase(profile) ? resolve(profile.database) : `${profile.host ?? ''}:${profile.port ?? ''}/${profile.database}`;
  return `${profile.provider}:${profile.dialect}:${where}`;
}

export function parseTarget(to: SwitchOptions['to'], tenant: string): ConnectionProfile {
  if (to === undefined) throw new Error(`switch of ${tenant}: give the target profile (to)`);
  return typeof to === 'string' ? profileFromUrl(to) : parseConnectionProfile(to, `target profile of ${tenant}`);
}

/** Capture tables of both sides: the source's (what is read) and the target's (value kinds it stores). */
export async function tablesOf(source: TenantDb, target: TenantDb, names: readonly string[]): Promise<{ source: CaptureTable[]; target: CaptureTable[] }> {
  const [s, t] = await Promise.all([introspect(source), introspect(target)]);
  return {
    source: captureTables(s, names, { schemas: source.dialect.capture.schemas }),
    target: captureTables(t, names, { schemas: target.dialect.capture.schemas }),
  };
}

/** Runs `work` on the two databases, closing both afterwards. */
export async function withBoth<T>(
  open: (p: ConnectionProfile) => Promise<TenantDb>,
  a: ConnectionProfile,
  b: ConnectionProfile,
  work: (a: TenantDb, b: TenantDb) => Promise<T>,
): Promise<T> {
  const first = await open(a);
  try {
    const second = await open(b);
    try {
      return await work(first, second);
    } finally {
      await second.close();
    }
  } finally {
    await first.close();
  }
}

/** Replays until at most `maxLag` changes wait, giving up after `timeoutMs`. */
export async function catchUp(
  options: {
    from: TenantDb;
    to: TenantDb;
    tables: CaptureTable[];
    targetTables: CaptureTable[];
    batchSize?: number;
    maxLag: number;
    timeoutMs: number;
    onApplied?: (keys: readonly AppliedKey[]) => void;
  },
  progress: (r: ReplayResult) => void,
): Promise<ReplayResult> {
  const deadline = Date.now() + options.timeoutMs;
  const total: ReplayResult = { changes: 0, writes: 0, batches: 0, lag: 0 };
  for (;;) {
    const r = await replayChanges({ ...options, maxBatches: 20 });
    total.changes += r.changes;
    total.writes += r.writes;
    total.batches += r.batches;
    total.lag = r.lag;
    progress(total);
    if (r.lag <= options.maxLag) return total;
    if (Date.now() > deadline) {
      throw new Error(
        `catching up did not get below ${options.maxLag} waiting changes within ${options.timeoutMs} ms (${r.lag} waiting): writers outpace the replay`,
      );
    }
  }
}

/**
 * The part of the cutover that runs with writers held: replays the last changes, verifies, then the caller's
 * `commit` (identity sync, reverse capture, profile flip). Any failure releases the writers on the old database.
 */
export async function cutover(
  ctx: {
    tenant: string;
    router: TenantRouter;
    journal: SwitchJournal;
    /** Journals a step (and reports it). */
    record: (step: SwitchStep, data?: Record<string, unknown>) => Promise<void>;
    drainTimeoutMs: number;
    sample?: number;
    verify?: VerifyMode;
    /** The `changed` mode's pre-verification; its keys collector must be the drain's onApplied (sides.onApplied). */
    pre?: PreVerification;
    /**
     * Between two databases of an engine that reads its own schema: every sequence (free-standing ones too, which
     * identity sync cannot see), named before the pause, set to the source's exact position in it.
     */
    sequences?: { names: string[]; source: NativeSchemaDialect; target: NativeSchemaDialect };
    prefix: '' | 'rollback-';
  },
  sides: {
    from: TenantDb;
    to: TenantDb;
    tables: CaptureTable[];
    targetTables: CaptureTable[];
    batchSize?: number;
    onApplied?: (keys: readonly AppliedKey[]) => void;
  },
  commit: () => Promise<void>,
): Promise<{ pauseMs: number; drained: number; verification: VerifyReport; scope: VerificationScope; timings: Record<string, number> }> {
  const { router, tenant, journal } = ctx;
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round((now - mark) * 10) / 10;
    mark = now;
  };
  await router.pause(tenant, { drainTimeoutMs: ctx.drainTimeoutMs });
  lap('waitForInFlightMs');
  let verification: VerifyReport;
  let scope: VerificationScope;
  let drained: ReplayResult;
  const names = sides.tables.map((t) => t.name);
  let fence: Awaited<ReturnType<typeof fenceCutover>> | undefined;
  let committed = false;
  try {
    // Writers of other processes (their own routers, or none) are stopped at the database itself.
    fence = await fenceCutover({ tenant, record: ctx.record, timeoutMs: ctx.drainTimeoutMs }, sides);
    lap('fenceMs');
    drained = await replayChanges({ ...sides, maxLag: 0 });
    lap('drainMs');
    const drainedStep = `${ctx.prefix}drained` as SwitchStep;
    if (!journal.done(drainedStep)) await ctx.record(drainedStep, { changes: drained.changes });
    if (ctx.verify === 'counts') {
      verification = await compareCounts(sides.from, sides.to, sides.tables);
      scope = { mode: 'counts', counted: names, checksummed: [], keysRechecked: 0 };
    } else if (ctx.verify === 'changed' && ctx.pre) {
      ({ report: verification, scope } = await verifyInPause(sides, ctx.pre, ctx.sample ?? 0));
    } else {
      verification = await verifyDatabases({ from: sides.from, to: sides.to, tables: names, sample: ctx.sample ?? 0, schema: false });
      scope = { mode: 'checksums', counted: names, checksummed: names, keysRechecked: verification.tables.reduce((n, t) => n + t.sampled, 0) };
    }
    lap('verifyMs');
    if (!verification.equal) {
      await ctx.record('verify-failed', { findings: verification.findings });
      throw new SwitchVerificationError(tenant, verification.findings);
    }
    const verifiedStep = `${ctx.prefix}verified` as SwitchStep;
    await ctx.record(verifiedStep, { tables: verification.tables.length, rows: verification.tables.reduce((n, t) => n + t.targetRows, 0) });
    await sides.to.dialect.capture.syncIdentity(sides.to, sides.targetTables);
    const sequences = ctx.sequences;
    if (sequences?.names.length) await sequences.target.setSequences(sides.to.db, await sequences.source.readSequences(sides.from.db, sequences.names));
    lap('identityMs');
    await commit();
    committed = true;
    // The side left stays fenced: a writer that missed the flip is refused there, not written to a stale database.
    await fence.keep();
    lap('flipMs');
  } catch (error) {
    try {
      if (!committed) await fence?.undo();
    } finally {
      router.resume(tenant);
    }
    throw error;
  }
  const pauseMs = router.resume(tenant);
  return { pauseMs, drained: drained.changes, verification, scope, timings };
}
