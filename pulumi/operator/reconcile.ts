import type { ConnectionProfile, TenantSpec } from '@byos/runtime';
import type { DesiredTenant } from './desired.ts';
import { describeAction, type Plan, type TenantAction } from './plan.ts';
import type { Placement, RecordedTenant, StateStore } from './state.ts';

/** The side-effecting work, one function per kind of step (operator/steps.ts has the real ones). */
export interface ReconcileSteps {
  /** Creates or updates the resources of one placement (a Pulumi stack) and returns its profile, password by reference. */
  provision(tenant: DesiredTenant, stack: string): Promise<ConnectionProfile>;
  /** Applies pending migrations; returns the ids applied. */
  migrate(tenant: string, profile: ConnectionProfile): Promise<string[]>;
  /** Moves a live tenant's data; resumable, so calling it again after a crash finishes the same switch. */
  switch(tenant: string, from: ConnectionProfile, to: ConnectionProfile): Promise<string>;
  /** Turns deletion protection off, then destroys a placement's resources; `spec` is the recorded one. */
  retire(tenant: string, placement: Placement, spec: TenantSpec): Promise<void>;
}

export interface ReconcileOptions {
  state: StateStore;
  steps: ReconcileSteps;
  /** Retiring deletes a database; without this flag a retire action is reported and skipped. */
  allowRetire?: boolean;
  /** Called as each step starts, for progress output. */
  onStep?(tenant: string, action: TenantAction): void;
}

export interface TenantOutcome {
  tenant: string;
  status: 'ok' | 'failed' | 'unchanged';
  /** One line per completed step. */
  done: string[];
  /** The step that failed and why (secrets already scrubbed by the step). */
  error?: string;
}

/** Placement stack names: the tenant's own stack first, a suffixed one for a switch target kept next to it. */
export function placementStack(tenant: string, provider: string, region: string, first: boolean): string {
  return first ? tenant : `${tenant}--${provider}-${region}`;
}

/**
 * Carries out a plan tenant by tenant. Each completed step is written to the recorded state before the next
 * starts, so a crash or a failure resumes from the step that did not finish: re-running `plan` shows what is left.
 * One tenant's failure is reported and does not stop the others.
 */
export async function reconcile(plan: Plan, desired: DesiredTenant[], options: ReconcileOptions): Promise<TenantOutcome[]> {
  const wanted = new Map(desired.map((d) => [d.tenant, d]));
  const outcomes: TenantOutcome[] = [];
  for (const tenantPlan of plan.tenants) {
    const outcome: TenantOutcome = { tenant: tenantPlan.tenant, status: tenantPlan.actions.length ? 'ok' : 'unchanged', done: [] };
    outcomes.push(outcome);
    for (const action of tenantPlan.actions) {
      options.onStep?.(tenantPlan.tenant, action);
      try {
        const line = await runAction(tenantPlan.tenant, action, wanted.get(tenantPlan.tenant), options);
        outcome.done.push(line);
      } catch (error) {
        outcome.status = 'failed';
        outcome.error = `${describeAction(action)}: ${(error as Error).message}`;
        break;
      }
    }
  }
  return outcomes;
}

async function runAction(tenant: string, action: TenantAction, want: DesiredTenant | undefined, options: ReconcileOptions): Promise<string> {
  const { state, steps } = options;
  const have = await state.get(tenant);
  const now = () => new Date().toISOString();
  const record = (next: RecordedTenant, what: string) => {
    next.history = [...(have?.history ?? []), { at: now(), action: action.kind, detail: what }];
    next.updatedAt = now();
    return state.put(next);
  };
  switch (action.kind) {
    case 'provision':
    case 'update': {
      const spec = must(want, tenant);
      const stack = have?.active.stack ?? tenant;
      const profile = await steps.provision(spec, stack);
      const active: Placement = { stack, provider: spec.spec.provider, region: spec.spec.region, profile };
      await record(
        { ...(have ?? { history: [] }), tenant, spec: spec.spec, specHash: spec.specHash, active, updatedAt: now(), history: [] },
        describeAction(action),
      );
      return describeAction(action);
    }
    case 'switch': {
      const spec = must(want, tenant);
      const current = mustHave(have, tenant);
      if (!current.active.profile) throw new Error('the recorded state has no profile for the current database');
      const stack = placementStack(tenant, spec.spec.provider, spec.spec.region, false);
      const target = await steps.provision(spec, stack);
      const summary = await steps.switch(tenant, current.active.profile, target);
      const active: Placement = { stack, provider: spec.spec.provider, region: spec.spec.region, profile: target };
      await record({ ...current, spec: spec.spec, specHash: spec.specHash, active, standby: current.active, updatedAt: now() }, summary);
      return `${describeAction(action)} — ${summary}`;
    }
    case 'migrate': {
      const current = mustHave(have, tenant);
      if (!current.active.profile) throw new Error('the recorded state has no profile to migrate with');
      const applied = await steps.migrate(tenant, current.active.profile);
      await record({ ...current, lastMigration: applied.at(-1) ?? current.lastMigration, updatedAt: now() }, `applied ${applied.join(', ') || 'nothing'}`);
      return `applied ${applied.length} migration(s)`;
    }
    case 'retire': {
      const current = mustHave(have, tenant);
      if (!options.allowRetire) throw new Error('retiring deletes the database: re-run with --allow-retire to confirm');
      await steps.retire(tenant, current.active, current.spec);
      if (current.standby) await steps.retire(tenant, current.standby, current.spec);
      await state.remove(tenant);
      return describeAction(action);
    }
  }
}

function must(want: DesiredTenant | undefined, tenant: string): DesiredTenant {
  if (!want) throw new Error(`no spec in git for tenant ${tenant}`);
  return want;
}

function mustHave(have: RecordedTenant | undefined, tenant: string): RecordedTenant {
  if (!have) throw new Error(`no recorded state for tenant ${tenant}: provision it first`);
  return have;
}
