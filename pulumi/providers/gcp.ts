import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { SizeTier, TenantSpec } from '@byos/runtime';
import { ProviderCapabilityError } from './errors.ts';
import { logicalName, tenantNames } from './naming.ts';
import { hasPublicEndpoint, splitByFamily } from './network.ts';
import type { ConnectionParts, ProviderContext, ProviderModule, ProviderResult } from './types.ts';

/**
 * Google Cloud SQL for PostgreSQL: encrypted connections only (`sslMode: ENCRYPTED_ONLY`; gcp 9 has no `requireSsl`),
 * a private IP on a VPC with private services access and a public IP only for an allow-list, CMEK with a Cloud KMS
 * key in the same region when asked, daily backups kept in the instance's own region (without `location` they would
 * land in a multi-region spanning countries), point-in-time recovery, deletion protection and connection/audit logging.
 */

export interface GcpSize {
  /** Machine tier (`db-custom-<vCPU>-<MiB>`), Enterprise edition. */
  tier: string;
  diskGb: number;
  /** REGIONAL keeps a standby in a second zone. */
  availabilityType: 'ZONAL' | 'REGIONAL';
}

export const GCP_SIZES: Readonly<Record<SizeTier, GcpSize>> = {
  small: { tier: 'db-custom-2-7680', diskGb: 20, availabilityType: 'ZONAL' },
  medium: { tier: 'db-custom-4-15360', diskGb: 100, availabilityType: 'REGIONAL' },
  large: { tier: 'db-custom-8-30720', diskGb: 500, availabilityType: 'REGIONAL' },
};

/** Cloud SQL keeps 1..365 automated backups; write-ahead logs for PITR 1..7 days (Enterprise edition). */
export const GCP_MAX_BACKUPS = 365;
export const GCP_MAX_LOG_DAYS = 7;

/** Flags for the audit trail (pgAudit, connections) and lock/checkpoint diagnostics. */
export const GCP_DATABASE_FLAGS: readonly { name: string; value: string }[] = [
  { name: 'log_connections', value: 'on' },
  { name: 'log_disconnections', value: 'on' },
  { name: 'log_checkpoints', value: 'on' },
  { name: 'log_lock_waits', value: 'on' },
  { name: 'cloudsql.enable_pgaudit', value: 'on' },
  { name: 'pgaudit.log', value: 'ddl,role' },
];

/** CMEK rotation every 90 days. */
export const GCP_KEY_ROTATION = '7776000s';

export interface GcpBackupPlan {
  enabled: boolean;
  /** Daily backups kept (one a day, so the retention in days). */
  retainedBackups: number;
  /** Days of write-ahead log kept for point-in-time recovery. */
  logDays: number;
}

/** Maps the spec's backup section onto Cloud SQL (retention 0 turns backups off, so the policy pack can judge it). */
export function gcpBackupPlan(spec: TenantSpec): GcpBackupPlan {
  const days = spec.backup.retentionDays;
  if (days > GCP_MAX_BACKUPS) {
    throw new ProviderCapabilityError(
      spec.tenant,
      'gcp',
      'backup.retentionDays',
      `Cloud SQL keeps at most ${GCP_MAX_BACKUPS} automated backups, the spec asks ${days} days`,
    );
  }
  return { enabled: days > 0, retainedBackups: Math.max(days, 1), logDays: Math.min(GCP_MAX_LOG_DAYS, Math.max(days, 1)) };
}

