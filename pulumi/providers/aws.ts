import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { SizeTier, TenantSpec } from '@byos/runtime';
import { ProviderCapabilityError } from './errors.ts';
import { logicalName, tenantNames } from './naming.ts';
import { hasPublicEndpoint, splitByFamily } from './network.ts';
import type { ConnectionParts, ProviderContext, ProviderModule, ProviderResult } from './types.ts';

/**
 * AWS: RDS for PostgreSQL (small, medium) or an Aurora PostgreSQL cluster (large), encrypted at rest, TLS-only,
 * private, with IAM authentication, automated backups, Performance Insights and log exports. Every resource sets
 * `region` explicitly (aws v7), so the stack's `aws:region` cannot move a tenant out of its spec's region.
 */

export interface AwsSize {
  /** RDS / Aurora instance class. Performance Insights needs db.t4g.medium or larger. */
  instanceClass: string;
  /** Aurora cluster (two instances in different AZs) instead of a single RDS instance. */
  aurora: boolean;
  /** RDS: initial gp3 storage in GiB; ignored by Aurora (storage grows by itself). */
  storageGb: number;
  /** RDS: storage autoscaling ceiling in GiB. */
  maxStorageGb: number;
  /** RDS: a synchronous standby in a second Availability Zone. */
  multiAz: boolean;
}

export const AWS_SIZES: Readonly<Record<SizeTier, AwsSize>> = {
  small: { instanceClass: 'db.t4g.medium', aurora: false, storageGb: 20, maxStorageGb: 200, multiAz: false },
  medium: { instanceClass: 'db.m7g.large', aurora: false, storageGb: 100, maxStorageGb: 1000, multiAz: true },
  large: { instanceClass: 'db.r7g.large', aurora: true, storageGb: 0, maxStorageGb: 0, multiAz: true },
};

/** PostgreSQL major version; parameter group families follow it. */
export const AWS_POSTGRES_MAJOR = '16';
/** Aurora needs a full engine version. */
export const AURORA_ENGINE_VERSION = '16.6';
/** RDS automated backups keep at most 35 days; Aurora keeps at least one. */
export const AWS_MAX_BACKUP_DAYS = 35;

/** Parameters every tenant's server gets: TLS only (TLS 1.2+), and connection logging for the audit trail. */
export const AWS_DB_PARAMETERS: readonly { name: string; value: string }[] = [
  { name: 'rds.force_ssl', value: '1' },
  { name: 'ssl_min_protocol_version', value: 'TLSv1.2' },
  { name: 'log_connections', value: '1' },
  { name: 'log_disconnections', value: '1' },
];

/** Backup retention in days for RDS (0 disables backups, kept as asked so the policy pack can judge it) or Aurora (1..35). */
export function awsBackupRetention(spec: TenantSpec, aurora: boolean): number {
  const days = spec.backup.retentionDays;
  if (days > AWS_MAX_BACKUP_DAYS) {
    throw new ProviderCapabilityError(
      spec.tenant,
      'aws',
      'backup.retentionDays',
      `RDS and Aurora keep automated backups at most ${AWS_MAX_BACKUP_DAYS} days, the spec asks ${days} (use AWS Backup for longer retention)`,
    );
  }
  return aurora ? Math.max(days, 1) : days;
}

/** RDS password characters: printable ASCII except `/`, `@`, `"` and space. */
const RDS_PASSWORD_SPECIALS = '!#$%^&*()-_=+[]{}<>:?';

