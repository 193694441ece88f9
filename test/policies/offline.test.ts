import { describe, expect, it } from 'vitest';
import { ContractError } from '@byos/runtime';
import { runStackUnderMocks } from '../../pulumi/components/stack-file.ts';
import { runTenantUnderMocks } from '../../pulumi/components/mock-run.ts';
import { tenantTags } from '../../pulumi/components/tenant-tags.ts';
import { checkStackFile, checkTenant, evaluateResources } from '../../policies/offline.ts';

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

  it('fails an EU tenant placed in a non-EU Azure region', async () => {
    const result = await checkTenant({ ...base, provider: 'azure-sql', region: 'switzerlandnorth', residency: 'EU', compliance: ['gdpr'] });
    const residency = result.findings.filter((f) => f.rule === 'residency');
    expect(residency.map((f) => f.message).join('\n')).toMatch(/switzerlandnorth is outside the tenant's residency EU/);
    // Findings name the frameworks the tenant is held to (GDPR here), not every framework the rule serves.
    expect(residency[0]!.frameworks).toEqual(['gdpr']);
    expect(residency[0]!.controls).toEqual(['GDPR Art. 44', 'GDPR Art. 45', 'GDPR Art. 46']);
    const unframed = await checkTenant({ ...base, provider: 'azure-sql', region: 'switzerlandnorth', residency: 'EU' });
    expect(unframed.findings.find((f) => f.rule === 'residency')!.frameworks).toEqual(['pdpa', 'gdpr', 'soc2']);
  });

  it('fails an EU tenant whose backups are copied outside the EU while the instance stays in it', async () => {
    // No spec can ask for it (the component keeps copies in the jurisdiction), so the component's own resources
    // are changed the way a hand edit or another program would: Cloud SQL backups to the US multi-region, and Azure
    // SQL Geo backups from Italy North, which has no paired region to copy to inside the EU.
    const gcp = await runStackUnderMocks('stacks/Pulumi.beta-eu.yaml');
    const instance = gcp.resources.find((r) => r.type === 'gcp:sql/databaseInstance:DatabaseInstance')!;
    (instance.inputs as any).settings.backupConfiguration.location = 'us';
    const gcpFindings = await evaluateResources(gcp.resources, new Map(Object.entries(tenantTags(gcp.spec))));
    expect(gcpFindings.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.message}`)).toEqual([
      "residency: backups are stored in us, outside the tenant's residency EU",
    ]);

    const azure = await runTenantUnderMocks({ ...base, provider: 'azure-sql', region: 'italynorth', residency: 'EU', compliance: ['gdpr'] });
    const database = azure.resources.find((r) => r.type === 'azure-native:sql:Database')!;
    expect(database.inputs.requestedBackupStorageRedundancy).toBe('Zone');
    const stackTags = new Map(Object.entries(tenantTags(azure.spec)));
    expect((await evaluateResources(azure.resources, stackTags)).filter((f) => f.rule === 'residency')).toEqual([]);
    database.inputs.requestedBackupStorageRedundancy = 'Geo';
    const geo = (await evaluateResources(azure.resources, stackTags)).filter((f) => f.rule === 'residency');
    expect(geo.map((f) => f.message)).toEqual(['requestedBackupStorageRedundancy Geo asks for geo-redundant backups, but italynorth has no paired region']);
    expect(geo[0]!.controls).toEqual(expect.arrayContaining(['GDPR Art. 44', 'GDPR Art. 46']));
  });

  it("reports the component's residency stop even where no resource carries the region", async () => {
    const result = await checkTenant({ tenant: 'dev-sg', provider: 'local-sqlite', region: 'ap-southeast-1', residency: 'SG', compliance: ['pdpa'] });
    expect(result.resources).toBe(0);
    expect(result.findings.map((f) => [f.rule, f.severity])).toEqual([['residency', 'error']]);
    expect(result.findings[0]!.message).toMatch(/region ap-southeast-1 is outside its residency SG \(allowed local-sqlite regions for SG: local\)/);
    // A resource-level residency finding is not repeated by the stop.
    const aws = await checkTenant({ ...base, provider: 'aws', region: 'us-east-1', residency: 'SG' });
    expect(aws.findings.filter((f) => f.rule === 'residency' && f.subject.startsWith('tenant '))).toEqual([]);
    expect(aws.findings.filter((f) => f.rule === 'residency').length).toBeGreaterThan(0);
  });

  it('keeps at least 3 days of backups for a tenant without frameworks', async () => {
    const short = await checkTenant({ ...base, provider: 'aws', region: 'us-east-1', backup: { retentionDays: 2 } });
    expect(short.findings.find((f) => f.rule === 'backup-retention')?.message).toMatch(/keeps 2 day\(s\) of backups; at least 3 days/);
    const enough = await checkTenant({ ...base, provider: 'aws', region: 'us-east-1', backup: { retentionDays: 3 } });
    expect(mandatory(enough.findings)).toEqual([]);
  });

  it('fails a world-open network and backups below the HIPAA minimum', async () => {
    const open = await checkTenant({ ...base, provider: 'aws', region: 'us-east-1', network: { publicAccess: true, allowedCidrs: ['0.0.0.0/0'] } });
    expect(mandatory(open.findings)).toContain('no-world-open-network');
    const short = await checkTenant({
      ...base,
      provider: 'azure-postgres',
      region: 'eastus2',
      residency: 'US',
      compliance: ['hipaa'],
      backup: { retentionDays: 10 },
    });
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
