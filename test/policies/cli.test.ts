import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

/** `byos policy` as a user runs it (subprocess): example stacks pass, broken fixtures fail naming the rule. */
const STACKS = readdirSync('stacks')
  .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
  .map((f) => f.slice('Pulumi.'.length, -'.yaml'.length));
const BROKEN: Record<string, string> = {
  'pdpa-outside-singapore.yaml': 'residency',
  'eu-backups-outside-eu.yaml': 'residency',
  'world-open-network.yaml': 'no-world-open-network',
  'supabase-no-allow-list.yaml': 'no-world-open-network',
  'short-backups.yaml': 'backup-retention',
  'cmk-on-neon.yaml': 'encryption-at-rest',
  'retention-beyond-provider.yaml': 'provider-capability',
};

describe('byos policy', () => {
  it('has a broken-fixture expectation for every fixture file', () => {
    const files = readdirSync('test/fixtures/specs').filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(Object.keys(BROKEN).sort());
  });

  // Each check is its own process (Pulumi loads in each): run them side by side.
  it.concurrent.each(STACKS)('check --stack %s passes (exit 0)', async (tenant) => {
    const result = await runCli(['policy', 'check', '--stack', tenant]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`tenant ${tenant} .*0 mandatory`));
    expect(result.code).toBe(0);
  });

  it.concurrent.each(Object.entries(BROKEN))('check --spec %s fails naming %s (exit 1)', async (file, rule) => {
    const result = await runCli(['policy', 'check', '--spec', `test/fixtures/specs/${file}`, '--json']);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { findings: { rule: string; severity: string }[] };
    expect(parsed.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toContain(rule);
  });

  it('exits 2 naming the field for an invalid spec, and for a missing stack', async () => {
    const invalid = await runCli(['policy', 'check', '--spec', 'test/fixtures/specs/invalid/negative-retention.yaml']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/backup\.retentionDays/);
    const missing = await runCli(['policy', 'check', '--stack', 'no-such-tenant']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/stacks\/Pulumi\.no-such-tenant\.yaml/);
  });

  it('lists every rule with its enforcement level', async () => {
    const result = await runCli(['policy', 'list', '--json']);
    expect(result.code).toBe(0);
    const rules = JSON.parse(result.stdout) as { name: string; enforcementLevel: string }[];
    expect(rules.map((r) => r.name)).toEqual(
      expect.arrayContaining(['encryption-at-rest', 'residency', 'backup-retention', 'no-world-open-network', 'customer-managed-key', 'database-monitoring']),
    );
    expect(rules.find((r) => r.name === 'customer-managed-key')?.enforcementLevel).toBe('advisory');
  });
});
