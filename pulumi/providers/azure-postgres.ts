import * as dbforpostgresql from '@pulumi/azure-native/dbforpostgresql/index.js';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { SizeTier, TenantSpec } from '@byos/runtime';
import { createAzureBase, createAzureCustomerKey } from './azure-common.ts';
import { ProviderCapabilityError } from './errors.ts';
import { logicalName, tenantNames } from './naming.ts';
import { cidrRange, hasPublicEndpoint, splitByFamily } from './network.ts';
import { azureGeoCopyAllowed } from './residency.ts';
import type { ConnectionParts, ProviderContext, ProviderModule, ProviderResult } from './types.ts';

/**
 * Azure Database for PostgreSQL Flexible Server: TLS-only (`require_secure_transport`, TLS 1.2 minimum), Entra
 * and password authentication, backups kept as the spec asks (7..35 days) and geo-redundant only where the paired
 * region shares the jurisdiction, data encrypted with a Key Vault key when asked, pgAudit and connection logging.
 */

export interface AzurePostgresSize {
  sku: { name: string; tier: 'GeneralPurpose' | 'MemoryOptimized' };
  storageGb: number;
  /** Zone-redundant standby. */
  highAvailability: boolean;
}

export const AZURE_POSTGRES_SIZES: Readonly<Record<SizeTier, AzurePostgresSize>> = {
  small: { sku: { name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' }, storageGb: 32, highAvailability: false },
  medium: { sku: { name: 'Standard_D4ds_v5', tier: 'GeneralPurpose' }, storageGb: 128, highAvailability: true },
  large: { sku: { name: 'Standard_E8ds_v5', tier: 'MemoryOptimized' }, storageGb: 512, highAvailability: true },
};

/** Flexible Server keeps backups 7..35 days. */
export const AZURE_POSTGRES_BACKUP_DAYS = { min: 7, max: 35 } as const;

/**
 * Server parameters, applied one after another (Azure rejects concurrent parameter updates on one server).
 * pgAudit must be allow-listed (`azure.extensions`) and preloaded before `pgaudit.log` takes effect.
 */
export const AZURE_POSTGRES_PARAMETERS: readonly { name: string; value: string }[] = [
  { name: 'require_secure_transport', value: 'on' },
  { name: 'ssl_min_protocol_version', value: 'TLSv1.2' },
  { name: 'log_connections', value: 'on' },
  { name: 'log_disconnections', value: 'on' },
  { name: 'azure.extensions', value: 'PGAUDIT' },
  { name: 'shared_preload_libraries', value: 'pg_stat_statements,pgaudit' },
  { name: 'pgaudit.log', value: 'ddl,role' },
];

/** Backup retention for Flexible Server: at least 7 days; beyond 35 the service cannot keep them. */
export function azurePostgresRetention(spec: TenantSpec): number {
  const days = spec.backup.retentionDays;
  if (days > AZURE_POSTGRES_BACKUP_DAYS.max) {
    throw new ProviderCapabilityError(
      spec.tenant,
      'azure-postgres',
      'backup.retentionDays',
      `Flexible Server keeps backups at most ${AZURE_POSTGRES_BACKUP_DAYS.max} days, the spec asks ${days}`,
    );
  }
  return Math.max(days, AZURE_POSTGRES_BACKUP_DAYS.min);
}

/**
 * Geo-redundant backups copy to the paired region, so only where residency allows (providers/residency.ts). With a
 * customer-managed key Azure also needs a key vault in the paired region for the geo copy; this module does not
 * build one, so CMK tenants keep zone-local backups.
 */
export function azurePostgresGeoBackup(spec: TenantSpec): 'Enabled' | 'Disabled' {
  return azureGeoCopyAllowed(spec.region, spec.residency) && !spec.encryption.customerManagedKey ? 'Enabled' : 'Disabled';
}

const ENTRA_PRINCIPAL_TYPES = { User: 'user', Group: 'group', ServicePrincipal: 'servicePrincipal' } as const;

function createDatabase(context: ProviderContext<'azure-postgres'>): ProviderResult {
  const { spec, parent, tags } = context;
  const names = tenantNames(spec.tenant);
  const size = AZURE_POSTGRES_SIZES[spec.size];
  const child = { parent };
  const retentionDays = azurePostgresRetention(spec);
  const publicEndpoint = hasPublicEndpoint(spec.network);
  const { v4, v6 } = splitByFamily(spec.network.allowedCidrs);
  if (publicEndpoint && v6.length) {
    const index = spec.network.allowedCidrs.indexOf(v6[0]!);
    throw new ProviderCapabilityError(
      spec.tenant,
      'azure-postgres',
      `network.allowedCidrs.${index}`,
      `Flexible Server firewall rules are IPv4 only, got ${v6[0]}`,
    );
  }

  const base = createAzureBase(context);
  const rg = base.resourceGroup.name;
  const cmk = spec.encryption.customerManagedKey ? createAzureCustomerKey(context, base) : undefined;
  const password = new random.RandomPassword(
    logicalName(spec.tenant, 'admin-password'),
    { length: 32, special: true, overrideSpecial: '!#%*()-_=+[]{}:?', minLower: 2, minUpper: 2, minNumeric: 2 },
    child,
  );
  // Secret explicitly: outside the engine (mocks, tests) nothing else marks the generated value secret.
  const secretPassword = pulumi.secret(password.result);

  const server = new dbforpostgresql.Server(
    logicalName(spec.tenant, 'server'),
    {
      serverName: names.azureServer,
      resourceGroupName: rg,
      location: base.location,
      version: '16',
      sku: size.sku,
      storage: { storageSizeGB: size.storageGb, autoGrow: 'Enabled' },
      highAvailability: { mode: size.highAvailability ? 'ZoneRedundant' : 'Disabled' },
      backup: { backupRetentionDays: retentionDays, geoRedundantBackup: azurePostgresGeoBackup(spec) },
      network: { publicNetworkAccess: publicEndpoint ? 'Enabled' : 'Disabled' },
      authConfig: { activeDirectoryAuth: 'Enabled', passwordAuth: 'Enabled', tenantId: base.tenantId },
      administratorLogin: names.adminUser,
      administratorLoginPassword: secretPassword,
      identity: cmk ? { type: 'UserAssigned', userAssignedIdentities: cmk.identity.id.apply((id) => ({ [id]: {} })) } : undefined,
      dataEncryption: cmk
        ? { type: 'AzureKeyVault', primaryKeyURI: cmk.key.keyUriWithVersion, primaryUserAssignedIdentityId: cmk.identity.id }
        : { type: 'SystemAssigned' },
      tags,
    },
    { ...child, additionalSecretOutputs: ['administratorLoginPassword'], dependsOn: cmk ? [cmk.vault] : [] },
  );

  let previous: pulumi.Resource = server;
  for (const parameter of AZURE_POSTGRES_PARAMETERS) {
    previous = new dbforpostgresql.Configuration(
      logicalName(spec.tenant, `param-${parameter.name.replace(/[^a-z0-9]+/g, '-')}`),
      { configurationName: parameter.name, value: parameter.value, source: 'user-override', serverName: server.name, resourceGroupName: rg },
      { ...child, dependsOn: [previous] },
    );
  }

  new dbforpostgresql.AdministratorsMicrosoftEntra(
    logicalName(spec.tenant, 'entra-admin'),
    {
      objectId: base.admin.objectId,
      principalName: base.admin.login,
      principalType: ENTRA_PRINCIPAL_TYPES[base.admin.principalType],
      tenantId: base.tenantId,
      serverName: server.name,
      resourceGroupName: rg,
    },
    { ...child, dependsOn: [previous] },
  );

  if (publicEndpoint) {
    v4.forEach((cidr, index) => {
      const range = cidrRange(cidr);
      new dbforpostgresql.FirewallRule(
        logicalName(spec.tenant, `allow-${index}`),
        { firewallRuleName: `byos-allow-${index}`, serverName: server.name, resourceGroupName: rg, startIpAddress: range.start, endIpAddress: range.end },
        child,
      );
    });
  }

  new dbforpostgresql.Database(
    logicalName(spec.tenant, 'db'),
    { databaseName: names.database, serverName: server.name, resourceGroupName: rg, charset: 'UTF8', collation: 'en_US.utf8' },
    { ...child, dependsOn: [previous] },
  );

  const connection: pulumi.Output<ConnectionParts> = server.fullyQualifiedDomainName.apply((host) => ({
    host,
    port: 5432,
    database: names.database,
    user: names.adminUser,
    tls: { mode: 'verify-full' as const, minVersion: 'TLSv1.2' as const },
  }));
  return { connection, password: secretPassword, database: server };
}

export const azurePostgresProvider: ProviderModule<'azure-postgres'> = { provider: 'azure-postgres', createDatabase };
