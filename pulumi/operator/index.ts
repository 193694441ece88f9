// The GitOps operator: desired tenants from git, recorded placements, a plan, and the steps that carry it out.
export * from './desired.ts';
export * from './plan.ts';
export * from './probes.ts';
export * from './state.ts';
export * from './reconcile.ts';
export * from './steps.ts';
export * from './automation.ts';
export * from './switch-guard.ts';
