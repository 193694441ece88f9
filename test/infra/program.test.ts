import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { asRunError, readProviderSettings, readTenantSpec, runTenantProgram } from '../../pulumi/components/program.ts';
import { runTenantUnderMocks } from '../../pulumi/components/mock-run.ts';
import { ProviderSettingError, ResidencyError } from '../../pulumi/providers/errors.ts';
import { ContractError } from '@byos/runtime';

const good = { tenant: 'acme-sg', provider: 'aws', region: 'ap-southeast-1', residency: 'SG', compliance: ['pdpa'] };

function withConfig(config: Record<string, string>): void {
  pulumi.runtime.setAllConfig(config, []);
}

describe('the Pulumi program reading its stack config', () => {
  it('stops on a bad spec field with a message naming the field and where it came from', () => {
    withConfig({ 'byos:tenant': JSON.stringify({ ...good, backup: { retentionDays: -3 }, size: 'huge' }) });
    let error: unknown;
    try {
      runTenantProgram();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).issues.map((i) => i.path).sort()).toEqual(['backup.retentionDays', 'size']);
    expect((error as Error).message).toContain('in stack config byos:tenant');
    const runError = asRunError(error);
    expect(pulumi.RunError.isInstance(runError)).toBe(true);
    expect((runError as Error).message).toMatch(/backup\.retentionDays/);
  });

  it('says when byos:tenant is missing or not JSON', () => {
    withConfig({});
    expect(() => readTenantSpec()).toThrow(/config key byos:tenant is missing/);
    withConfig({ 'byos:tenant': '{not json' });
    expect(() => readTenantSpec()).toThrow(ContractError);
  });

  it('accepts the structured object Pulumi stores for `config set --path`', () => {
    withConfig({ 'byos:tenant': JSON.stringify(good) });
    expect(readTenantSpec()).toMatchObject({ tenant: 'acme-sg', region: 'ap-southeast-1', backup: { retentionDays: 7 } });
  });

  it("validates the provider's settings with its descriptor's schema, naming the key", () => {
    withConfig({ 'byos:awsSubnetIds': JSON.stringify('subnet-1') });
    expect(() => readProviderSettings('aws')).toThrow(ProviderSettingError);
    expect(() => readProviderSettings('aws')).toThrow(/^stack config byos:awsSubnetIds: must be a list/);
    withConfig({ 'byos:awsSubnetIds': 'subnet-1' });
    expect(() => readProviderSettings('aws')).toThrow(/^stack config byos:awsSubnetIds: must be a list/);
    withConfig({ 'byos:awsSubnetIds': JSON.stringify(['subnet-a', '']) });
    expect(() => readProviderSettings('aws')).toThrow(/^stack config byos:awsSubnetIds: must be a list/);
    withConfig({ 'byos:azureAdminPrincipalType': 'Robot' });
    expect(() => readProviderSettings('azure-sql')).toThrow(/byos:azureAdminPrincipalType: must be User, Group or ServicePrincipal, got "Robot"/);
    expect(() => readProviderSettings('azure-postgres')).toThrow(/byos:azureAdminPrincipalType: must be User, Group or ServicePrincipal/);
    for (const port of ['0', '65536', 'abc', '54.5']) {
      withConfig({ 'byos:localPostgresPort': port });
      expect(() => readProviderSettings('local-postgres')).toThrow(`stack config byos:localPostgresPort: must be a port number from 1 to 65535, got "${port}"`);
    }
    withConfig({ 'byos:awsSubnetIds': JSON.stringify(['subnet-a', 'subnet-b']), 'byos:awsVpcId': 'vpc-1', 'byos:localPostgresPort': '6543' });
    expect(readProviderSettings('aws')).toEqual({ awsVpcId: 'vpc-1', awsSubnetIds: ['subnet-a', 'subnet-b'] });
    expect(readProviderSettings('local-postgres')).toEqual({ localPostgresPort: 6543 });
    // Only the tenant's provider's keys are read: another provider's bad setting does not stop this one.
    withConfig({ 'byos:awsSubnetIds': JSON.stringify('subnet-1'), 'byos:gcpProject': 'proj' });
    expect(readProviderSettings('gcp')).toEqual({ gcpProject: 'proj' });
  });

  it('reads secret settings as secret outputs, never parsing them in clear', async () => {
    pulumi.runtime.setAllConfig({ 'byos:neonApiKey': 'neon-key-1', 'byos:neonOrgId': 'org-1' }, ['byos:neonApiKey']);
    const settings = readProviderSettings('neon');
    expect(settings.neonOrgId).toBe('org-1');
    expect(pulumi.Output.isInstance(settings.neonApiKey)).toBe(true);
    expect(await pulumi.isSecret(settings.neonApiKey!)).toBe(true);
  });

  it('turns user-fixable errors into RunErrors and leaves others alone', () => {
    const residency = new ResidencyError({ tenant: 't', provider: 'aws', region: 'us-east-1', residency: 'SG', allowedRegions: ['ap-southeast-1'] });
    expect(pulumi.RunError.isInstance(asRunError(residency))).toBe(true);
    const bug = new TypeError('x is undefined');
    expect(asRunError(bug)).toBe(bug);
  });
});

describe('index.ts as Pulumi runs it', () => {
  it('exports the stack outputs, with the profile secret', async () => {
    // Mocks and config first, then the entry module is imported as the engine would import it.
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, address: 'db.example.internal' } }),
        call: (args) => (args.token.endsWith('getSubnets') ? { ids: ['s-1', 's-2'] } : { id: 'vpc-1', cidrBlock: '10.1.0.0/16' }),
      },
      'byos',
      'acme-sg',
      false,
    );
    withConfig({ 'byos:tenant': JSON.stringify(good) });
    const entry = await import('../../pulumi/program.ts');
    expect(entry.tenant).toBe('acme-sg');
    expect(entry.provider).toBe('aws');
    expect(entry.region).toBe('ap-southeast-1');
    expect(await pulumi.isSecret(entry.profile)).toBe(true);
    expect(await pulumi.isSecret(entry.host)).toBe(false);
    const host = await new Promise((resolve) => entry.host.apply(resolve));
    expect(host).toBe('db.example.internal');
    await pulumi.runtime.disconnect();
  });

  it('refuses a residency violation when the harness enforces it, and lets it through for the policy gate', async () => {
    const spec = { ...good, region: 'eu-west-1' };
    await expect(runTenantUnderMocks(spec)).rejects.toBeInstanceOf(ResidencyError);
    const run = await runTenantUnderMocks(spec, { enforceResidency: false });
    expect(run.resources.find((r) => r.type === 'aws:rds/instance:Instance')?.inputs.region).toBe('eu-west-1');
  });

  it('runs several tenants in one process, each recording only its own resources', async () => {
    const [a, b] = await Promise.all([
      runTenantUnderMocks({ tenant: 'one-a', provider: 'local-sqlite', region: 'local' }),
      runTenantUnderMocks({ ...good, tenant: 'two-b' }),
    ]);
    expect(a.resources).toHaveLength(1);
    expect(b.resources.every((r) => r.name.startsWith('two-b'))).toBe(true);
    expect(b.resources.every((r) => r.urn.startsWith('urn:pulumi:two-b::byos::'))).toBe(true);
  });
});
