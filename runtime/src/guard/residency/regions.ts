import type { Jurisdiction, ProviderName } from '../../contracts/tenant-spec.ts';
import { JURISDICTIONS } from '../../contracts/tenant-spec.ts';
import { PROVIDER_REGISTRY } from '../../providers/list.ts';

/**
 * Where each jurisdiction's data may live, per provider, in the provider's own region names. One table, built from
 * the provider descriptors' `regions` (providers/descriptors/<name>.ts) and read by connect(), the TenantDatabase
 * component (a region outside the residency fails at preview) and the policy pack.
 *
 * Sources: the providers' region lists (AWS "Regions and Availability Zones", Google Cloud "Cloud locations",
 * Azure "Azure geographies", Supabase Management API `region_selection` codes, Neon "Regions"). A region is
 * listed under the jurisdiction whose law governs the data centre: Zurich (CH) and London (UK) are not EU;
 * EU means the EU/EEA, so Norway counts. A provider missing from a jurisdiction has no region there.
 * `local` is the developer's machine: development stacks only, never production personal data.
 */
export const RESIDENCY: Readonly<Record<Jurisdiction, Readonly<Record<ProviderName, readonly string[]>>>> = PROVIDER_REGISTRY.residency;

/** Region names as the table spells them: lowercase; Azure display names (`West Europe`) lose their spaces. */
export function normalizeRegion(provider: ProviderName, region: string): string {
  return PROVIDER_REGISTRY.normalizeRegion(provider, region);
}

/** The regions of `provider` where data pinned to `jurisdiction` may live (empty when the provider has none there). */
export function allowedRegions(provider: ProviderName, jurisdiction: Jurisdiction): readonly string[] {
  const byProvider = RESIDENCY[jurisdiction];
  if (!byProvider) throw new Error(`unknown jurisdiction "${jurisdiction}" (one of ${JURISDICTIONS.join(', ')})`);
  return byProvider[provider] ?? [];
}

/** True when `region` may hold data pinned to `jurisdiction`; a tenant without a residency may live anywhere. */
export function isRegionAllowed(provider: ProviderName, jurisdiction: Jurisdiction | undefined, region: string): boolean {
  if (!jurisdiction) return true;
  return allowedRegions(provider, jurisdiction).includes(normalizeRegion(provider, region));
}

/** The jurisdictions a region belongs to (one for every cloud region; all of them for `local`). */
export function jurisdictionsOfRegion(provider: ProviderName, region: string): Jurisdiction[] {
  const wanted = normalizeRegion(provider, region);
  return JURISDICTIONS.filter((j) => allowedRegions(provider, j).includes(wanted));
}
