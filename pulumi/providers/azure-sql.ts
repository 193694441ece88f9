import * as monitor from '@pulumi/azure-native/monitor/index.js';
import * as sql from '@pulumi/azure-native/sql/index.js';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { SizeTier, TenantSpec } from '@byos/runtime';
import { createAuditWorkspace, createAzureBase, createAzureCustomerKey } from './azure-common.ts';
import { logicalName, tenantNames } from './naming.ts';
import { cidrRange, hasPublicEndpoint, splitByFamily } from './network.ts';
import { azureGeoCopyAllowed } from './residency.ts';
import type { ConnectionParts, ProviderContext, ProviderModule, ProviderResult } from './types.ts';

/**
 * Azure SQL Database: a logical server (TLS 1.2 minimum, Entra administrator, public endpoint only for an allow-list),
 * one vCore database with short-term backups and long-term retention when the spec keeps backups beyond 35 days,
 * transparent data encryption (with a Key Vault key when the spec asks for a customer-managed key), and server
 * auditing to a Log Analytics workspace in the same region.
 */

export interface AzureSqlSize {
  /** vCore SKU name, tier and core count (Microsoft Learn, "vCore purchase model"). */
  sku: { name: string; tier: string; family: string; capacity: number };
  /** Replicas across Availability Zones. */
  zoneRedundant: boolean;
}

