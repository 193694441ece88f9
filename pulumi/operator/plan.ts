import type { DesiredTenant, SpecProblem } from './desired.ts';
import { specChanges, specHash } from './desired.ts';
import type { Placement, RecordedTenant } from './state.ts';

/** One thing reconcile will do for a tenant, in the order listed. */
export type TenantAction =
  | { kind: 'provision'; provider: string; region: string }
  | { kind: 'update'; changes: string[] }
  | { kind: 'switch'; from: { provider: string; region: string }; to: { provider: string; region: string }; estimate?: RowEstimate; estimateError?: string }
  | { kind: 'migrate'; pending: string[] }
  | { kind: 'retire'; provider: string; region: string };

export interface RowEstimate {
  tables: number;
  rows: number;
}

export interface TenantPlan {
  tenant: string;
  actions: TenantAction[];
  /** Facts worth knowing that need no action (a standby kept for rollback, an unreachable database). */
  notes: string[];
}

export interface Plan {
  tenants: TenantPlan[];
  /** Stack files that are not valid specs: nothing is planned for them, and the plan fails. */
  problems: SpecProblem[];
}

/** What the plan asks of live databases; reconcile and the CLI pass real ones (operator/probes.ts), tests may too. */
export interface PlanProbes {
  /** Tables and rows in the database a tenant lives on now, for switch estimates. */
  estimate?(placement: Placement): Promise<RowEstimate>;
  /** Ids of the migrations not yet applied on the tenant's database (all of them for a new tenant). */
  pendingMigrations?(placement: Placement | undefined): Promise<string[]>;
}

/** Compares the specs in git with the recorded state and says, per tenant, what reconcile will do. */
export async function planTenants(
  desired: { tenants: DesiredTenant[]; problems: SpecProblem[] },
  recorded: RecordedTenant[],
  probes: PlanProbes = {},
): Promise<Plan> {
  const byTenant = new Map(recorded.map((r) => [r.tenant, r]));
  const plans: TenantPlan[] = [];
  for (const want of desired.tenants) {
    const have = byTenant.get(want.tenant);
    byTenant.delete(want.tenant);
    plans.push(await planOne(want, have, probes));
  }
  // A recorded tenant whose stack file is invalid is not retired: a typo in git must never delete a database.
  const invalidFiles = new Set(desired.problems.map((p) => p.file));
  for (const have of byTenant.values()) {
    const broken = [...invalidFiles].some((file) => file.includes(`Pulumi.${have.tenant}.`));
    if (broken) plans.push({ tenant: have.tenant, actions: [], notes: ['its stack file is invalid: nothing changes until it is fixed'] });
    else plans.push({ tenant: have.tenant, actions: [{ kind: 'retire', provider: have.active.provider, region: have.active.region }], notes: [] });
  }
  plans.sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
  return { tenants: plans, problems: desired.problems };
}

async function planOne(want: DesiredTenant, have: RecordedTenant | undefined, probes: PlanProbes): Promise<TenantPlan> {
  const actions: TenantAction[] = [];
  const notes: string[] = [];
  const target = { provider: want.spec.provider, region: want.spec.region };
  if (!have) {
    actions.push({ kind: 'provision', ...target });
  } else if (have.active.provider !== target.provider || have.active.region !== target.region) {
    const from = { provider: have.active.provider, region: have.active.region };
    const move: TenantAction = { kind: 'switch', from, to: target };
    if (probes.estimate) {
      try {
        move.estimate = await probes.estimate(have.active);
      } catch (error) {
        move.estimateError = (error as Error).message;
      }
    }
    actions.push(move);
  } else if (specHash(have.spec) !== want.specHash) {
    // Hashed again from the recorded spec as parsed now: a new field's default alone is not a change to apply.
    actions.push({ kind: 'update', changes: specChanges(have.spec, want.spec) });
  }
  if (have?.standby) notes.push(`previous database kept on ${have.standby.provider} (${have.standby.region}) for rollback`);
  if (probes.pendingMigrations) {
    try {
      const pending = await probes.pendingMigrations(have?.active);
      if (pending.length) actions.push({ kind: 'migrate', pending });
    } catch (error) {
      notes.push(`cannot read applied migrations: ${(error as Error).message}`);
    }
  }
  return { tenant: want.tenant, actions, notes };
}

/** One line per action, as `byos plan` prints it. */
export function describeAction(action: TenantAction): string {
  switch (action.kind) {
    case 'provision':
      return `provision a new ${action.provider} database in ${action.region}`;
    case 'update':
      return `update the infrastructure: ${action.changes.join('; ')}`;
    case 'switch': {
      const size = action.estimate
        ? `${action.estimate.rows.toLocaleString('en-US')} rows in ${action.estimate.tables} tables`
        : `size unknown (${action.estimateError ?? 'not estimated'})`;
      return `switch from ${action.from.provider} (${action.from.region}) to ${action.to.provider} (${action.to.region}): ${size}`;
    }
    case 'migrate':
      return `apply ${action.pending.length} migration${action.pending.length === 1 ? '' : 's'}: ${action.pending.join(', ')}`;
    case 'retire':
      return `retire the ${action.provider} database in ${action.region} (its stack file is gone from git)`;
  }
}