function createDatabase({ spec, settings, parent, tags }: ProviderContext<'gcp'>): ProviderResult {
  const names = tenantNames(spec.tenant);
  const size = GCP_SIZES[spec.size];
  const region = spec.region;
  const project = settings.gcpProject;
  const child = { parent };
  const backups = gcpBackupPlan(spec);
  const publicEndpoint = hasPublicEndpoint(spec.network);
  const { v4, v6 } = splitByFamily(spec.network.allowedCidrs);
  if (publicEndpoint && v6.length) {
    const index = spec.network.allowedCidrs.indexOf(v6[0]!);
    throw new ProviderCapabilityError(spec.tenant, 'gcp', `network.allowedCidrs.${index}`, `Cloud SQL authorised networks are IPv4 only, got ${v6[0]}`);
  }

  // Private IP needs a VPC peered with Google's service producer network.
  const dependsOn: pulumi.Resource[] = [];
  let network: pulumi.Input<string>;
  if (settings.gcpNetwork) {
    network = settings.gcpNetwork;
  } else {
    const vpc = new gcp.compute.Network(
      logicalName(spec.tenant, 'vpc'),
      { name: names.cloudSqlInstance, autoCreateSubnetworks: false, project, description: `BYOS tenant ${spec.tenant}` },
      child,
    );
    const range = new gcp.compute.GlobalAddress(
      logicalName(spec.tenant, 'sql-range'),
      { name: `${names.cloudSqlInstance}-sql`, purpose: 'VPC_PEERING', addressType: 'INTERNAL', prefixLength: 16, network: vpc.id, project, labels: tags },
      child,
    );
    const peering = new gcp.servicenetworking.Connection(
      logicalName(spec.tenant, 'sql-peering'),
      { network: vpc.id, service: 'servicenetworking.googleapis.com', reservedPeeringRanges: [range.name] },
      child,
    );
    network = vpc.id;
    dependsOn.push(peering);
  }

  let encryptionKeyName: pulumi.Output<string> | undefined;
  if (spec.encryption.customerManagedKey) {
    const ring = new gcp.kms.KeyRing(logicalName(spec.tenant, 'keyring'), { name: names.gcpKeyRing, location: region, project }, child);
    const key = new gcp.kms.CryptoKey(
      logicalName(spec.tenant, 'key'),
      {
        name: `${names.gcpKeyRing}-sql`,
        keyRing: ring.id,
        purpose: 'ENCRYPT_DECRYPT',
        rotationPeriod: GCP_KEY_ROTATION,
        versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'HSM' },
        labels: tags,
      },
      { ...child, protect: spec.deletionProtection },
    );
    // Cloud SQL encrypts through its per-project service agent, which must exist and hold the key role first.
    const agent = new gcp.projects.ServiceIdentity(logicalName(spec.tenant, 'sql-agent'), { service: 'sqladmin.googleapis.com', project }, child);
    const grant = new gcp.kms.CryptoKeyIAMMember(
      logicalName(spec.tenant, 'key-grant'),
      { cryptoKeyId: key.id, role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: pulumi.interpolate`serviceAccount:${agent.email}` },
      child,
    );
    encryptionKeyName = key.id;
    dependsOn.push(grant);
  }

  const password = new random.RandomPassword(
    logicalName(spec.tenant, 'admin-password'),
    { length: 32, special: true, overrideSpecial: '!#%*()-_=+[]{}:?', minLower: 2, minUpper: 2, minNumeric: 2 },
    child,
  );
  // Secret explicitly: outside the engine (mocks, tests) nothing else marks the generated value secret.
  const secretPassword = pulumi.secret(password.result);

  const instance = new gcp.sql.DatabaseInstance(
    logicalName(spec.tenant, 'db'),
    {
      name: names.cloudSqlInstance,
      project,
      region,
      databaseVersion: 'POSTGRES_16',
      deletionProtection: spec.deletionProtection,
      encryptionKeyName,
      settings: {
        tier: size.tier,
        edition: 'ENTERPRISE',
        availabilityType: size.availabilityType,
        diskType: 'PD_SSD',
        diskSize: size.diskGb,
        diskAutoresize: true,
        deletionProtectionEnabled: spec.deletionProtection,
        userLabels: tags,
        backupConfiguration: {
          enabled: backups.enabled,
          pointInTimeRecoveryEnabled: backups.enabled && spec.backup.pointInTimeRecovery,
          location: region,
          startTime: '17:00',
          transactionLogRetentionDays: backups.logDays,
          backupRetentionSettings: { retainedBackups: backups.retainedBackups, retentionUnit: 'COUNT' },
        },
        ipConfiguration: {
          ipv4Enabled: publicEndpoint,
          privateNetwork: network,
          sslMode: 'ENCRYPTED_ONLY',
          authorizedNetworks: publicEndpoint ? v4.map((cidr, index) => ({ name: `byos-allow-${index}`, value: cidr })) : [],
        },
        databaseFlags: [...GCP_DATABASE_FLAGS],
        insightsConfig: { queryInsightsEnabled: true, recordClientAddress: false, recordApplicationTags: false },
      },
    },
    { ...child, dependsOn },
  );

  new gcp.sql.Database(logicalName(spec.tenant, 'database'), { name: names.database, instance: instance.name, project }, child);
  new gcp.sql.User(
    logicalName(spec.tenant, 'admin'),
    { name: names.adminUser, instance: instance.name, password: secretPassword, project },
    { ...child, additionalSecretOutputs: ['password'] },
  );

  const connection: pulumi.Output<ConnectionParts> = pulumi
    .all([publicEndpoint ? instance.publicIpAddress : instance.privateIpAddress, instance.serverCaCerts])
    .apply(([host, certs]) => ({
      host,
      port: 5432,
      database: names.database,
      user: names.adminUser,
      // Cloud SQL's certificate names the instance, not its IP: verify the chain against the instance CA.
      tls: { mode: 'verify-ca' as const, minVersion: 'TLSv1.2' as const, ...(certs?.[0]?.cert ? { ca: certs[0].cert } : {}) },
    }));
  return { connection, password: secretPassword, database: instance };
}

export const gcpProvider: ProviderModule<'gcp'> = { provider: 'gcp', createDatabase };
