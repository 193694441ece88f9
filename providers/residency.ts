import type { Jurisdiction, ProviderName, TenantSpec } from '../runtime/src/contracts/index.ts';
import { JURISDICTIONS } from '../runtime/src/contracts/index.ts';
import { ResidencyError } from './errors.ts';

const AZURE_EU: readonly string[] = [
  'westeurope',
  'northeurope',
  'francecentral',
  'francesouth',
  'germanywestcentral',
  'germanynorth',
  'swedencentral',
  'swedensouth',
  'norwayeast',
  'norwaywest',
  'italynorth',
  'polandcentral',
  'spaincentral',
];
const AZURE_US: readonly string[] = ['eastus', 'eastus2', 'centralus', 'northcentralus', 'southcentralus', 'westcentralus', 'westus', 'westus2', 'westus3'];

/**
 * Where each jurisdiction's data may live, per provider, in the provider's own region names. One table, read by
 * the TenantDatabase component (a region outside the residency fails at preview) and by the policy pack.
 *
 * Sources: the providers' region lists (AWS "Regions and Availability Zones", Google Cloud "Cloud locations",
 * Azure "Azure geographies", Supabase Management API `region_selection` codes, Neon "Regions"). A region is
 * listed under the jurisdiction whose law governs the data centre: Zurich (CH) and London (UK) are not EU;
 * EU means the EU/EEA, so Norway counts. A provider missing from a jurisdiction has no region there.
 * `local` is the developer's machine: development stacks only, never production personal data.
 */
export const RESIDENCY: Readonly<Record<Jurisdiction, Readonly<Record<ProviderName, readonly string[]>>>> = {
  SG: {
    aws: ['ap-southeast-1'],
    gcp: ['asia-southeast1'],
    'azure-sql': ['southeastasia'],
    'azure-postgres': ['southeastasia'],
    supabase: ['ap-southeast-1'],
    neon: ['aws-ap-southeast-1'],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  EU: {
    aws: ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2'],
    gcp: [
      'europe-west1',
      'europe-west3',
      'europe-west4',
      'europe-west8',
      'europe-west9',
      'europe-west10',
      'europe-west12',
      'europe-north1',
      'europe-north2',
      'europe-central2',
      'europe-southwest1',
    ],
    'azure-sql': AZURE_EU,
    'azure-postgres': AZURE_EU,
    supabase: ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1'],
    neon: ['aws-eu-central-1', 'azure-gwc'],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  UK: {
    aws: ['eu-west-2'],
    gcp: ['europe-west2'],
    'azure-sql': ['uksouth', 'ukwest'],
    'azure-postgres': ['uksouth', 'ukwest'],
    supabase: ['eu-west-2'],
    neon: ['aws-eu-west-2'],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  US: {
    aws: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'us-gov-east-1', 'us-gov-west-1'],
    gcp: ['us-central1', 'us-east1', 'us-east4', 'us-east5', 'us-south1', 'us-west1', 'us-west2', 'us-west3', 'us-west4'],
    'azure-sql': AZURE_US,
    'azure-postgres': AZURE_US,
    supabase: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
    neon: ['aws-us-east-1', 'aws-us-east-2', 'aws-us-west-2', 'azure-eastus2', 'azure-westus3'],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  AU: {
    aws: ['ap-southeast-2', 'ap-southeast-4'],
    gcp: ['australia-southeast1', 'australia-southeast2'],
    'azure-sql': ['australiaeast', 'australiasoutheast', 'australiacentral', 'australiacentral2'],
    'azure-postgres': ['australiaeast', 'australiasoutheast', 'australiacentral', 'australiacentral2'],
    supabase: ['ap-southeast-2'],
    neon: ['aws-ap-southeast-2'],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  JP: {
    aws: ['ap-northeast-1', 'ap-northeast-3'],
    gcp: ['asia-northeast1', 'asia-northeast2'],
    'azure-sql': ['japaneast', 'japanwest'],
    'azure-postgres': ['japaneast', 'japanwest'],
    supabase: ['ap-northeast-1'],
    neon: [],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  IN: {
    aws: ['ap-south-1', 'ap-south-2'],
    gcp: ['asia-south1', 'asia-south2'],
    'azure-sql': ['centralindia', 'southindia', 'westindia'],
    'azure-postgres': ['centralindia', 'southindia', 'westindia'],
    supabase: ['ap-south-1'],
    neon: [],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  CA: {
    aws: ['ca-central-1', 'ca-west-1'],
    gcp: ['northamerica-northeast1', 'northamerica-northeast2'],
    'azure-sql': ['canadacentral', 'canadaeast'],
    'azure-postgres': ['canadacentral', 'canadaeast'],
    supabase: ['ca-central-1'],
    neon: [],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  KR: {
    aws: ['ap-northeast-2'],
    gcp: ['asia-northeast3'],
    'azure-sql': ['koreacentral', 'koreasouth'],
    'azure-postgres': ['koreacentral', 'koreasouth'],
    supabase: ['ap-northeast-2'],
    neon: [],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  BR: {
    aws: ['sa-east-1'],
    gcp: ['southamerica-east1'],
    'azure-sql': ['brazilsouth', 'brazilsoutheast'],
    'azure-postgres': ['brazilsouth', 'brazilsoutheast'],
    supabase: ['sa-east-1'],
    neon: ['aws-sa-east-1'],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  CH: {
    aws: ['eu-central-2'],
    gcp: ['europe-west6'],
    'azure-sql': ['switzerlandnorth', 'switzerlandwest'],
    'azure-postgres': ['switzerlandnorth', 'switzerlandwest'],
    supabase: ['eu-central-2'],
    neon: [],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  HK: {
    aws: ['ap-east-1'],
    gcp: ['asia-east2'],
    'azure-sql': ['eastasia'],
    'azure-postgres': ['eastasia'],
    supabase: ['ap-east-1'],
    neon: [],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
  ID: {
    aws: ['ap-southeast-3'],
    gcp: ['asia-southeast2'],
    'azure-sql': ['indonesiacentral'],
    'azure-postgres': ['indonesiacentral'],
    supabase: [],
    neon: [],
    'local-sqlite': ['local'],
    'local-postgres': ['local'],
  },
};

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

const AZURE_PROVIDERS: ReadonlySet<ProviderName> = new Set(['azure-sql', 'azure-postgres']);

/** Region names as the table spells them: lowercase; Azure display names (`West Europe`) lose their spaces. */
export function normalizeRegion(provider: ProviderName, region: string): string {
  const lower = region.trim().toLowerCase();
  return AZURE_PROVIDERS.has(provider) ? lower.replace(/\s+/g, '') : lower;
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
