import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { freshSqlitePath } from '../../helpers/databases.ts';
import { runCli } from '../../helpers/cli.ts';

async function sampleDb(): Promise<string> {
  const path = await freshSqlitePath('pii-cli');
  const db = new Database(path);
  db.exec(`create table customers (id integer primary key, FirstName text, email text, nric text, order_ref text);
    insert into customers values (1, 'Ana', 'ana.tan@example.com', 'S1234567D', '4111111111111112'),
      (2, 'Wei', 'wei@example.sg', 'G5872776N', '4000000000000001'),
      (3, 'Siti', 'siti@example.org', 'M1234567K', '5500000000000005');`);
  db.close();
  return path;
}

// Several CLI processes (or pg_dump/pg_restore runs) per test, on a machine shared with other work: a 3-minute budget.
describe('byos pii scan', { timeout: 180_000 }, () => {
  it('prints a table of PII columns with redacted samples and exits 0', async () => {
    const path = await sampleDb();
    const result = await runCli(['pii', 'scan', '--url', `sqlite:${path}`]);
    expect(result.stderr).not.toMatch(/byos:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/customers\.email\s+email 1\.00/);
    expect(result.stdout).toMatch(/customers\.nric\s+sg-nric 1\.00/);
    expect(result.stdout).toMatch(/customers\.FirstName\s+person-name 0\.80/);
    expect(result.stdout).toContain('X#######X');
    expect(result.stdout).not.toContain('S1234567D');
    expect(result.stdout).not.toContain('ana.tan@example.com');
    expect(result.stdout).not.toContain('order_ref');
    expect(result.stdout).toContain('3 of 5 columns hold personal data');
  });

  it('--json prints the scan; --fail-on turns a found category into exit 1', async () => {
    const path = await sampleDb();
    const json = await runCli(['pii', 'scan', '--url', `sqlite:${path}`, '--json', '--sample', '2', '--fail-on', 'sg-nric']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { sample: number; findings: { rule: string; subject: string }[] };
    expect(parsed.sample).toBe(2);
    expect(parsed.findings.map((f) => `${f.rule} ${f.subject}`).sort()).toEqual([
      'pii-email customers.email',
      'pii-person-name customers.FirstName',
      'pii-sg-nric customers.nric',
    ]);
    const special = await runCli(['pii', 'scan', '--url', `sqlite:${path}`, '--fail-on', 'special']);
    expect(special.code).toBe(0);
    const bad = await runCli(['pii', 'scan', '--url', `sqlite:${path}`, '--fail-on', 'gossip']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fail-on: unknown category gossip');
    const sample = await runCli(['pii', 'scan', '--url', `sqlite:${path}`, '--sample', '0']);
    expect(sample.code).toBe(2);
    expect(sample.stderr).toContain('--sample must be a positive integer');
  });
});
