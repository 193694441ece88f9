import { describe, expect, it } from 'vitest';
import { runTenantUnderMocks } from '../../pulumi/components/mock-run.ts';
import { tenantTags } from '../../pulumi/components/tenant-tags.ts';
import { ResidencyError } from '../../pulumi/providers/errors.ts';
import { parseConnectionProfile } from '@byos/runtime';
import { one, ofType } from './helpers.ts';

const euTenant = {
  tenant: 'beta-eu',
  provider: 'azure-sql',
  region: 'westeurope',
  residency: 'EU',
  compliance: ['gdpr', 'soc2'],
  encryption: { customerManagedKey: true },
  backup: { retentionDays: 60, pointInTimeRecovery: true },
  network: { publicAccess: true, allowedCidrs: ['203.0.113.0/24', '2001:db8::/48'] },
};

const TAGGABLE = [
  'azure-native:resources:ResourceGroup',
  'azure-native:managedidentity:UserAssignedIdentity',
  'azure-native:keyvault:Vault',
  'azure-native:keyvault:Key',
  'azure-native:sql:Server',
  'azure-native:sql:Database',
  'azure-native:operationalinsights:Workspace',
];

describe('azure-sql provider under mocks', () => {
  it('declares a TLS 1.2 server in the region with an Entra admin and the TDE key from Key Vault', async () => {
    const run = await runTenantUnderMocks(euTenant);
    const server = one(run, 'azure-native:sql:Server');
    expect(server.inputs).toMatchObject({
      serverName: 'byos-beta-eu',
      location: 'westeurope',
      minimalTlsVersion: '1.2',
      publicNetworkAccess: 'Enabled',
      administrators: { administratorType: 'ActiveDirectory', sid: '22222222-2222-2222-2222-222222222222', azureADOnlyAuthentication: false },
      keyId: 'https://kv-beta-eu.vault.azure.net/keys/byos-beta-eu-tde/0123456789abcdef0123456789abcdef',
      identity: { type: 'UserAssigned' },
    });
    expect(server.secretPaths).toContain('administratorLoginPassword');

    const vault = one(run, 'azure-native:keyvault:Vault').inputs as { properties: Record<string, unknown>; location: string };
    expect(vault.location).toBe('westeurope');
    expect(vault.properties).toMatchObject({
      enableSoftDelete: true,
      enablePurgeProtection: true,
      networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' },
    });
    const key = one(run, 'azure-native:keyvault:Key').inputs as {
      properties: { kty: string; rotationPolicy: { lifetimeActions: { action: { type: string } }[] } };
    };
    expect(key.properties.kty).toBe('RSA-HSM');
    expect(key.properties.rotationPolicy.lifetimeActions.map((a) => a.action.type)).toContain('rotate');

    expect(one(run, 'azure-native:sql:TransparentDataEncryption').inputs).toMatchObject({ state: 'Enabled', databaseName: 'beta_eu' });
    expect(one(run, 'azure-native:sql:ServerKey').inputs).toMatchObject({
      serverKeyType: 'AzureKeyVault',
      keyName: 'kv-beta-eu_byos-beta-eu-tde_0123456789abcdef0123456789abcdef',
    });
    expect(one(run, 'azure-native:sql:EncryptionProtector').inputs).toMatchObject({
      serverKeyType: 'AzureKeyVault',
      serverKeyName: 'kv-beta-eu_byos-beta-eu-tde_0123456789abcdef0123456789abcdef',
      autoRotationEnabled: true,
    });
  });

  it('opens firewall rules for exactly the spec CIDRs', async () => {
    const run = await runTenantUnderMocks(euTenant);
    expect(ofType(run, 'azure-native:sql:FirewallRule').map((r) => [r.inputs.startIpAddress, r.inputs.endIpAddress])).toEqual([
      ['203.0.113.0', '203.0.113.255'],
    ]);
    expect(ofType(run, 'azure-native:sql:IPv6FirewallRule').map((r) => [r.inputs.startIPv6Address, r.inputs.endIPv6Address])).toEqual([
      ['2001:db8:0:0:0:0:0:0', '2001:db8:0:ffff:ffff:ffff:ffff:ffff'],
    ]);
    expect(one(run, 'azure-native:sql:Server').inputs.isIPv6Enabled).toBe('Enabled');
  });

  it('keeps public access off and creates no firewall rule without public access', async () => {
    const run = await runTenantUnderMocks({ ...euTenant, network: { publicAccess: false, allowedCidrs: ['203.0.113.0/24'] } });
    expect(one(run, 'azure-native:sql:Server').inputs.publicNetworkAccess).toBe('Disabled');
    expect(ofType(run, 'azure-native:sql:FirewallRule')).toHaveLength(0);
  });

  it('keeps short-term backups up to 35 days and long-term weeks beyond, geo-redundant only inside the EU pair', async () => {
    const run = await runTenantUnderMocks(euTenant);
    expect(one(run, 'azure-native:sql:BackupShortTermRetentionPolicy').inputs.retentionDays).toBe(35);
    expect(one(run, 'azure-native:sql:BackupLongTermRetentionPolicy').inputs.weeklyRetention).toBe('P9W');
    expect(one(run, 'azure-native:sql:Database').inputs.requestedBackupStorageRedundancy).toBe('Geo');
  });

  it('never geo-replicates a Singapore tenant (its pair is Hong Kong) and skips LTR for short retention', async () => {
    const run = await runTenantUnderMocks({ ...euTenant, tenant: 'acme-sg', region: 'southeastasia', residency: 'SG', backup: { retentionDays: 14 } });
    expect(one(run, 'azure-native:sql:Database').inputs.requestedBackupStorageRedundancy).toBe('Zone');
    expect(one(run, 'azure-native:sql:BackupShortTermRetentionPolicy').inputs.retentionDays).toBe(14);
    expect(ofType(run, 'azure-native:sql:BackupLongTermRetentionPolicy')).toHaveLength(0);
  });

  it('uses service-managed TDE without a customer key: no vault, no identity, no protector', async () => {
    const run = await runTenantUnderMocks({ ...euTenant, encryption: { customerManagedKey: false } });
    expect(ofType(run, 'azure-native:keyvault:Vault')).toHaveLength(0);
    expect(ofType(run, 'azure-native:sql:EncryptionProtector')).toHaveLength(0);
    expect(one(run, 'azure-native:sql:Server').inputs.keyId).toBeUndefined();
    expect(one(run, 'azure-native:sql:TransparentDataEncryption').inputs.state).toBe('Enabled');
  });

  it('audits to a Log Analytics workspace in the same region', async () => {
    const run = await runTenantUnderMocks(euTenant);
    expect(one(run, 'azure-native:sql:ServerBlobAuditingPolicy').inputs).toMatchObject({ state: 'Enabled', isAzureMonitorTargetEnabled: true });
    expect(one(run, 'azure-native:operationalinsights:Workspace').inputs).toMatchObject({ location: 'westeurope', retentionInDays: 365 });
    const diagnostics = one(run, 'azure-native:monitor:DiagnosticSetting').inputs;
    expect(diagnostics.resourceUri).toMatch(/Microsoft\.Sql\/servers\/byos-beta-eu\/databases\/master$/);
    expect(diagnostics.logs).toEqual([{ category: 'SQLSecurityAuditEvents', enabled: true }]);
  });

  it('tags every taggable resource and outputs a secret mssql profile', async () => {
    const run = await runTenantUnderMocks(euTenant);
    for (const type of TAGGABLE) for (const r of ofType(run, type)) expect(r.inputs.tags, type).toEqual(tenantTags(run.spec));
    expect(run.secretOutputs).toContain('profile');
    expect(parseConnectionProfile(run.profile)).toEqual(run.profile);
    expect(run.profile).toMatchObject({
      provider: 'azure-sql',
      dialect: 'mssql',
      host: 'byos-beta-eu.database.windows.net',
      port: 1433,
      database: 'beta_eu',
      user: 'byos_admin',
    });
    expect(run.profile.password).toBe(one(run, 'azure-native:sql:Server').inputs.administratorLoginPassword);
  });

  it('uses the configured Entra admin instead of the deploying identity', async () => {
    const run = await runTenantUnderMocks(euTenant, {
      config: {
        'byos:azureAdminObjectId': 'aaaaaaaa-0000-0000-0000-000000000000',
        'byos:azureAdminLogin': 'dba-group',
        'byos:azureAdminPrincipalType': 'Group',
      },
    });
    expect(one(run, 'azure-native:sql:Server').inputs.administrators).toMatchObject({
      login: 'dba-group',
      sid: 'aaaaaaaa-0000-0000-0000-000000000000',
      principalType: 'Group',
    });
  });

  it('refuses a UK region for an EU tenant', async () => {
    const error = await runTenantUnderMocks({ ...euTenant, region: 'uksouth' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResidencyError);
    expect((error as Error).message).toMatch(/region uksouth is outside its residency EU \(allowed azure-sql regions for EU: westeurope, northeurope/);
  });
});
