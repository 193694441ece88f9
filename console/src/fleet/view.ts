import type { TenantStatus } from './probes.ts';

/** What the fleet view's GET form asks for: a text filter, a provider, a compliance state and an order. */
export interface FleetQuery {
  q: string;
  provider: string;
  compliance: '' | 'violates' | 'passes';
  sort: 'status' | 'name' | 'provider';
}

export const SORTS: readonly FleetQuery['sort'][] = ['status', 'name', 'provider'];

export function readQuery(params: URLSearchParams): FleetQuery {
  const compliance = params.get('compliance');
  const sort = params.get('sort') as FleetQuery['sort'];
  return {
    q: (params.get('q') ?? '').trim().slice(0, 200),
    provider: params.get('provider') ?? '',
    compliance: compliance === 'violates' || compliance === 'passes' ? compliance : '',
    sort: SORTS.includes(sort) ? sort : 'status',
  };
}

export const violatesPolicy = (t: TenantStatus) => t.policy.ok && t.policy.value.violates;

/** Something is wrong that is not a policy verdict: the database is unreachable, or the gate could not judge. */
export const hasProblem = (t: TenantStatus) => !t.health.ok || !t.policy.ok;

/** Policy violations first, then tenants with a problem, then the healthy ones. */
export function statusRank(t: TenantStatus): number {
  return violatesPolicy(t) ? 0 : hasProblem(t) ? 1 : 2;
}

export function statusLabel(t: TenantStatus): string {
  return violatesPolicy(t) ? 'violates policy' : !t.health.ok ? 'unreachable' : !t.policy.ok ? 'not judged' : 'healthy';
}

export function applyQuery(tenants: TenantStatus[], query: FleetQuery): TenantStatus[] {
  const text = query.q.toLowerCase();
  const matches = (t: TenantStatus) =>
    !text || [t.tenant, t.provider, t.region, t.residency, ...t.compliance].some((field) => field?.toLowerCase().includes(text));
  const kept = tenants.filter(
    (t) =>
      matches(t) && (!query.provider || t.provider === query.provider) && (query.compliance === '' || (query.compliance === 'violates') === violatesPolicy(t)),
  );
  const byName = (a: TenantStatus, b: TenantStatus) => a.tenant.localeCompare(b.tenant);
  const order: Record<FleetQuery['sort'], (a: TenantStatus, b: TenantStatus) => number> = {
    status: (a, b) => statusRank(a) - statusRank(b) || byName(a, b),
    name: byName,
    provider: (a, b) => (a.provider ?? '').localeCompare(b.provider ?? '') || byName(a, b),
  };
  return kept.sort(order[query.sort]);
}
