import type { ConnectionProfile } from '../../contracts/connection-profile.ts';
import type { Jurisdiction, ProviderName } from '../../contracts/tenant-spec.ts';
import { allowedRegions, isRegionAllowed, jurisdictionsOfRegion } from './regions.ts';

/** A connection profile's region lies outside the tenant's residency (or is missing while a residency is set). */
export class ResidencyViolationError extends Error {
  override name = 'ResidencyViolationError';
  readonly tenant: string;
  readonly provider: ProviderName;
  readonly region: string | undefined;
  readonly residency: Jurisdiction;
  readonly allowedRegions: readonly string[];
  constructor(facts: { tenant: string; provider: ProviderName; region: string | undefined; residency: Jurisdiction }) {
    const allowed = allowedRegions(facts.provider, facts.residency);
    const list = allowed.length
      ? `allowed ${facts.provider} regions for ${facts.residency}: ${allowed.join(', ')}`
      : `${facts.provider} has no region in ${facts.residency}`;
    const where = facts.region === undefined ? undefined : jurisdictionsOfRegion(facts.provider, facts.region);
    super(
      facts.region === undefined
        ? `refusing to connect tenant ${facts.tenant}: its residency is ${facts.residency} but the profile names no region, so it cannot be checked (${list}); set region in the connection profile`
        : `refusing to connect tenant ${facts.tenant}: region ${facts.region} (${facts.provider}${where?.length ? `, in ${where.join('/')}` : ', unknown region'}) is outside its residency ${facts.residency} (${list})`,
    );
    this.tenant = facts.tenant;
    this.provider = facts.provider;
    this.region = facts.region;
    this.residency = facts.residency;
    this.allowedRegions = allowed;
  }
}

/**
 * Refuses a profile whose region breaks its residency, with the same region table the IaC side enforces at preview.
 * A profile with a residency and no region fails closed; a profile without a residency may live anywhere.
 */
export function assertProfileResidency(profile: Pick<ConnectionProfile, 'tenant' | 'provider' | 'region' | 'residency' | 'database'>): void {
  if (!profile.residency) return;
  const tenant = profile.tenant ?? `(database ${profile.database})`;
  if (profile.region === undefined || profile.region.trim() === '') {
    throw new ResidencyViolationError({ tenant, provider: profile.provider, region: undefined, residency: profile.residency });
  }
  if (!isRegionAllowed(profile.provider, profile.residency, profile.region)) {
    throw new ResidencyViolationError({ tenant, provider: profile.provider, region: profile.region, residency: profile.residency });
  }
}
