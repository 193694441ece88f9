import type { RecordedResource, TenantMockRun } from '../../pulumi/components/mock-run.ts';

/** The resources of one type, in declaration order. */
export function ofType(run: TenantMockRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The single resource of `type`; fails the test when there is none or several. */
export function one(run: TenantMockRun, type: string): RecordedResource {
  const found = ofType(run, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${run.resources.map((r) => r.type).join(', ')}`);
  return found[0]!;
}

/** Every custom (cloud) resource that takes tags or labels must carry the tenant's. */
export function untagged(run: TenantMockRun, tagField: (r: RecordedResource) => unknown): RecordedResource[] {
  return run.resources.filter((r) => r.custom && tagField(r) === undefined);
}
