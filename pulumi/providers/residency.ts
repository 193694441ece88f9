import type { Jurisdiction, TenantSpec } from '@byos/runtime';
import { allowedRegions, isRegionAllowed, normalizeRegion } from '@byos/runtime/guard/residency';
import { ResidencyError } from './errors.ts';

// The region table lives in the runtime, so connect() refuses the same regions the IaC side does.

export { RESIDENCY, normalizeRegion, allowedRegions, isRegionAllowed, jurisdictionsOfRegion } from '@byos/runtime/guard/residency';

/**
 * Azure's paired regions: geo-redundant backup storage (Azure SQL `requestedBackupStorageRedundancy: Geo`,
 * Flexible Server `geoRedundantBackup: Enabled`) copies every backup to the pair. Some pairs are one-way
 * (Brazil South → South Central US; West US 3 → East US; West India → South India). Newer regions without a pair
 * (Italy North, Poland Central, Spain Central, Indonesia Central) have no geo copy to allow. Source: Microsoft
 * Learn, "Azure region pairs and nonpaired regions".
 */
export const AZURE_PAIRED_REGIONS: Readonly<Record<string, string>> = {
  eastus: 'westus',
  westus: 'eastus',
  eastus2: 'centralus',
  centralus: 'eastus2',
  northcentralus: 'southcentralus',
  southcentralus: 'northcentralus',
  westus2: 'westcentralus',
  westcentralus: 'westus2',
  westus3: 'eastus',
  canadacentral: 'canadaeast',
  canadaeast: 'canadacentral',
  brazilsouth: 'southcentralus',
  brazilsoutheast: 'brazilsouth',
  northeurope: 'westeurope',
  westeurope: 'northeurope',
  uksouth: 'ukwest',
  ukwest: 'uksouth',
  francecentral: 'francesouth',
  francesouth: 'francecentral',
  germanywestcentral: 'germanynorth',
  germanynorth: 'germanywestcentral',
  switzerlandnorth: 'switzerlandwest',
  switzerlandwest: 'switzerlandnorth',
  norwayeast: 'norwaywest',
  norwaywest: 'norwayeast',
  swedencentral: 'swedensouth',
  swedensouth: 'swedencentral',
  southeastasia: 'eastasia',
  eastasia: 'southeastasia',
  japaneast: 'japanwest',
  japanwest: 'japaneast',
  koreacentral: 'koreasouth',
  koreasouth: 'koreacentral',
  australiaeast: 'australiasoutheast',
  australiasoutheast: 'australiaeast',
  australiacentral: 'australiacentral2',
  australiacentral2: 'australiacentral',
  centralindia: 'southindia',
  southindia: 'centralindia',
  westindia: 'southindia',
};

/** Throws a ResidencyError (at preview, before any resource is declared) when the spec's region breaks its residency. */
export function assertResidency(spec: Pick<TenantSpec, 'tenant' | 'provider' | 'region' | 'residency'>): void {
  if (isRegionAllowed(spec.provider, spec.residency, spec.region)) return;
  throw new ResidencyError({
    tenant: spec.tenant,
    provider: spec.provider,
    region: spec.region,
    residency: spec.residency!,
    allowedRegions: allowedRegions(spec.provider, spec.residency!),
  });
}

/** Azure's paired region for geo-redundant copies, or undefined when the region has no pair. */
export function azurePairedRegion(region: string): string | undefined {
  return AZURE_PAIRED_REGIONS[normalizeRegion('azure-sql', region)];
}

/**
 * True when Azure may keep geo-redundant backup copies for a server in `region`: the region has a pair and both
 * the region and its pair lie in the jurisdiction. Without a residency, a paired region is enough.
 */
export function azureGeoCopyAllowed(region: string, jurisdiction: Jurisdiction | undefined): boolean {
  const pair = azurePairedRegion(region);
  if (!pair) return false;
  if (!jurisdiction) return true;
  return isRegionAllowed('azure-sql', jurisdiction, region) && isRegionAllowed('azure-sql', jurisdiction, pair);
}

/**
 * True when a Cloud SQL `settings.backupConfiguration.location` keeps backups inside the jurisdiction. Without
 * a location Cloud SQL picks the multi-region nearest the instance (`asia`, `eu`, `us`), which spans countries,
 * so an unset location is refused for any tenant with a residency. Only a single region of the jurisdiction passes.
 */
export function gcpBackupLocationAllowed(location: string | undefined, jurisdiction: Jurisdiction | undefined): boolean {
  if (!jurisdiction) return true;
  if (!location) return false;
  return isRegionAllowed('gcp', jurisdiction, location);
}
