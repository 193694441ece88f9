import type { Jurisdiction, ProviderName } from '@byos/runtime';

/**
 * A tenant's region lies outside its residency. Thrown while the program declares resources, so `pulumi preview`
 * stops before anything is created; the offline policy gate turns it into a finding.
 */
export class ResidencyError extends Error {
  readonly tenant: string;
  readonly provider: ProviderName;
  readonly region: string;
  readonly residency: Jurisdiction;
  readonly allowedRegions: readonly string[];
  constructor(facts: { tenant: string; provider: ProviderName; region: string; residency: Jurisdiction; allowedRegions: readonly string[] }) {
    const allowed = facts.allowedRegions.length
      ? `allowed ${facts.provider} regions for ${facts.residency}: ${facts.allowedRegions.join(', ')}`
      : `${facts.provider} has no region in ${facts.residency}`;
    super(
      `tenant ${facts.tenant}: region ${facts.region} is outside its residency ${facts.residency} (${allowed}); ` +
        'change region or residency in the stack config byos:tenant',
    );
    this.name = 'ResidencyError';
    this.tenant = facts.tenant;
    this.provider = facts.provider;
    this.region = facts.region;
    this.residency = facts.residency;
    this.allowedRegions = facts.allowedRegions;
  }
}

/**
 * The provider cannot honour a field of the spec (a backup retention beyond its maximum, an IPv6 rule it cannot
 * express). Thrown at preview; `field` is the spec path (`backup.retentionDays`).
 */
export class ProviderCapabilityError extends Error {
  readonly tenant: string;
  readonly provider: ProviderName;
  readonly field: string;
  constructor(tenant: string, provider: ProviderName, field: string, reason: string) {
    super(`tenant ${tenant}: ${provider} cannot honour ${field}: ${reason}`);
    this.name = 'ProviderCapabilityError';
    this.tenant = tenant;
    this.provider = provider;
    this.field = field;
  }
}

/** A required stack setting is missing or malformed; names the config key. */
export class ProviderSettingError extends Error {
  readonly key: string;
  constructor(key: string, reason: string) {
    super(`stack config ${key}: ${reason}`);
    this.name = 'ProviderSettingError';
    this.key = key;
  }
}
