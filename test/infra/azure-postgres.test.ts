import { describe, expect, it } from 'vitest';
import { runTenantUnderMocks } from '../../pulumi/components/mock-run.ts';
import { tenantTags } from '../../pulumi/components/tenant-tags.ts';
import { ProviderCapabilityError } from '../../pulumi/providers/errors.ts';
import { parseConnectionProfile } from '@byos/runtime';
import { one, ofType } from './helpers.ts';

const euTenant = {
  tenant: 'gamma-eu',
  provider: 'azure-postgres',
  region: 'germanywestcentral',
  residency: 'EU',
  compliance: ['gdpr'],
  encryption: { customerManagedKey: false },
  backup: { retentionDays: 21, pointInTimeRecovery: true },
  network: { publicAccess: true, allowedCidrs: ['198.51.100.0/24'] },
  size: 'medium',
};

function parameters(run: Awaited<ReturnType<typeof runTenantUnderMocks>>): Record<string, unknown> {
  return Object.fromEntries(ofType(run, 'azure-native:dbforpostgresql:Configuration').map((r) => [r.inputs.configurationName, r.inputs.value]));
}

describe('azure-postgres provider under mocks', () => {
  it('declares a Flexible Server in the region with retention, geo backup inside the EU pair, and TLS-only parameters', async () => {
    const run = await runTenantUnderMocks(euTenant);
    const server = one(run, 'azure-native:dbforpostgresql:Server');
    expect(server.inputs).toMatchObject({
      serverName: 'byos-gamma-eu',
      location: 'germanywestcentral',
      version: '16',
      backup: { backupRetentionDays: 21, geoRedundantBackup: 'Enabled' },
      network: { publicNetworkAccess: 'Enabled' },
      highAvailability: { mode: 'ZoneRedundant' },
      dataEncryption: { type: 'SystemAssigned' },
      tags: tenantTags(run.spec),
    });
    expect(server.secretPaths).toContain('administratorLoginPassword');
    expect(parameters(run)).toMatchObject({
      require_secure_transport: 'on',
      ssl_min_protocol_version: 'TLSv1.2',
      log_connections: 'on',
      'pgaudit.log': 'ddl,role',
    });
    expect(ofType(run, 'azure-native:dbforpostgresql:FirewallRule').map((r) => [r.inputs.startIpAddress, r.inputs.endIpAddress])).toEqual([
      ['198.51.100.0', '198.51.100.255'],
    ]);
    expect(one(run, 'azure-native:dbforpostgresql:AdministratorsMicrosoftEntra').inputs).toMatchObject({
      objectId: '22222222-2222-2222-2222-222222222222',
      principalType: 'servicePrincipal',
    });
  });

  it('encrypts with the Key Vault key through a user-assigned identity when a customer key is asked', async () => {
    const run = await runTenantUnderMocks({ ...euTenant, encryption: { customerManagedKey: true } });
    const server = one(run, 'azure-native:dbforpostgresql:Server').inputs as Record<string, any>;
    const identityId =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-byos-gamma-eu/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-byos-gamma-eu';
    expect(server.dataEncryption).toEqual({
      type: 'AzureKeyVault',
      primaryKeyURI: 'https://kv-gamma-eu.vault.azure.net/keys/byos-gamma-eu-tde/0123456789abcdef0123456789abcdef',
      primaryUserAssignedIdentityId: identityId,
    });
    expect(server.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: { [identityId]: {} } });
    // The geo copy would need a second vault in the paired region: CMK tenants keep backups in-region.
    expect(server.backup.geoRedundantBackup).toBe('Disabled');
  });

  it('keeps backups in-region for a Singapore tenant, at least 7 days, and the server private by default', async () => {
    const run = await runTenantUnderMocks({
      ...euTenant,
      tenant: 'acme-sg',
      region: 'southeastasia',
      residency: 'SG',
      backup: { retentionDays: 3, pointInTimeRecovery: true },
      network: { publicAccess: false, allowedCidrs: [] },
    });
    const server = one(run, 'azure-native:dbforpostgresql:Server').inputs as Record<string, any>;
    expect(server.backup).toEqual({ backupRetentionDays: 7, geoRedundantBackup: 'Disabled' });
    expect(server.network).toEqual({ publicNetworkAccess: 'Disabled' });
    expect(ofType(run, 'azure-native:dbforpostgresql:FirewallRule')).toHaveLength(0);
  });

  it('outputs a secret postgres profile for the server FQDN', async () => {
    const run = await runTenantUnderMocks(euTenant);
    expect(run.secretOutputs).toContain('profile');
    expect(parseConnectionProfile(run.profile)).toEqual(run.profile);
    expect(run.profile).toMatchObject({
      provider: 'azure-postgres',
      dialect: 'postgres',
      host: 'byos-gamma-eu.postgres.database.azure.com',
      port: 5432,
      database: 'gamma_eu',
    });
  });

  it('refuses what Flexible Server cannot do, naming the field', async () => {
    const tooLong = await runTenantUnderMocks({ ...euTenant, backup: { retentionDays: 90 } }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(ProviderCapabilityError);
    expect((tooLong as Error).message).toMatch(/backup\.retentionDays: Flexible Server keeps backups at most 35 days/);
    const v6 = await runTenantUnderMocks({ ...euTenant, network: { publicAccess: true, allowedCidrs: ['198.51.100.0/24', '2001:db8::/48'] } }).catch(
      (e: unknown) => e,
    );
    expect((v6 as Error).message).toMatch(/network\.allowedCidrs\.1: Flexible Server firewall rules are IPv4 only/);
  });
});
