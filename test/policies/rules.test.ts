import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordedResource, TenantMockRun } from '../../pulumi/components/mock-run.ts';
import { runStackUnderMocks } from '../../pulumi/components/stack-file.ts';
import { runTenantUnderMocks } from '../../pulumi/components/mock-run.ts';
import { tenantTags } from '../../pulumi/components/tenant-tags.ts';
import { validateWith } from '../../policies/offline.ts';
import type { ByosRule } from '../../policies/rule.ts';
import * as R from '../../policies/rules/index.ts';
import { isoDurationDays } from '../../policies/rules/kms-key-rotation.ts';

/**
 * Every rule, for every provider it judges: the resource the real component declares for a compliant example stack
 * passes; the same resource with one input changed (or a spec that expresses the violation) fails with a message
 * naming the problem.
 */
const runs: Record<string, TenantMockRun> = {};
const STACKS = { aws: 'acme-sg', gcp: 'beta-eu', 'azure-postgres': 'care-us', 'azure-sql': 'gamma-eu', neon: 'nova-eu', supabase: 'sol-sg' } as const;
type Source = keyof typeof STACKS | 'aurora';

beforeAll(async () => {
  for (const [provider, tenant] of Object.entries(STACKS)) runs[provider] = await runStackUnderMocks(`stacks/Pulumi.${tenant}.yaml`);
  const aurora = structuredClone(runs.aws!.spec) as Record<string, unknown>;
  runs.aurora = await runTenantUnderMocks({ ...aurora, tenant: 'acme-big', size: 'large' });
});

function find(source: Source, type: string, name?: string): RecordedResource {
  const found = runs[source]!.resources.find((r) => r.type === type && (!name || r.name.endsWith(name) || r.inputs.configurationName === name));
  if (!found) throw new Error(`no ${type} ${name ?? ''} in ${source}`);
  return found;
}

function tags(source: Source): Map<string, string> {
  return new Map(Object.entries(tenantTags(runs[source]!.spec)));
}

async function judge(rule: ByosRule, source: Source, resource: RecordedResource, tweak?: (props: Record<string, any>) => void, stackTags = tags(source)) {
  const inputs = structuredClone(resource.inputs) as Record<string, any>;
  tweak?.(inputs);
  return validateWith(rule, { ...resource, inputs }, stackTags);
}

interface Case {
  source: Source;
  type: string;
  name?: string;
  tweak: (props: Record<string, any>) => void;
  expect: RegExp;
}

const withTag = (key: string, value: string) => (p: Record<string, any>) => {
  const holder = p.settings?.userLabels ?? p.tags;
  holder[key] = value;
};