export const AZURE_SQL_SIZES: Readonly<Record<SizeTier, AzureSqlSize>> = {
  small: { sku: { name: 'GP_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 2 }, zoneRedundant: false },
  medium: { sku: { name: 'GP_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 4 }, zoneRedundant: true },
  large: { sku: { name: 'BC_Gen5', tier: 'BusinessCritical', family: 'Gen5', capacity: 8 }, zoneRedundant: true },
};

/** Point-in-time restore backups are kept 1..35 days; longer retention is long-term retention (LTR). */
export const AZURE_SQL_MAX_SHORT_TERM_DAYS = 35;

export interface AzureSqlRetention {
  /** Short-term (PITR) retention, 1..35 days. */
  shortTermDays: number;
  /** LTR weekly backups kept for this ISO 8601 duration (`P13W`), when the spec keeps backups beyond 35 days. */
  weeklyRetention?: string;
}

/** Maps the spec's retention onto Azure SQL: short-term up to 35 days (at least 1), LTR weeks beyond that. */
export function azureSqlRetention(spec: TenantSpec): AzureSqlRetention {
  const days = spec.backup.retentionDays;
  const shortTermDays = Math.min(Math.max(days, 1), AZURE_SQL_MAX_SHORT_TERM_DAYS);
  return days > AZURE_SQL_MAX_SHORT_TERM_DAYS ? { shortTermDays, weeklyRetention: `P${Math.ceil(days / 7)}W` } : { shortTermDays };
}

/**
 * Backup storage redundancy: `Geo` copies backups to the paired region, so only when the pair lies in the tenant's
 * jurisdiction (providers/residency.ts); otherwise `Zone` (three copies across the region's zones).
 */
export function azureSqlBackupRedundancy(spec: TenantSpec): 'Geo' | 'Zone' {
  return azureGeoCopyAllowed(spec.region, spec.residency) ? 'Geo' : 'Zone';
}

/** Audit groups recorded for every tenant: logins (both outcomes) and completed statements. */
export const AZURE_SQL_AUDIT_GROUPS = ['SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP', 'FAILED_DATABASE_AUTHENTICATION_GROUP', 'BATCH_COMPLETED_GROUP'];

/** Azure SQL spells a service principal `Application`. */
const SQL_PRINCIPAL_TYPES = { User: 'User', Group: 'Group', ServicePrincipal: 'Application' } as const;

function createDatabase(context: ProviderContext<'azure-sql'>): ProviderResult {
  const { spec, parent, tags } = context;
  const names = tenantNames(spec.tenant);
  const size = AZURE_SQL_SIZES[spec.size];
  const child = { parent };
  const base = createAzureBase(context);
  const rg = base.resourceGroup.name;
  const cmk = spec.encryption.customerManagedKey ? createAzureCustomerKey(context, base) : undefined;

  const password = new random.RandomPassword(
    logicalName(spec.tenant, 'admin-password'),
    { length: 32, special: true, overrideSpecial: '!#%*()-_=+[]{}:?', minLower: 2, minUpper: 2, minNumeric: 2, minSpecial: 2 },
    child,
  );
  // Secret explicitly: outside the engine (mocks, tests) nothing else marks the generated value secret.
  const secretPassword = pulumi.secret(password.result);
  const publicEndpoint = hasPublicEndpoint(spec.network);
  const { v4, v6 } = splitByFamily(spec.network.allowedCidrs);
  const server = new sql.Server(
    logicalName(spec.tenant, 'server'),
    {
      serverName: names.azureServer,
      resourceGroupName: rg,
      location: base.location,
      version: '12.0',
      minimalTlsVersion: '1.2',
      publicNetworkAccess: publicEndpoint ? 'Enabled' : 'Disabled',
      isIPv6Enabled: publicEndpoint && v6.length ? 'Enabled' : undefined,
      administratorLogin: names.adminUser,
      administratorLoginPassword: secretPassword,
      administrators: {
        administratorType: 'ActiveDirectory',
        login: base.admin.login,
        sid: base.admin.objectId,
        tenantId: base.tenantId,
        principalType: SQL_PRINCIPAL_TYPES[base.admin.principalType],
        // SQL authentication stays on for the application login the ConnectionProfile carries.
        azureADOnlyAuthentication: false,
      },
      identity: cmk ? { type: 'UserAssigned', userAssignedIdentities: [cmk.identity.id] } : { type: 'SystemAssigned' },
      primaryUserAssignedIdentityId: cmk?.identity.id,
      keyId: cmk?.key.keyUriWithVersion,
      tags,
    },
    { ...child, additionalSecretOutputs: ['administratorLoginPassword'], dependsOn: cmk ? [cmk.vault] : [] },
  );

  // Firewall rules only mean something on the public endpoint; Azure refuses them while it is disabled.
  if (publicEndpoint) {
    v4.forEach((cidr, index) => {
      const range = cidrRange(cidr);
      new sql.FirewallRule(
        logicalName(spec.tenant, `allow-${index}`),
        { firewallRuleName: `byos-allow-${index}`, serverName: server.name, resourceGroupName: rg, startIpAddress: range.start, endIpAddress: range.end },
        child,
      );
    });
    v6.forEach((cidr, index) => {
      const range = cidrRange(cidr);
      new sql.IPv6FirewallRule(
        logicalName(spec.tenant, `allow-v6-${index}`),
        {
          firewallRuleName: `byos-allow-v6-${index}`,
          serverName: server.name,
          resourceGroupName: rg,
          startIPv6Address: range.start,
          endIPv6Address: range.end,
        },
        child,
      );
    });
  }

  const database = new sql.Database(
    logicalName(spec.tenant, 'db'),
    {
      databaseName: names.database,
      serverName: server.name,
      resourceGroupName: rg,
      location: base.location,
      sku: size.sku,
      zoneRedundant: size.zoneRedundant,
      requestedBackupStorageRedundancy: azureSqlBackupRedundancy(spec),
      tags,
    },
    child,
  );

  const retention = azureSqlRetention(spec);
  new sql.BackupShortTermRetentionPolicy(
    logicalName(spec.tenant, 'short-term-retention'),
    {
      policyName: 'default',
      serverName: server.name,
      databaseName: database.name,
      resourceGroupName: rg,
      retentionDays: retention.shortTermDays,
      diffBackupIntervalInHours: 12,
    },
    child,
  );
  if (retention.weeklyRetention) {
    new sql.BackupLongTermRetentionPolicy(
      logicalName(spec.tenant, 'long-term-retention'),
      { policyName: 'default', serverName: server.name, databaseName: database.name, resourceGroupName: rg, weeklyRetention: retention.weeklyRetention },
      child,
    );
  }

  new sql.TransparentDataEncryption(
    logicalName(spec.tenant, 'tde'),
    { tdeName: 'current', serverName: server.name, databaseName: database.name, resourceGroupName: rg, state: 'Enabled' },
    child,
  );
  if (cmk) {
    // Server key names are `<vault>_<key>_<version>`; the version is known once Key Vault created the key.
    const serverKeyName = cmk.key.keyUriWithVersion.apply((uri) => `${cmk.vaultName}_${cmk.keyName}_${uri.split('/').pop()}`);
    const serverKey = new sql.ServerKey(
      logicalName(spec.tenant, 'server-key'),
      { keyName: serverKeyName, serverName: server.name, resourceGroupName: rg, serverKeyType: 'AzureKeyVault', uri: cmk.key.keyUriWithVersion },
      child,
    );
    new sql.EncryptionProtector(
      logicalName(spec.tenant, 'encryption-protector'),
      {
        encryptionProtectorName: 'current',
        serverName: server.name,
        resourceGroupName: rg,
        serverKeyType: 'AzureKeyVault',
        serverKeyName: serverKey.name,
        autoRotationEnabled: true,
      },
      child,
    );
  }

  const workspace = createAuditWorkspace(context, base);
  new sql.ServerBlobAuditingPolicy(
    logicalName(spec.tenant, 'auditing'),
    {
      blobAuditingPolicyName: 'default',
      serverName: server.name,
      resourceGroupName: rg,
      state: 'Enabled',
      isAzureMonitorTargetEnabled: true,
      auditActionsAndGroups: AZURE_SQL_AUDIT_GROUPS,
    },
    child,
  );
  // Server audit events reach Azure Monitor through the master database's diagnostic setting.
  new monitor.DiagnosticSetting(
    logicalName(spec.tenant, 'audit-diagnostics'),
    {
      name: 'byos-audit',
      resourceUri: pulumi.interpolate`${server.id}/databases/master`,
      workspaceId: workspace.id,
      logs: [{ category: 'SQLSecurityAuditEvents', enabled: true }],
    },
    child,
  );

  const connection: pulumi.Output<ConnectionParts> = server.fullyQualifiedDomainName.apply((host) => ({
    host,
    port: 1433,
    database: names.database,
    user: names.adminUser,
    tls: { mode: 'verify-full' as const, minVersion: 'TLSv1.2' as const },
  }));
  return { connection, password: secretPassword, database };
}

export const azureSqlProvider: ProviderModule<'azure-sql'> = { provider: 'azure-sql', createDatabase };
