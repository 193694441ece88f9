import { describe, expect, it } from 'vitest';
import { ContractError, parseConnectionProfile, parseTenantSpec, resolvePassword } from '@byos/runtime';

const valid = {
  tenant: 'acme-sg',
  provider: 'aws',
  region: 'ap-southeast-1',
  residency: 'SG',
  compliance: ['pdpa', 'soc2'],
  encryption: { customerManagedKey: true },
  backup: { retentionDays: 14, pointInTimeRecovery: true },
  network: { publicAccess: false, allowedCidrs: [] },
  size: 'small',
  deletionProtection: true,
};

describe('TenantSpec', () => {
  it('parses the documented YAML form and fills defaults', () => {
    const spec = parseTenantSpec({ tenant: 'beta-eu', provider: 'gcp', region: 'europe-west1' });
    expect(spec).toMatchObject({ compliance: [], size: 'small', backup: { retentionDays: 7, pointInTimeRecovery: true }, deletionProtection: true });
    expect(parseTenantSpec(valid)).toEqual(valid);
  });

  it('reads the spec from a Pulumi stack file under byos:tenant', () => {
    expect(parseTenantSpec({ config: { 'byos:tenant': valid } }).tenant).toBe('acme-sg');
    expect(parseTenantSpec({ config: { 'byos:tenant': JSON.stringify(valid) } }).tenant).toBe('acme-sg');
    expect(() => parseTenantSpec({ config: { 'aws:region': 'x' } }, 'Pulumi.acme.yaml')).toThrow(/byos:tenant is missing/);
  });

  it('names the field and the reason when a spec is invalid', () => {
    const bad = { ...valid, tenant: 'Acme_SG', backup: { retentionDays: -1 }, network: { allowedCidrs: ['0.0.0.0/99'] } };
    let error: ContractError | undefined;
    try {
      parseTenantSpec(bad, 'stacks/acme.yaml');
    } catch (e) {
      error = e as ContractError;
    }
    expect(error).toBeInstanceOf(ContractError);
    expect(error!.message).toContain('stacks/acme.yaml');
    expect(error!.issues.map((i) => i.path).sort()).toEqual(['backup.retentionDays', 'network.allowedCidrs.0', 'tenant']);
    expect(error!.message).toMatch(/network\.allowedCidrs\.0: must be a CIDR block/);
  });

  it('refuses unknown fields rather than ignoring a typo', () => {
    expect(() => parseTenantSpec({ ...valid, encrpytion: {} })).toThrow(/encrpytion/);
  });
});

describe('ConnectionProfile', () => {
  it('takes a pulumi:STACK#OUTPUT password reference, which only the operator resolves', async () => {
    const profile = parseConnectionProfile({ provider: 'aws', dialect: 'postgres', host: 'db', database: 'app', passwordRef: 'pulumi:acme-sg#profile' });
    await expect(resolvePassword(profile)).rejects.toThrow(/pulumi:acme-sg#profile names a Pulumi stack output: byos plan and reconcile resolve it/);
    expect(() => parseConnectionProfile({ provider: 'aws', dialect: 'postgres', database: 'app', passwordRef: 'pulumi:acme-sg' })).toThrow(
      /env:NAME, file:PATH or pulumi:STACK#OUTPUT/,
    );
  });

  it('defaults TLS to verify-full with a TLS 1.2 floor', () => {
    const profile = parseConnectionProfile({ provider: 'neon', dialect: 'postgres', host: 'h', database: 'd', tls: {} });
    expect(profile.tls).toEqual({ mode: 'verify-full', minVersion: 'TLSv1.2' });
  });

  it('rejects a TLS version below 1.2', () => {
    expect(() => parseConnectionProfile({ provider: 'neon', dialect: 'postgres', database: 'd', tls: { minVersion: 'TLSv1.1' } })).toThrow(/tls\.minVersion/);
  });
});