function createDatabase({ spec, settings, parent, tags }: ProviderContext<'aws'>): ProviderResult {
  const names = tenantNames(spec.tenant);
  const size = AWS_SIZES[spec.size];
  const region = spec.region;
  const retention = awsBackupRetention(spec, size.aurora);
  const child = { parent };

  let key: aws.kms.Key | undefined;
  if (spec.encryption.customerManagedKey) {
    key = new aws.kms.Key(
      logicalName(spec.tenant, 'kms'),
      {
        description: `BYOS tenant ${spec.tenant}: database storage, snapshots and Performance Insights`,
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: 30,
        keyUsage: 'ENCRYPT_DECRYPT',
        customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        region,
        tags,
      },
      child,
    );
    new aws.kms.Alias(logicalName(spec.tenant, 'kms-alias'), { name: names.kmsAlias, targetKeyId: key.keyId, region }, child);
  }
  // Without a customer-managed key, RDS encrypts with the AWS-managed key aws/rds (rotated by AWS).
  const kmsKeyId = key?.arn;

  const vpc = settings.awsVpcId ? aws.ec2.getVpcOutput({ id: settings.awsVpcId, region }, child) : aws.ec2.getVpcOutput({ default: true, region }, child);
  const subnetIds = settings.awsSubnetIds?.length
    ? pulumi.output(settings.awsSubnetIds)
    : aws.ec2.getSubnetsOutput({ filters: [{ name: 'vpc-id', values: [vpc.id] }], region }, child).ids;

  const subnetGroup = new aws.rds.SubnetGroup(
    logicalName(spec.tenant, 'subnets'),
    { name: names.rdsGroup, description: `BYOS tenant ${spec.tenant}`, subnetIds, region, tags },
    child,
  );

  // Exactly the spec's CIDRs may reach the port; with none, only the VPC itself. Nothing is ever added on top.
  const { v4, v6 } = splitByFamily(spec.network.allowedCidrs);
  const ingressV4 = spec.network.allowedCidrs.length ? pulumi.output(v4) : vpc.cidrBlock.apply((cidr) => [cidr]);
  const securityGroup = new aws.ec2.SecurityGroup(
    logicalName(spec.tenant, 'db-sg'),
    {
      name: `${names.rdsGroup}-db`,
      description: `BYOS tenant ${spec.tenant}: PostgreSQL from allowed networks only`,
      vpcId: vpc.id,
      ingress: [
        {
          description: 'PostgreSQL from the tenant allow-list',
          protocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          cidrBlocks: ingressV4,
          ipv6CidrBlocks: v6,
        },
      ],
      // A database needs no outbound traffic; an explicit empty list removes AWS's default allow-all egress.
      egress: [],
      revokeRulesOnDelete: true,
      region,
      tags,
    },
    child,
  );

  const password = new random.RandomPassword(
    logicalName(spec.tenant, 'master-password'),
    { length: 32, special: true, overrideSpecial: RDS_PASSWORD_SPECIALS, minLower: 2, minUpper: 2, minNumeric: 2 },
    child,
  );
  // Secret explicitly: outside the engine (mocks, tests) nothing else marks the generated value secret.
  const secretPassword = pulumi.secret(password.result);
  const publiclyAccessible = hasPublicEndpoint(spec.network);
  const common = {
    storageEncrypted: true,
    kmsKeyId,
    backupRetentionPeriod: retention,
    deletionProtection: spec.deletionProtection,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${names.rdsIdentifier}-final`,
    copyTagsToSnapshot: true,
    iamDatabaseAuthenticationEnabled: true,
    enabledCloudwatchLogsExports: ['postgresql'],
    dbSubnetGroupName: subnetGroup.name,
    vpcSecurityGroupIds: [securityGroup.id],
    port: 5432,
    region,
    tags,
  };

  let endpoint: pulumi.Output<string>;
  let database: pulumi.Resource;
  if (size.aurora) {
    const clusterParams = new aws.rds.ClusterParameterGroup(
      logicalName(spec.tenant, 'cluster-params'),
      { name: `${names.rdsGroup}-cluster`, family: `aurora-postgresql${AWS_POSTGRES_MAJOR}`, parameters: [...AWS_DB_PARAMETERS], region, tags },
      child,
    );
    const cluster = new aws.rds.Cluster(
      logicalName(spec.tenant, 'cluster'),
      {
        ...common,
        clusterIdentifier: names.rdsIdentifier,
        engine: 'aurora-postgresql',
        engineVersion: AURORA_ENGINE_VERSION,
        databaseName: names.database,
        masterUsername: names.adminUser,
        masterPassword: secretPassword,
        preferredBackupWindow: '17:00-18:00',
        dbClusterParameterGroupName: clusterParams.name,
      },
      { ...child, additionalSecretOutputs: ['masterPassword'] },
    );
    for (const index of [1, 2]) {
      new aws.rds.ClusterInstance(
        logicalName(spec.tenant, `cluster-${index}`),
        {
          identifier: `${names.rdsIdentifier}-${index}`,
          clusterIdentifier: cluster.id,
          instanceClass: size.instanceClass,
          engine: 'aurora-postgresql',
          engineVersion: AURORA_ENGINE_VERSION,
          dbSubnetGroupName: subnetGroup.name,
          publiclyAccessible,
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: kmsKeyId,
          performanceInsightsRetentionPeriod: 7,
          autoMinorVersionUpgrade: true,
          caCertIdentifier: 'rds-ca-rsa2048-g1',
          copyTagsToSnapshot: true,
          region,
          tags,
        },
        child,
      );
    }
    endpoint = cluster.endpoint;
    database = cluster;
  } else {
    const params = new aws.rds.ParameterGroup(
      logicalName(spec.tenant, 'params'),
      { name: names.rdsGroup, family: `postgres${AWS_POSTGRES_MAJOR}`, parameters: [...AWS_DB_PARAMETERS], region, tags },
      child,
    );
    const instance = new aws.rds.Instance(
      logicalName(spec.tenant, 'db'),
      {
        ...common,
        identifier: names.rdsIdentifier,
        engine: 'postgres',
        engineVersion: AWS_POSTGRES_MAJOR,
        instanceClass: size.instanceClass,
        allocatedStorage: size.storageGb,
        maxAllocatedStorage: size.maxStorageGb,
        storageType: 'gp3',
        multiAz: size.multiAz,
        dbName: names.database,
        username: names.adminUser,
        password: secretPassword,
        parameterGroupName: params.name,
        publiclyAccessible,
        backupWindow: '17:00-18:00',
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: kmsKeyId,
        performanceInsightsRetentionPeriod: 7,
        autoMinorVersionUpgrade: true,
        caCertIdentifier: 'rds-ca-rsa2048-g1',
      },
      { ...child, additionalSecretOutputs: ['password'] },
    );
    endpoint = instance.address;
    database = instance;
  }

  const connection: pulumi.Output<ConnectionParts> = endpoint.apply((host) => ({
    host,
    port: 5432,
    database: names.database,
    user: names.adminUser,
    // The RDS CA bundle is not in Node's default store: set tls.caFile to global-bundle.pem where apps connect.
    tls: { mode: 'verify-full' as const, minVersion: 'TLSv1.2' as const },
  }));
  return { connection, password: secretPassword, database };
}

export const awsProvider: ProviderModule<'aws'> = { provider: 'aws', createDatabase };
