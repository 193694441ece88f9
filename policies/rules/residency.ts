import type { ProviderName } from '@byos/runtime';
import { allowedRegions, azureGeoCopyAllowed, azurePairedRegion, gcpBackupLocationAllowed, isRegionAllowed } from '@byos/pulumi';
import { defineRule, UNKNOWN, type CheckContext } from '../rule.ts';

/**
 * The data and every copy of it (backups included) stay in the tenant's jurisdiction.
 *
 * - PDPA s26 (transfer limitation): personal data leaves Singapore only with comparable protection; pinning it to
 *   Singapore regions is how a SG tenant meets it.
 * - GDPR Art. 44–46 (transfers to third countries): EU data stays in the EU/EEA unless a transfer mechanism applies.
 * - SOC 2 CC6.1 / C1.1: data kept where the commitments to the customer say.
 * - HIPAA has no locality rule; residency is the tenant's contractual commitment, so HIPAA is not claimed.
 * Copies: Cloud SQL backups go to a multi-region unless backupConfiguration.location is set; Azure SQL
 * requestedBackupStorageRedundancy Geo (also the default) and Flexible Server geoRedundantBackup copy to the paired
 * region, allowed only when that region is in the jurisdiction (providers/residency.ts).
 */
function primary(regionOf: (props: Record<string, any>) => unknown) {
  return ({ props, tenant }: CheckContext): string | undefined => {
    const region = regionOf(props);
    if (!tenant.residency || !tenant.provider || typeof region !== 'string') return undefined;
    const provider = tenant.provider as ProviderName;
    if (isRegionAllowed(provider, tenant.residency, region)) return undefined;
    const allowed = allowedRegions(provider, tenant.residency);
    return `region ${region} is outside the tenant's residency ${tenant.residency} (${allowed.length ? `allowed: ${allowed.join(', ')}` : `${provider} has no region there`})`;
  };
}

const awsRegion = primary((p) => p.region);
const azureLocation = primary((p) => p.location);

function azureGeoCopy(region: unknown, residency: CheckContext['tenant']['residency'], what: string): string | undefined {
  if (typeof region !== 'string' || azureGeoCopyAllowed(region, residency)) return undefined;
  const pair = azurePairedRegion(region);
  return pair
    ? `${what} copies backups to the paired region ${pair}, outside the tenant's residency ${residency}`
    : `${what} asks for geo-redundant backups, but ${region} has no paired region`;
}

export const residency = defineRule({
  name: 'residency',
  description: "The database, its keys and its backup copies stay in the tenant's jurisdiction.",
  enforcementLevel: 'mandatory',
  severity: 'critical',
  frameworks: ['pdpa', 'gdpr', 'soc2'],
  controls: ['PDPA s26', 'GDPR Art. 44', 'GDPR Art. 45', 'GDPR Art. 46', 'SOC2 CC6.1', 'SOC2 C1.1'],
  remediationSteps:
    "Pick one of the allowed regions the finding names (each provider's descriptor in runtime/src/providers/descriptors/ lists them per jurisdiction); keep Cloud SQL backups in that region; disable geo-redundant backups where the paired region lies outside the jurisdiction.",
  checks: {
    'aws:rds/instance:Instance': awsRegion,
    'aws:rds/cluster:Cluster': awsRegion,
    'aws:kms/key:Key': awsRegion,
    'azure-native:resources:ResourceGroup': azureLocation,
    'azure-native:keyvault:Vault': azureLocation,
    'azure-native:sql:Server': azureLocation,
    // Audit records hold logins, client addresses and statements: personal data, kept where the data is.
    'azure-native:operationalinsights:Workspace': azureLocation,
    'azure-native:dbforpostgresql:Server': (context) => {
      const { props, tenant } = context;
      const geo = props.backup?.geoRedundantBackup === 'Enabled' ? azureGeoCopy(props.location, tenant.residency, 'geoRedundantBackup Enabled') : undefined;
      return [azureLocation(context), geo].filter((m): m is string => Boolean(m));
    },
    'azure-native:sql:Database': (context) => {
      const { props, tenant } = context;
      // Azure SQL's default backup storage redundancy is Geo.
      const redundancy = props.requestedBackupStorageRedundancy ?? 'Geo';
      const geo =
        redundancy === 'Geo' || redundancy === 'GeoZone'
          ? azureGeoCopy(props.location, tenant.residency, `requestedBackupStorageRedundancy ${redundancy}`)
          : undefined;
      return [azureLocation(context), geo].filter((m): m is string => Boolean(m));
    },
    'gcp:sql/databaseInstance:DatabaseInstance': (context) => {
      const { props, tenant } = context;
      const out = [primary((p) => p.region)(context)];
      const backups = props.settings?.backupConfiguration;
      const location = typeof backups?.location === 'string' ? backups.location : undefined;
      if (tenant.residency && backups?.enabled !== false && backups?.location !== UNKNOWN && !gcpBackupLocationAllowed(location, tenant.residency)) {
        out.push(
          backups?.location
            ? `backups are stored in ${backups.location}, outside the tenant's residency ${tenant.residency}`
            : `settings.backupConfiguration.location is unset, so backups go to a multi-region outside ${tenant.residency}'s control`,
        );
      }
      return out.filter((m): m is string => Boolean(m));
    },
    'gcp:kms/keyRing:KeyRing': primary((p) => p.location),
    'gcp:kms/cryptoKey:CryptoKey': primary((p) => /\/locations\/([^/]+)\//.exec(String(p.keyRing ?? ''))?.[1]),
    'pulumi-nodejs:dynamic/supabase:Project': primary((p) => p.region),
    'pulumi-nodejs:dynamic/neon:Project': primary((p) => p.regionId),
  },
});
