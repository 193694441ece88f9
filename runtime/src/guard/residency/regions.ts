import type { Jurisdiction, ProviderName } from '../../contracts/tenant-spec.ts';
import { JURISDICTIONS } from '../../contracts/tenant-spec.ts';

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
