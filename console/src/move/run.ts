import type { ConnectionProfile } from '@byos/runtime';
import { type SwitchProgress, SwitchVerificationError, type SwitchReport, switchTenant } from '@byos/runtime/switch';
import type { ConsoleContext } from '../context.ts';
import type { Job, JobEvent } from '../jobs.ts';

type Emit = (event: Omit<JobEvent, 'type'>) => void;

/** What the page shows of a report: everything but the journal's path on the server. */
function reportView(report: SwitchReport): Record<string, unknown> {
  const { journal: _journal, ...rest } = report;
  return { ...rest, result: report.state };
}

/**
 * Switch progress as job events: every step, per-table copy rows at most every 200 ms a table (and each table's
 * last), the catch-up lag at most every 200 ms.
 */
function progressEvents(emit: Emit): (p: SwitchProgress) => void {
  const last = new Map<string, number>();
  return (p) => {
    if (p.step === 'copying' || p.step === 'replaying') {
      const key = p.step === 'copying' ? `copy:${p.table}` : 'lag';
      const finished = p.step === 'copying' && p.totalRows !== undefined && (p.rows ?? 0) >= p.totalRows;
      if (!finished && Date.now() - (last.get(key) ?? 0) < 200) return;
      last.set(key, Date.now());
    }
    emit({ step: p.step, message: p.message, table: p.table, rows: p.rows, totalRows: p.totalRows, lag: p.lag });
  };
}

/** A second move of a tenant whose move is still running. */
export class MoveBusyError extends Error {}

/** A move or rollback of this tenant that has not finished, if any. */
export function runningMove(ctx: ConsoleContext, tenant: string): Job | undefined {
  const job = ctx.jobs.latest('move', tenant);
  return job && !job.finished ? job : undefined;
}

/**
 * Runs the real switch (the one `byos switch --state <state>` runs) as a job on ctx.router, whose profile store is
 * the file tenant registry in <state>/profiles: applications following that registry move with the tenant.
 * A verification mismatch ends the job as a result (with its findings): writers stayed on the source.
 */
export function startSwitchJob(ctx: ConsoleContext, tenant: string, options: { to?: ConnectionProfile; rollback?: boolean }): Job {
  const busy = runningMove(ctx, tenant);
  if (busy) throw new MoveBusyError(`a move of ${tenant} is already running (job ${busy.id}): wait for it or follow it on this page`);
  const direction = options.rollback ? 'rollback' : 'switch';
  return ctx.jobs.start('move', tenant, async (emit) => {
    emit({ step: 'started', direction, message: options.rollback ? `rolling ${tenant} back` : `moving ${tenant}` });
    try {
      const report = await switchTenant({
        tenant,
        router: ctx.router,
        to: options.to,
        rollback: Boolean(options.rollback),
        stateDir: ctx.options.stateDir,
        onProgress: progressEvents(emit),
      });
      return { direction, ...reportView(report) };
    } catch (error) {
      if (error instanceof SwitchVerificationError) {
        return { direction, result: 'verify-failed', message: error.message.split('\n')[0], findings: error.findings };
      }
      throw error;
    }
  });
}
