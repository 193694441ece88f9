import { describe, expect, it } from 'vitest';
import { ContractError } from '../../runtime/src/index.ts';
import { checkStackFile, checkTenant } from '../../policies/offline.ts';

/** The offline gate end to end, in-process: specs through the real component under mocks, judged by every rule. */
const base = { tenant: 'gate-test', backup: { retentionDays: 14, pointInTimeRecovery: true } };
const mandatory = (findings: { severity: string; rule: string }[]) => findings.filter((f) => f.severity === 'error').map((f) => f.rule);

describe('offline policy gate', () => {
  it('passes a compliant example stack with no mandatory finding', async () => {
    const result = await checkStackFile('stacks/Pulumi.beta-eu.yaml');
    expect(result.tenant).toBe('beta-eu');
    expect(result.resources).toBeGreaterThan(5);
    expect(mandatory(result.findings)).toEqual([]);
  });

  it('fails a PDPA tenant outside Singapore, naming residency', async () => {
    const result = await checkTenant({ ...base, provider: 'gcp', region: 'asia-northeast1', residency: 'SG', compliance: ['pdpa'] });
    const residency = result.findings.filter((f) => f.rule === 'residency');
    expect(residency.length).toBeGreaterThan(0);
    expect(residency[0]!.message).toMatch(/asia-northeast1 is outside the tenant's residency SG/);
    expect(residency[0]!.frameworks).toContain('pdpa');
    expect(residency[0]!.controls).toContain('PDPA s26');
  });

  it('fails an EU tenant placed in a non-EU Azure region (geo copies are judged in rules.test.ts)', async () => {
    const result = await checkTenant({ ...base, provider: 'azure-sql', region: 'switzerlandnorth', residency: 'EU', compliance: ['gdpr'] });
    const messages = result.findings.filter((f) => f.rule === 'residency').map((f) => f.message);
    expect(messages.join('\n')).toMatch(/switzerlandnorth is outside the tenant's residency EU/);
  });

  it('fails a world-open network and backups below the HIPAA minimum', async () => {
    const open = await checkTenant({ ...base, provider: 'aws', region: 'us-east-1', network: { publicAccess: true, allowedCidrs: ['0.0.0.0/0'] } });
    expect(mandatory(open.findings)).toContain('no-world-open-network');
    const short = await checkTenant({ ...base, provider: 'azure-postgres', region: 'eastus2', residency: 'US', compliance: ['hipaa'], backup: { retentionDays: 10 } });
    const finding = short.findings.find((f) => f.rule === 'backup-retention');
    expect(finding?.message).toMatch(/keeps 10 day\(s\).*HIPAA needs at least 30/);
    expect(finding?.severity).toBe('error');
  });

  it('turns a provider refusal into a finding and a bad spec into a ContractError naming the field', async () => {
    const result = await checkTenant({ ...base, provider: 'neon', region: 'aws-eu-central-1', backup: { retentionDays: 60 } });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ rule: 'provider-capability', severity: 'error' });
    expect(result.findings[0]!.message).toMatch(/backup.retentionDays/);
    await expect(checkTenant({ ...base, provider: 'aws', region: 'us-east-1', size: 'huge' })).rejects.toThrow(ContractError);
    await expect(checkTenant({ ...base, provider: 'aws', region: 'us-east-1', size: 'huge' })).rejects.toThrow(/size/);
  });

  it('never puts a secret into a finding', async () => {
    const result = await checkTenant({ ...base, provider: 'supabase', region: 'ap-southeast-1', encryption: { customerManagedKey: true } });
    expect(mandatory(result.findings)).toEqual(expect.arrayContaining(['encryption-at-rest', 'no-world-open-network']));
    expect(JSON.stringify(result)).not.toMatch(/sbp_offline_placeholder_token|Mock-.*-Pw-/);
  });
});
