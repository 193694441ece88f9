import { describe, expect, it } from 'vitest';
import { runTenantUnderMocks } from '../../pulumi/components/mock-run.ts';
import { tenantTags } from '../../pulumi/components/tenant-tags.ts';
import { ProviderCapabilityError, ResidencyError } from '../../pulumi/providers/errors.ts';
import { parseConnectionProfile } from '@byos/runtime';
import { one, ofType } from './helpers.ts';

const acme = {
  tenant: 'acme-sg',
  provider: 'aws',
  region: 'ap-southeast-1',
  residency: 'SG',
  compliance: ['pdpa', 'soc2'],
  encryption: { customerManagedKey: true },
  backup: { retentionDays: 14, pointInTimeRecovery: true },
  network: { publicAccess: false, allowedCidrs: ['10.20.0.0/16', '2001:db8::/48'] },
  size: 'small',
};

const UNTAGGABLE = new Set(['byos:index:TenantDatabase', 'random:index/randomPassword:RandomPassword', 'aws:kms/alias:Alias']);

describe('aws provider under mocks', () => {
  it('declares an encrypted, TLS-only, private RDS instance in the spec region with the tenant key', async () => {
    const run = await runTenantUnderMocks(acme);
    const key = one(run, 'aws:kms/key:Key');
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, region: 'ap-southeast-1', keyUsage: 'ENCRYPT_DECRYPT' });
    expect(one(run, 'aws:kms/alias:Alias').inputs).toMatchObject({ name: 'alias/byos/acme-sg', targetKeyId: 'acme-sg-kms-id' });

    const db = one(run, 'aws:rds/instance:Instance').inputs;
    const keyArn = 'arn:aws:kms:ap-southeast-1:123456789012:key/acme-sg-kms-id';
    expect(db).toMatchObject({
      engine: 'postgres',
      region: 'ap-southeast-1',
      storageEncrypted: true,
      kmsKeyId: keyArn,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: keyArn,
      backupRetentionPeriod: 14,
      deletionProtection: true,
      skipFinalSnapshot: false,
      publiclyAccessible: false,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: ['postgresql'],
      parameterGroupName: 'byos-acme-sg',
      dbSubnetGroupName: 'byos-acme-sg',
      vpcSecurityGroupIds: ['acme-sg-db-sg-id'],
    });
    expect(one(run, 'aws:rds/parameterGroup:ParameterGroup').inputs.parameters).toEqual(
      expect.arrayContaining([
        { name: 'rds.force_ssl', value: '1' },
        { name: 'ssl_min_protocol_version', value: 'TLSv1.2' },
      ]),
    );
  });

  it('admits exactly the spec CIDRs on 5432 and has no egress', async () => {
    const run = await runTenantUnderMocks(acme);
    const sg = one(run, 'aws:ec2/securityGroup:SecurityGroup').inputs as { ingress: Record<string, unknown>[]; egress: unknown[]; vpcId: string };
    expect(sg.ingress).toEqual([
      expect.objectContaining({ protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlocks: ['10.20.0.0/16'], ipv6CidrBlocks: ['2001:db8::/48'] }),
    ]);
    expect(sg.egress).toEqual([]);
    expect(sg.vpcId).toBe('vpc-0mock0000000000');
  });

  it('admits only the VPC CIDR when the spec lists none, and keeps the database private', async () => {
    const run = await runTenantUnderMocks({ ...acme, network: { publicAccess: true, allowedCidrs: [] } });
    const sg = one(run, 'aws:ec2/securityGroup:SecurityGroup').inputs as { ingress: { cidrBlocks: string[] }[] };
    expect(sg.ingress[0]!.cidrBlocks).toEqual(['10.0.0.0/16']);
    expect(one(run, 'aws:rds/instance:Instance').inputs.publiclyAccessible).toBe(false);
  });

  it('uses the AWS-managed key when no customer key is asked', async () => {
    const run = await runTenantUnderMocks({ ...acme, encryption: { customerManagedKey: false } });
    expect(ofType(run, 'aws:kms/key:Key')).toHaveLength(0);
    const db = one(run, 'aws:rds/instance:Instance').inputs;
    expect(db.storageEncrypted).toBe(true);
    expect(db.kmsKeyId).toBeUndefined();
  });

  it('tags every taggable resource with the tenant tags the policy pack reads', async () => {
    const run = await runTenantUnderMocks(acme);
    const tagged = run.resources.filter((r) => !UNTAGGABLE.has(r.type));
    expect(tagged.length).toBeGreaterThanOrEqual(5);
    for (const resource of tagged) expect(resource.inputs.tags, resource.type).toEqual(tenantTags(run.spec));
  });

  it('builds an Aurora cluster with two instances for the large tier', async () => {
    const run = await runTenantUnderMocks({ ...acme, tenant: 'acme-big', size: 'large', backup: { retentionDays: 30 } });
    expect(ofType(run, 'aws:rds/instance:Instance')).toHaveLength(0);
    const cluster = one(run, 'aws:rds/cluster:Cluster').inputs;
    expect(cluster).toMatchObject({
      engine: 'aurora-postgresql',
      storageEncrypted: true,
      kmsKeyId: 'arn:aws:kms:ap-southeast-1:123456789012:key/acme-big-kms-id',
      backupRetentionPeriod: 30,
      deletionProtection: true,
      iamDatabaseAuthenticationEnabled: true,
      dbClusterParameterGroupName: 'byos-acme-big-cluster',
    });
    const instances = ofType(run, 'aws:rds/clusterInstance:ClusterInstance');
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      expect(instance.inputs).toMatchObject({ publiclyAccessible: false, performanceInsightsEnabled: true, clusterIdentifier: 'byos-acme-big' });
    }
    expect(one(run, 'aws:rds/clusterParameterGroup:ClusterParameterGroup').inputs).toMatchObject({ family: 'aurora-postgresql16' });
    expect(run.profile.host).toBe('byos-acme-big.cluster-cmock0000000.ap-southeast-1.rds.amazonaws.com');
  });

  it('outputs a ConnectionProfile whose password is a secret, in the stack and in the instance inputs', async () => {
    const run = await runTenantUnderMocks(acme);
    expect(run.secretOutputs).toContain('profile');
    expect(run.secretOutputs).not.toContain('host');
    expect(parseConnectionProfile(run.profile)).toEqual(run.profile);
    expect(run.profile).toMatchObject({
      tenant: 'acme-sg',
      provider: 'aws',
      dialect: 'postgres',
      host: 'byos-acme-sg.cmock0000000.ap-southeast-1.rds.amazonaws.com',
      port: 5432,
      database: 'acme_sg',
      user: 'byos_admin',
      region: 'ap-southeast-1',
      residency: 'SG',
      tls: { mode: 'verify-full', minVersion: 'TLSv1.2' },
    });
    const db = one(run, 'aws:rds/instance:Instance');
    expect(db.secretPaths).toContain('password');
    expect(run.profile.password).toBe(db.inputs.password);
  });

  it('refuses a region outside the residency before declaring anything, naming tenant and regions', async () => {
    const error = await runTenantUnderMocks({ ...acme, region: 'us-east-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResidencyError);
    expect((error as Error).message).toMatch(/tenant acme-sg: region us-east-1 is outside its residency SG \(allowed aws regions for SG: ap-southeast-1\)/);
  });

  it('refuses a retention RDS cannot keep, naming the field', async () => {
    const error = await runTenantUnderMocks({ ...acme, backup: { retentionDays: 90 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderCapabilityError);
    expect((error as Error).message).toMatch(/backup\.retentionDays.*at most 35 days, the spec asks 90/);
  });
});
