import { describe, expect, it } from 'vitest';
import { runTenantUnderMocks } from '../../pulumi/components/mock-run.ts';
import { tenantTags } from '../../pulumi/components/tenant-tags.ts';
import { ProviderCapabilityError, ProviderSettingError, ResidencyError } from '../../pulumi/providers/errors.ts';
import { parseConnectionProfile } from '@byos/runtime';
import { one } from './helpers.ts';

const SUPABASE = 'pulumi-nodejs:dynamic/supabase:Project';
const NEON = 'pulumi-nodejs:dynamic/neon:Project';

const supabaseTenant = {
  tenant: 'acme-sg',
  provider: 'supabase',
  region: 'ap-southeast-1',
  residency: 'SG',
  compliance: ['pdpa'],
  network: { publicAccess: true, allowedCidrs: ['203.0.113.0/24', '2001:db8::/48'] },
  size: 'medium',
};

const neonTenant = {
  tenant: 'care-us',
  provider: 'neon',
  region: 'aws-us-east-2',
  residency: 'US',
  compliance: ['hipaa', 'soc2'],
  backup: { retentionDays: 14, pointInTimeRecovery: true },
  network: { publicAccess: true, allowedCidrs: ['198.51.100.0/24'] },
};

describe('supabase provider under mocks', () => {
  it('declares one dynamic project in the region with SSL enforced, the spec allow-list and the tenant tags', async () => {
    const run = await runTenantUnderMocks(supabaseTenant, { config: { 'byos:supabaseOrganization': 'acme-org' } });
    const project = one(run, SUPABASE);
    expect(project.inputs).toMatchObject({
      name: 'byos-acme-sg',
      organizationSlug: 'acme-org',
      region: 'ap-southeast-1',
      instanceSize: 'large',
      sslEnforced: true,
      dbAllowedCidrs: ['203.0.113.0/24'],
      dbAllowedCidrsV6: ['2001:db8::/48'],
      deletionProtection: true,
      tags: tenantTags(run.spec),
    });
    expect(project.secretPaths.sort()).toEqual(['accessToken', 'dbPass']);
    expect(project.urn).toBe(`urn:pulumi:acme-sg::byos::byos:index:TenantDatabase$${SUPABASE}::acme-sg-project`);
  });

  it('states the world-open default explicitly when the spec lists no CIDRs', async () => {
    const run = await runTenantUnderMocks({ ...supabaseTenant, network: { publicAccess: false, allowedCidrs: [] } });
    expect(one(run, SUPABASE).inputs).toMatchObject({ dbAllowedCidrs: ['0.0.0.0/0'], dbAllowedCidrsV6: ['::/0'] });
  });

  it('outputs a secret profile with the project password', async () => {
    const run = await runTenantUnderMocks(supabaseTenant);
    expect(run.secretOutputs).toContain('profile');
    expect(parseConnectionProfile(run.profile)).toEqual(run.profile);
    expect(run.profile).toMatchObject({
      provider: 'supabase',
      host: 'db.mockprojectrefabcdef.supabase.co',
      user: 'postgres',
      database: 'postgres',
      tls: { mode: 'verify-full' },
    });
    expect(run.profile.password).toBe(one(run, SUPABASE).inputs.dbPass);
  });

  it('names the missing setting when the organisation or token is not configured', async () => {
    const error = await runTenantUnderMocks(supabaseTenant, { config: { 'byos:supabaseOrganization': '' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderSettingError);
    expect((error as Error).message).toMatch(/^stack config byos:supabaseOrganization: missing/);
  });

  it('refuses a region Supabase does not have in the jurisdiction', async () => {
    const error = await runTenantUnderMocks({ ...supabaseTenant, region: 'us-east-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResidencyError);
    expect((error as Error).message).toContain('allowed supabase regions for SG: ap-southeast-1');
  });
});

describe('neon provider under mocks', () => {
  it('declares one dynamic project with region id, branch, role, database, allow-list, restore window and HIPAA', async () => {
    const run = await runTenantUnderMocks(neonTenant, { config: { 'byos:neonOrgId': 'org-care' } });
    const project = one(run, NEON);
    expect(project.inputs).toMatchObject({
      regionId: 'aws-us-east-2',
      orgId: 'org-care',
      branchName: 'main',
      roleName: 'byos_admin',
      databaseName: 'care_us',
      historyRetentionSeconds: 14 * 86_400,
      allowedIps: ['198.51.100.0/24'],
      hipaa: true,
      deletionProtection: true,
      tags: tenantTags(run.spec),
    });
    expect(project.secretPaths).toEqual(['apiKey']);
  });

  it('outputs a secret profile whose password is the role password Neon returned', async () => {
    const run = await runTenantUnderMocks(neonTenant);
    expect(run.secretOutputs).toContain('profile');
    expect(parseConnectionProfile(run.profile)).toEqual(run.profile);
    expect(run.profile).toMatchObject({
      provider: 'neon',
      host: 'ep-mock-00000000.us-east-2.aws.neon.tech',
      database: 'care_us',
      user: 'byos_admin',
      password: 'npg_MockNeonPassword0',
    });
  });

  it('refuses history beyond 30 days and regions outside the residency', async () => {
    const long = await runTenantUnderMocks({ ...neonTenant, backup: { retentionDays: 45 } }).catch((e: unknown) => e);
    expect(long).toBeInstanceOf(ProviderCapabilityError);
    expect((long as Error).message).toMatch(/neon cannot honour backup\.retentionDays: Neon keeps at most 30 days/);
    const away = await runTenantUnderMocks({ ...neonTenant, region: 'aws-eu-central-1' }).catch((e: unknown) => e);
    expect(away).toBeInstanceOf(ResidencyError);
  });
});

describe('local providers under mocks', () => {
  it('local-sqlite declares nothing but the component and points at a file under .byos/tenants', async () => {
    const run = await runTenantUnderMocks({ tenant: 'dev-one', provider: 'local-sqlite', region: 'local' });
    expect(run.resources.map((r) => r.type)).toEqual(['byos:index:TenantDatabase']);
    expect(run.profile).toEqual({ tenant: 'dev-one', provider: 'local-sqlite', dialect: 'sqlite', database: '.byos/tenants/dev-one.sqlite', region: 'local' });
    expect(run.outputs).toMatchObject({ database: '.byos/tenants/dev-one.sqlite', host: undefined });
  });

  it('local-postgres declares only a random password and names the embedded data folder', async () => {
    const run = await runTenantUnderMocks(
      { tenant: 'dev-two', provider: 'local-postgres', region: 'local' },
      { config: { 'byos:localPostgresPort': '54329' } },
    );
    expect(run.resources.map((r) => r.type).sort()).toEqual(['byos:index:TenantDatabase', 'random:index/randomPassword:RandomPassword']);
    expect(run.secretOutputs).toContain('profile');
    expect(run.profile).toMatchObject({
      provider: 'local-postgres',
      host: '127.0.0.1',
      port: 54329,
      database: 'dev_two',
      dataDir: '.byos/postgres',
      tls: { mode: 'disable' },
    });
    expect(run.profile.password).toMatch(/^Mock-/);
  });
});
