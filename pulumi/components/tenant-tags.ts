import type { ComplianceFramework, Jurisdiction, TenantSpec } from '@byos/runtime';
import { COMPLIANCE_FRAMEWORKS, JURISDICTIONS } from '@byos/runtime';

/**
 * Every resource a tenant owns carries these tags (AWS, Azure) or labels (GCP, where keys and values must be
 * lowercase letters, digits, `-` and `_`). The policy pack reads them: a policy sees a resource's inputs, not
 * the stack's config, so the tenant's residency and frameworks travel with each resource.
 */
export const TAG_TENANT = 'byos-tenant';
export const TAG_RESIDENCY = 'byos-residency';
export const TAG_COMPLIANCE = 'byos-compliance';
export const TAG_CMK = 'byos-cmk';
export const TAG_PROVIDER = 'byos-provider';

export function tenantTags(spec: TenantSpec): Record<string, string> {
  return {
    [TAG_TENANT]: spec.tenant,
    [TAG_PROVIDER]: spec.provider,
    [TAG_RESIDENCY]: (spec.residency ?? 'none').toLowerCase(),
    [TAG_COMPLIANCE]: spec.compliance.length ? [...spec.compliance].sort().join('_') : 'none',
    [TAG_CMK]: String(spec.encryption.customerManagedKey),
    'managed-by': 'byos',
  };
}

export interface TenantTagInfo {
  tenant?: string;
  provider?: string;
  residency?: Jurisdiction;
  compliance: ComplianceFramework[];
  customerManagedKey: boolean;
}

/** Reads the tenant facts back from a resource's tags or labels (absent tags give empty facts). */
export function readTenantTags(tags: Record<string, string> | undefined | null): TenantTagInfo {
  const t = tags ?? {};
  const residency = t[TAG_RESIDENCY]?.toUpperCase();
  const compliance = (t[TAG_COMPLIANCE] ?? '').split('_').filter((f): f is ComplianceFramework => (COMPLIANCE_FRAMEWORKS as readonly string[]).includes(f));
  return {
    tenant: t[TAG_TENANT],
    provider: t[TAG_PROVIDER],
    residency: (JURISDICTIONS as readonly string[]).includes(residency ?? '') ? (residency as Jurisdiction) : undefined,
    compliance,
    customerManagedKey: t[TAG_CMK] === 'true',
  };
}