const CASES: [ByosRule, Case[]][] = [
  [
    R.encryptionAtRest,
    [
      {
        source: 'aws',
        type: 'aws:kms/key:Key',
        tweak: (p) => (p.bypassPolicyLockoutSafetyCheck = true),
        expect: /bypassPolicyLockoutSafetyCheck must not be true/,
      },
      {
        source: 'aws',
        type: 'aws:kms/key:Key',
        tweak: (p) => ((p.isEnabled = false), (p.customerMasterKeySpec = 'RSA_2048')),
        expect: /disabled key[\s\S]*SYMMETRIC_DEFAULT/,
      },
      { source: 'aws', type: 'aws:rds/instance:Instance', tweak: (p) => (p.storageEncrypted = false), expect: /storageEncrypted must be true/ },
      { source: 'aws', type: 'aws:rds/instance:Instance', tweak: (p) => delete p.kmsKeyId, expect: /customer-managed key.*kmsKeyId/ },
      { source: 'aurora', type: 'aws:rds/cluster:Cluster', tweak: (p) => (p.storageEncrypted = false), expect: /storageEncrypted/ },
      { source: 'aurora', type: 'aws:rds/clusterInstance:ClusterInstance', tweak: (p) => delete p.performanceInsightsKmsKeyId, expect: /Performance Insights/ },
      { source: 'azure-sql', type: 'azure-native:sql:TransparentDataEncryption', tweak: (p) => (p.state = 'Disabled'), expect: /must be Enabled/ },
      { source: 'azure-sql', type: 'azure-native:sql:Server', tweak: (p) => delete p.keyId, expect: /no Key Vault keyId/ },
      { source: 'azure-sql', type: 'azure-native:sql:EncryptionProtector', tweak: (p) => (p.serverKeyType = 'ServiceManaged'), expect: /AzureKeyVault/ },
      {
        source: 'azure-postgres',
        type: 'azure-native:dbforpostgresql:Server',
        tweak: (p) => (p.dataEncryption = { type: 'SystemManaged' }),
        expect: /dataEncryption/,
      },
      { source: 'gcp', type: 'gcp:sql/databaseInstance:DatabaseInstance', tweak: (p) => delete p.encryptionKeyName, expect: /CMEK/ },
      { source: 'supabase', type: 'pulumi-nodejs:dynamic/supabase:Project', tweak: withTag('byos-cmk', 'true'), expect: /Supabase cannot honour/ },
      { source: 'neon', type: 'pulumi-nodejs:dynamic/neon:Project', tweak: withTag('byos-cmk', 'true'), expect: /Neon cannot honour/ },
    ],
  ],
  [
    R.tlsEnforced,
    [
      { source: 'aws', type: 'aws:rds/instance:Instance', tweak: (p) => delete p.parameterGroupName, expect: /parameterGroupName is unset/ },
      { source: 'aurora', type: 'aws:rds/cluster:Cluster', tweak: (p) => delete p.dbClusterParameterGroupName, expect: /dbClusterParameterGroupName is unset/ },
      {
        source: 'aws',
        type: 'aws:rds/parameterGroup:ParameterGroup',
        tweak: (p) => (p.parameters = p.parameters.filter((x: any) => x.name !== 'rds.force_ssl')),
        expect: /rds.force_ssl must be 1/,
      },
      {
        source: 'aws',
        type: 'aws:rds/parameterGroup:ParameterGroup',
        tweak: (p) => (p.parameters.find((x: any) => x.name === 'ssl_min_protocol_version').value = 'TLSv1'),
        expect: /TLSv1.2 or later/,
      },
      {
        source: 'aurora',
        type: 'aws:rds/clusterParameterGroup:ClusterParameterGroup',
        tweak: (p) => (p.parameters.find((x: any) => x.name === 'rds.force_ssl').value = '0'),
        expect: /force_ssl/,
      },
      { source: 'azure-sql', type: 'azure-native:sql:Server', tweak: (p) => (p.minimalTlsVersion = '1.0'), expect: /minimalTlsVersion/ },
      {
        source: 'azure-postgres',
        type: 'azure-native:dbforpostgresql:Configuration',
        name: 'require_secure_transport',
        tweak: (p) => (p.value = 'off'),
        expect: /require_secure_transport must be on/,
      },
      {
        source: 'gcp',
        type: 'gcp:sql/databaseInstance:DatabaseInstance',
        tweak: (p) => (p.settings.ipConfiguration.sslMode = 'ALLOW_UNENCRYPTED_AND_ENCRYPTED'),
        expect: /sslMode must be ENCRYPTED_ONLY/,
      },
      { source: 'supabase', type: 'pulumi-nodejs:dynamic/supabase:Project', tweak: (p) => (p.sslEnforced = false), expect: /sslEnforced/ },
    ],
  ],
  [
    R.residency,
    [
      {
        source: 'aws',
        type: 'aws:rds/instance:Instance',
        tweak: (p) => (p.region = 'us-east-1'),
        expect: /region us-east-1 is outside the tenant's residency SG/,
      },
      { source: 'aws', type: 'aws:kms/key:Key', tweak: (p) => (p.region = 'eu-west-1'), expect: /outside.*SG/ },
      { source: 'aurora', type: 'aws:rds/cluster:Cluster', tweak: (p) => (p.region = 'ap-northeast-1'), expect: /ap-northeast-1 is outside/ },
      {
        source: 'gcp',
        type: 'gcp:sql/databaseInstance:DatabaseInstance',
        tweak: (p) => (p.settings.backupConfiguration.location = 'us'),
        expect: /backups are stored in us, outside the tenant's residency EU/,
      },
      {
        source: 'gcp',
        type: 'gcp:sql/databaseInstance:DatabaseInstance',
        tweak: (p) => delete p.settings.backupConfiguration.location,
        expect: /multi-region/,
      },
      {
        source: 'gcp',
        type: 'gcp:kms/cryptoKey:CryptoKey',
        tweak: (p) => (p.keyRing = p.keyRing.replace('europe-west1', 'us-central1')),
        expect: /us-central1 is outside/,
      },
      {
        source: 'gcp',
        type: 'gcp:kms/keyRing:KeyRing',
        tweak: (p) => (p.location = 'us-central1'),
        expect: /region us-central1 is outside the tenant's residency EU/,
      },
      { source: 'azure-sql', type: 'azure-native:sql:Server', tweak: (p) => (p.location = 'uksouth'), expect: /uksouth is outside the tenant's residency EU/ },
      {
        source: 'azure-sql',
        type: 'azure-native:operationalinsights:Workspace',
        tweak: (p) => (p.location = 'eastus'),
        expect: /eastus is outside the tenant's residency EU/,
      },
      { source: 'azure-sql', type: 'azure-native:sql:Database', tweak: (p) => (p.location = 'italynorth'), expect: /italynorth has no paired region/ },
      // An EU tenant whose Geo backups replicate to a paired region outside the EU.
      {
        source: 'azure-sql',
        type: 'azure-native:sql:Database',
        tweak: (p) => (p.location = 'uksouth'),
        expect: /paired region ukwest, outside the tenant's residency EU/,
      },
      {
        source: 'azure-postgres',
        type: 'azure-native:dbforpostgresql:Server',
        tweak: (p) => ((p.backup.geoRedundantBackup = 'Enabled'), (p.location = 'canadacentral')),
        expect: /paired region canadaeast, outside the tenant's residency US/,
      },
      {
        source: 'azure-sql',
        type: 'azure-native:resources:ResourceGroup',
        tweak: (p) => (p.location = 'uksouth'),
        expect: /uksouth is outside the tenant's residency EU/,
      },
      {
        source: 'azure-postgres',
        type: 'azure-native:dbforpostgresql:Server',
        tweak: (p) => (p.location = 'canadacentral'),
        expect: /outside the tenant's residency US/,
      },
      {
        source: 'supabase',
        type: 'pulumi-nodejs:dynamic/supabase:Project',
        tweak: (p) => (p.region = 'eu-west-1'),
        expect: /outside the tenant's residency SG/,
      },
      { source: 'neon', type: 'pulumi-nodejs:dynamic/neon:Project', tweak: (p) => (p.regionId = 'aws-us-east-1'), expect: /outside the tenant's residency EU/ },
    ],
  ],
  [
    R.backupRetention,
    [
      { source: 'aws', type: 'aws:rds/instance:Instance', tweak: (p) => (p.backupRetentionPeriod = 3), expect: /keeps 3 day\(s\).*at least 7/ },
      // Without frameworks the floor is 3 days; RDS's API default (input left out) is 1.
      {
        source: 'aws',
        type: 'aws:rds/instance:Instance',
        tweak: (p) => (withTag('byos-compliance', 'none')(p), delete p.backupRetentionPeriod),
        expect: /keeps 1 day\(s\) of backups; at least 3 days/,
      },
      { source: 'aurora', type: 'aws:rds/cluster:Cluster', tweak: (p) => (p.backupRetentionPeriod = 0), expect: /disabled/ },
      { source: 'azure-sql', type: 'azure-native:sql:BackupShortTermRetentionPolicy', tweak: (p) => (p.retentionDays = 2), expect: /GDPR needs at least 7/ },
      {
        source: 'azure-postgres',
        type: 'azure-native:dbforpostgresql:Server',
        tweak: (p) => (p.backup.backupRetentionDays = 14),
        expect: /HIPAA needs at least 30/,
      },
      { source: 'gcp', type: 'gcp:sql/databaseInstance:DatabaseInstance', tweak: (p) => (p.settings.backupConfiguration.enabled = false), expect: /disabled/ },
      { source: 'neon', type: 'pulumi-nodejs:dynamic/neon:Project', tweak: (p) => (p.historyRetentionSeconds = 86_400), expect: /keeps 1 day/ },
    ],
  ],
  [
    R.pointInTimeRecovery,
    [
      { source: 'aws', type: 'aws:rds/instance:Instance', tweak: (p) => (p.backupRetentionPeriod = 0), expect: /point-in-time/ },
      {
        source: 'gcp',
        type: 'gcp:sql/databaseInstance:DatabaseInstance',
        tweak: (p) => (p.settings.backupConfiguration.pointInTimeRecoveryEnabled = false),
        expect: /pointInTimeRecoveryEnabled/,
      },
      { source: 'neon', type: 'pulumi-nodejs:dynamic/neon:Project', tweak: (p) => (p.historyRetentionSeconds = 3600), expect: /one day of history/ },
    ],
  ],
  [
    R.deletionProtection,
    [
      { source: 'aws', type: 'aws:rds/instance:Instance', tweak: (p) => (p.deletionProtection = false), expect: /deletionProtection must be true/ },
      { source: 'aurora', type: 'aws:rds/cluster:Cluster', tweak: (p) => (p.skipFinalSnapshot = true), expect: /final snapshot/ },
      {
        source: 'gcp',
        type: 'gcp:sql/databaseInstance:DatabaseInstance',
        tweak: (p) => (p.settings.deletionProtectionEnabled = false),
        expect: /deletionProtectionEnabled/,
      },
      { source: 'supabase', type: 'pulumi-nodejs:dynamic/supabase:Project', tweak: (p) => (p.deletionProtection = false), expect: /deletionProtection/ },
      { source: 'neon', type: 'pulumi-nodejs:dynamic/neon:Project', tweak: (p) => (p.deletionProtection = false), expect: /deletionProtection/ },
    ],
  ],
  [
    R.noWorldOpenNetwork,
    [
      {
        source: 'aws',
        type: 'aws:ec2/securityGroup:SecurityGroup',
        tweak: (p) => (p.ingress[0].cidrBlocks = ['0.0.0.0/0']),
        expect: /whole internet \(0.0.0.0\/0\)/,
      },
      { source: 'aws', type: 'aws:ec2/securityGroup:SecurityGroup', tweak: (p) => (p.ingress[0].ipv6CidrBlocks = ['::/0']), expect: /::\/0/ },
      {
        source: 'gcp',
        type: 'gcp:sql/databaseInstance:DatabaseInstance',
        tweak: (p) => (p.settings.ipConfiguration.authorizedNetworks = [{ name: 'all', value: '0.0.0.0/0' }]),
        expect: /authorizedNetworks admits/,
      },
      { source: 'supabase', type: 'pulumi-nodejs:dynamic/supabase:Project', tweak: (p) => (p.dbAllowedCidrsV6 = ['::/0']), expect: /dbAllowedCidrsV6/ },
      { source: 'neon', type: 'pulumi-nodejs:dynamic/neon:Project', tweak: (p) => (p.allowedIps = []), expect: /allowedIps is empty/ },
    ],
  ],
  [
    R.noPublicDatabase,
    [
      { source: 'aws', type: 'aws:rds/instance:Instance', tweak: (p) => (p.publiclyAccessible = true), expect: /publiclyAccessible/ },
      { source: 'aurora', type: 'aws:rds/clusterInstance:ClusterInstance', tweak: (p) => (p.publiclyAccessible = true), expect: /publiclyAccessible/ },
      { source: 'azure-sql', type: 'azure-native:sql:Server', tweak: (p) => (p.publicNetworkAccess = 'Enabled'), expect: /Enabled/ },
      { source: 'azure-postgres', type: 'azure-native:dbforpostgresql:Server', tweak: (p) => (p.network.publicNetworkAccess = 'Enabled'), expect: /Enabled/ },
      { source: 'gcp', type: 'gcp:sql/databaseInstance:DatabaseInstance', tweak: (p) => (p.settings.ipConfiguration.ipv4Enabled = true), expect: /public IP/ },
    ],
  ],
  [
    R.auditLogging,
    [
      { source: 'aws', type: 'aws:rds/instance:Instance', tweak: (p) => (p.enabledCloudwatchLogsExports = []), expect: /postgresql/ },
      { source: 'aurora', type: 'aws:rds/cluster:Cluster', tweak: (p) => delete p.enabledCloudwatchLogsExports, expect: /postgresql/ },
      {
        source: 'aws',
        type: 'aws:rds/parameterGroup:ParameterGroup',
        tweak: (p) => (p.parameters.find((x: any) => x.name === 'log_connections').value = '0'),
        expect: /log_connections must be 1/,
      },
      { source: 'azure-sql', type: 'azure-native:sql:ServerBlobAuditingPolicy', tweak: (p) => (p.state = 'Disabled'), expect: /auditing state/ },
      {
        source: 'azure-postgres',
        type: 'azure-native:dbforpostgresql:Configuration',
        name: 'log_connections',
        tweak: (p) => (p.value = 'off'),
        expect: /log_connections must be on/,
      },
      { source: 'gcp', type: 'gcp:sql/databaseInstance:DatabaseInstance', tweak: (p) => (p.settings.databaseFlags = []), expect: /log_connections=on/ },
      {
        source: 'gcp',
        type: 'gcp:sql/databaseInstance:DatabaseInstance',
        tweak: (p) => (p.settings.databaseFlags.find((f: any) => f.name === 'pgaudit.log').value = 'none'),
        expect: /pgaudit.log is none/,
      },
      {
        source: 'azure-postgres',
        type: 'azure-native:dbforpostgresql:Configuration',
        name: 'pgaudit.log',
        tweak: (p) => (p.value = ''),
        expect: /pgaudit.log is empty/,
      },
    ],
  ],
  [
    R.kmsKeyRotation,
    [
      { source: 'aws', type: 'aws:kms/key:Key', tweak: (p) => (p.enableKeyRotation = false), expect: /enableKeyRotation/ },
      { source: 'gcp', type: 'gcp:kms/cryptoKey:CryptoKey', tweak: (p) => (p.rotationPeriod = `${400 * 86_400}s`), expect: /exceeds 365/ },
      {
        source: 'azure-sql',
        type: 'azure-native:keyvault:Key',
        tweak: (p) => (p.properties.rotationPolicy.lifetimeActions[0].trigger.timeAfterCreate = 'P2Y'),
        expect: /at most P365D/,
      },
      { source: 'azure-postgres', type: 'azure-native:keyvault:Key', tweak: (p) => delete p.properties.rotationPolicy, expect: /no rotate action/ },
      { source: 'azure-sql', type: 'azure-native:sql:EncryptionProtector', tweak: (p) => (p.autoRotationEnabled = false), expect: /autoRotationEnabled/ },
    ],
  ],
  [
    R.highAvailability,
    [
      { source: 'aurora', type: 'aws:rds/cluster:Cluster', tweak: (p) => (p.availabilityZones = ['ap-southeast-1a']), expect: /1 zone/ },
      { source: 'azure-postgres', type: 'azure-native:dbforpostgresql:Server', tweak: (p) => (p.highAvailability.mode = 'Disabled'), expect: /Disabled/ },
      { source: 'gcp', type: 'gcp:sql/databaseInstance:DatabaseInstance', tweak: (p) => (p.settings.availabilityType = 'ZONAL'), expect: /ZONAL/ },
    ],
  ],
  [
    R.databaseMonitoring,
    [
      { source: 'aws', type: 'aws:rds/instance:Instance', tweak: (p) => (p.performanceInsightsEnabled = false), expect: /performanceInsightsEnabled is false/ },
      {
        source: 'aurora',
        type: 'aws:rds/clusterInstance:ClusterInstance',
        tweak: (p) => delete p.performanceInsightsEnabled,
        expect: /performanceInsightsEnabled/,
      },
      {
        source: 'gcp',
        type: 'gcp:sql/databaseInstance:DatabaseInstance',
        tweak: (p) => (p.settings.insightsConfig.queryInsightsEnabled = false),
        expect: /queryInsightsEnabled/,
      },
    ],
  ],
  // Silent for the CMK example tenants as declared; the same resource of a tenant that asks for no key warns.
  [
    R.customerManagedKey,
    [
      {
        source: 'aws',
        type: 'aws:rds/instance:Instance',
        tweak: (p) => (withTag('byos-cmk', 'false')(p), delete p.kmsKeyId),
        expect: /aws\/rds \(kmsKeyId unset\)/,
      },
      {
        source: 'aws',
        type: 'aws:rds/instance:Instance',
        tweak: (p) => (withTag('byos-cmk', 'false')(p), delete p.performanceInsightsKmsKeyId),
        expect: /Performance Insights/,
      },
      { source: 'aurora', type: 'aws:rds/cluster:Cluster', tweak: (p) => (withTag('byos-cmk', 'false')(p), delete p.kmsKeyId), expect: /kmsKeyId unset/ },
      {
        source: 'aurora',
        type: 'aws:rds/clusterInstance:ClusterInstance',
        tweak: (p) => (withTag('byos-cmk', 'false')(p), delete p.performanceInsightsKmsKeyId),
        expect: /performanceInsightsKmsKeyId unset/,
      },
      { source: 'azure-sql', type: 'azure-native:sql:Server', tweak: (p) => (withTag('byos-cmk', 'false')(p), delete p.keyId), expect: /service-managed key/ },
      {
        source: 'azure-postgres',
        type: 'azure-native:dbforpostgresql:Server',
        tweak: (p) => (withTag('byos-cmk', 'false')(p), (p.dataEncryption = { type: 'SystemManaged' })),
        expect: /system-managed key/,
      },
      {
        source: 'gcp',
        type: 'gcp:sql/databaseInstance:DatabaseInstance',
        tweak: (p) => (withTag('byos-cmk', 'false')(p), delete p.encryptionKeyName),
        expect: /Google-managed key/,
      },
    ],
  ],
];

describe.each(CASES)('rule $name', (rule, cases) => {
  it.each(cases)('$source $type: compliant as declared, fails with $expect', async (c) => {
    const resource = find(c.source, c.type, c.name);
    expect(await judge(rule, c.source, resource)).toEqual([]);
    const messages = await judge(rule, c.source, resource, c.tweak);
    expect(messages.join('\n')).toMatch(c.expect);
  });

  it('covers every resource type it declares', () => {
    const tested = new Set(cases.map((c) => c.type));
    // Types the example stacks do not declare are tested in the targeted cases below.
    const untested = rule.resourceTypes.filter((t) => !tested.has(t) && !OTHER_TESTED.has(`${rule.name} ${t}`));
    expect(untested).toEqual([]);
  });
});

/** Rule/type pairs no example stack declares, tested on hand-written resources. */
const OTHER_TESTED = new Set([
  'no-world-open-network aws:ec2/securityGroupRule:SecurityGroupRule',
  'no-world-open-network aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  'no-world-open-network azure-native:sql:FirewallRule',
  'no-world-open-network azure-native:sql:IPv6FirewallRule',
  'no-world-open-network azure-native:dbforpostgresql:FirewallRule',
  'residency azure-native:keyvault:Vault',
  'high-availability aws:rds/instance:Instance',
  'database-monitoring azure-native:dbforpostgresql:Configuration',
]);

describe('targeted resources', () => {
  const resource = (type: string, inputs: Record<string, unknown>) => ({ type, name: 'x', urn: `urn:pulumi:t::byos::${type}::x`, inputs });

  it('judges standalone AWS security group rules', async () => {
    const rule = R.noWorldOpenNetwork;
    expect(await validateWith(rule, resource('aws:ec2/securityGroupRule:SecurityGroupRule', { type: 'ingress', cidrBlocks: ['10.0.0.0/8'] }))).toEqual([]);
    expect(await validateWith(rule, resource('aws:ec2/securityGroupRule:SecurityGroupRule', { type: 'ingress', cidrBlocks: ['0.0.0.0/0'] }))).toHaveLength(1);
    expect(await validateWith(rule, resource('aws:ec2/securityGroupRule:SecurityGroupRule', { type: 'egress', cidrBlocks: ['0.0.0.0/0'] }))).toEqual([]);
    expect(await validateWith(rule, resource('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', { cidrIpv6: '::/0' }))).toHaveLength(1);
    expect(await validateWith(rule, resource('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', { cidrIpv4: '10.1.0.0/16' }))).toEqual([]);
  });

  it('refuses Azure world-open and allow-Azure-services firewall rules, accepts a real range', async () => {
    const rule = R.noWorldOpenNetwork;
    for (const type of ['azure-native:sql:FirewallRule', 'azure-native:dbforpostgresql:FirewallRule']) {
      expect(await validateWith(rule, resource(type, { startIpAddress: '203.0.113.0', endIpAddress: '203.0.113.255' }))).toEqual([]);
      expect((await validateWith(rule, resource(type, { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' })))[0]).toMatch(/whole internet/);
      expect((await validateWith(rule, resource(type, { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' })))[0]).toMatch(/every Azure customer/);
    }
    const v6 = 'azure-native:sql:IPv6FirewallRule';
    expect(await validateWith(rule, resource(v6, { startIPv6Address: '2001:db8::', endIPv6Address: '2001:db8::ffff' }))).toEqual([]);
    expect(await validateWith(rule, resource(v6, { startIPv6Address: '::', endIPv6Address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' }))).toHaveLength(1);
  });

  it('keeps Key Vaults in the residency and warns on single-AZ RDS', async () => {
    const eu = new Map(Object.entries({ 'byos-residency': 'eu', 'byos-provider': 'azure-sql' }));
    expect(await validateWith(R.residency, resource('azure-native:keyvault:Vault', { location: 'westeurope' }), eu)).toEqual([]);
    expect(await validateWith(R.residency, resource('azure-native:keyvault:Vault', { location: 'eastus' }), eu)).toHaveLength(1);
    expect(await validateWith(R.highAvailability, resource('aws:rds/instance:Instance', { multiAz: true }))).toEqual([]);
    expect(await validateWith(R.highAvailability, resource('aws:rds/instance:Instance', { multiAz: false }))).toHaveLength(1);
  });

  it('judges a declared Flexible Server Query Store parameter', async () => {
    const type = 'azure-native:dbforpostgresql:Configuration';
    expect(await validateWith(R.databaseMonitoring, resource(type, { configurationName: 'pg_qs.query_capture_mode', value: 'TOP' }))).toEqual([]);
    expect(await validateWith(R.databaseMonitoring, resource(type, { configurationName: 'pg_qs.query_capture_mode', value: 'none' }))).toHaveLength(1);
    expect(await validateWith(R.databaseMonitoring, resource(type, { configurationName: 'log_connections', value: 'on' }))).toEqual([]);
  });

  it('reads ISO 8601 durations for Key Vault rotation', () => {
    expect(isoDurationDays('P365D')).toBe(365);
    expect(isoDurationDays('P1Y')).toBe(365);
    expect(isoDurationDays('P2W')).toBe(14);
    expect(isoDurationDays('P')).toBeNaN();
    expect(isoDurationDays('365')).toBeNaN();
  });
});

describe('customer-managed-key on tenants that ask for no key', () => {
  const expected: Record<string, string> = {
    aws: 'aws:rds/instance:Instance',
    aurora: 'aws:rds/cluster:Cluster',
    'azure-sql': 'azure-native:sql:Server',
    'azure-postgres': 'azure-native:dbforpostgresql:Server',
    gcp: 'gcp:sql/databaseInstance:DatabaseInstance',
  };

  it.each(Object.entries(expected))('%s: the component without a CMK gets a warning on %s, with one none', async (source, type) => {
    const spec = { ...structuredClone(runs[source]!.spec), encryption: { customerManagedKey: false } };
    const plain = await runTenantUnderMocks(spec);
    const stackTags = new Map(Object.entries(tenantTags(plain.spec)));
    const warned = [];
    for (const resource of plain.resources) {
      for (const message of await validateWith(R.customerManagedKey, resource, stackTags)) warned.push(`${resource.type}: ${message}`);
    }
    expect(warned.some((w) => w.startsWith(`${type}: `))).toBe(true);
    for (const resource of runs[source]!.resources) expect(await validateWith(R.customerManagedKey, resource, tags(source as Source))).toEqual([]);
    // A CMK tenant is judged by the mandatory rule instead, never twice.
    expect(R.customerManagedKey.enforcementLevel).toBe('advisory');
  });
});

describe('rules are well-formed', () => {
  it('every rule names frameworks, controls, remediation and a unique kebab-case name', () => {
    const names = new Set<string>();
    for (const rule of R.RULES) {
      expect(rule.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(names.has(rule.name)).toBe(false);
      names.add(rule.name);
      expect(rule.frameworks.length).toBeGreaterThan(0);
      expect(rule.controls.length).toBeGreaterThan(0);
      expect(rule.remediationSteps.length).toBeGreaterThan(20);
      expect(['mandatory', 'advisory']).toContain(rule.enforcementLevel);
    }
  });
});
