import type { TenantDb } from '../connect.ts';
import type { CaptureTable } from '../dialects/change-capture.ts';
import { fingerprint } from './context.ts';
import type { SwitchJournal, SwitchStep } from './journal.ts';

type Record = (step: SwitchStep, data?: { [key: string]: unknown }) => Promise<void>;

/** The fence is up on `database` according to the current operation's journal (raised, and not lowered since). */
export function fenceUp(journal: SwitchJournal, database: TenantDb): boolean {
  const print = fingerprint(database.profile);
  const last = journal
    .current()
    .filter((e) => (e.step === 'fence-raised' || e.step === 'fence-lowered') && e.data?.database === print)
    .at(-1);
  return last?.step === 'fence-raised';
}

/** Lowers the fence of `database` (idempotent) and journals it. A database without a fence is left as it is. */
export async function lowerFence(database: TenantDb, record: Record, reason: string): Promise<void> {
  const fence = database.dialect.fence;
  if (!fence) return;
  await fence.lower(database);
  await record('fence-lowered', { database: fingerprint(database.profile), reason });
}

/**
 * Inside the cutover's pause, before the final drain: raises the fence on the side left (`from`), so writers of other
 * processes are refused there, and lowers one on the side reached (`to`: a rollback's old database, fenced since
 * the switch's flip) so the replay can write it. `keep` after the flip leaves `from` fenced; `undo` on a failure
 * puts both back as they were.
 */
export async function fenceCutover(
  ctx: { tenant: string; record: Record; timeoutMs: number },
  sides: { from: TenantDb; to: TenantDb; tables: readonly CaptureTable[]; targetTables: readonly CaptureTable[] },
): Promise<{ keep(): Promise<void>; undo(): Promise<void> }> {
  const { from, to } = sides;
  const fence = from.dialect.fence;
  const toFenced = Boolean(await to.dialect.fence?.isRaised(to));
  if (fence) {
    await fence.raise(from, { tenant: ctx.tenant, tables: sides.tables, timeoutMs: ctx.timeoutMs });
    await ctx.record('fence-raised', { database: fingerprint(from.profile) });
  }
  if (toFenced) await lowerFence(to, ctx.record, 'the cutover goes back to it');
  return {
    keep: async () => {
      await fence?.hold(from);
    },
    undo: async () => {
      if (fence) await lowerFence(from, ctx.record, 'the cutover failed; writers stay on it');
      if (toFenced) {
        await to.dialect.fence!.raise(to, { tenant: ctx.tenant, tables: sides.targetTables, timeoutMs: ctx.timeoutMs });
        await to.dialect.fence!.hold(to);
        await ctx.record('fence-raised', { database: fingerprint(to.profile) });
      }
    },
  };
}
