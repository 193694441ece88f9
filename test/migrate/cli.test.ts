import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.ts';
import { freshPostgresDatabase, freshProfile, freshSqlitePath } from '../helpers/databases.ts';

const PORTABLE = join(import.meta.dirname, '../fixtures/migrations/portable');

describe('byos migrate', () => {
  it('applies, reports status and drift, refuses a lossy down, and reverts everything with --force-lossy', async () => {
    const url = `sqlite:${await freshSqlitePath('cli')}`;
    // Up to the seed step only: the whole folder runs in portable.test.ts; here the CLI is what is tested.
    const up = await runCliInProcess(['migrate', 'up', '--url', url, '--dir', PORTABLE, '--to', '0009', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout).ran).toHaveLength(9);

    const status = await runCliInProcess(['migrate', 'status', '--url', url, '--dir', PORTABLE]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^applied {2}0001_create_customers {2}\d{4}-/m);
    expect(status.stdout).toMatch(/^pending {2}0010_partial_index$/m);

    const drift = await runCliInProcess(['migrate', 'drift', '--url', url, '--dir', PORTABLE]);
    expect([drift.code, drift.stdout.trim()]).toEqual([0, 'no drift: the database matches the applied migrations']);

    const refused = await runCliInProcess(['migrate', 'down', '--url', url, '--dir', PORTABLE, '--to', '0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/down would lose data \(rerun with --force-lossy to accept\)/);
    expect(refused.stderr).toMatch(/0001_create_customers: drops table customers and its 2 rows/);

    const down = await runCliInProcess(['migrate', 'down', '--url', url, '--dir', PORTABLE, '--to', '0', '--force-lossy', '--json']);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout).ran.map((r: { id: string }) => r.id)).toEqual(['0009', '0008', '0007', '0006', '0005', '0004', '0003', '0002', '0001']);
  });

  it('plans a Postgres tenant: SQL per migration, rollback and lint findings', async () => {
    const url = await freshPostgresDatabase('cli_plan');
    const plan = await runCliInProcess(['migrate', 'plan', '--url', url, '--dir', PORTABLE, '--to', '0005']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('0005_unique_email');
    expect(plan.stdout).toMatch(/CREATE UNIQUE INDEX CONCURRENTLY "customers_email_key".*outside the transaction/);
    expect(plan.stdout).toContain('rollback: dropUnique customers.customers_email_key');
    expect(plan.stdout).not.toContain('0006_renames');
    // Nothing was applied.
    expect((await runCliInProcess(['migrate', 'status', '--url', url, '--dir', PORTABLE])).stdout).toMatch(/^pending +0001_create_customers$/m);
  });

  it('up --tenants applies to every tenant whatever its dialect, and reports one tenant’s failure without stopping the others', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byos-tenants-'));
    afterAll(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'acme.profile.json'), JSON.stringify(await freshProfile('sqlite', 'acme')));
    await writeFile(join(dir, 'globex.profile.json'), JSON.stringify(await freshProfile('postgres', 'globex')));
    await writeFile(
      join(dir, 'broken.profile.json'),
      JSON.stringify({ provider: 'local-sqlite', dialect: 'sqlite', database: join(dir, 'missing-folder', 'x.sqlite') }),
    );
    const result = await runCliInProcess(['migrate', 'up', '--tenants', dir, '--dir', PORTABLE, '--to', '0005', '--json']);
    expect(result.code).toBe(1);
    const outcomes = JSON.parse(result.stdout) as { tenant: string; dialect: string; ran: unknown[]; error: string | null }[];
    expect(outcomes.map((o) => [o.tenant, o.dialect, o.ran.length, o.error === null])).toEqual([
      ['acme', 'sqlite', 5, true],
      ['broken', 'sqlite', 0, false],
      ['globex', 'postgres', 5, true],
    ]);
    expect(outcomes[1]!.error).toMatch(/missing-folder/);
    expect(result.stderr).toMatch(/• acme\n• broken\n• globex/);
  });

  it('exits 2 on usage errors', async () => {
    const bad = await runCliInProcess(['migrate', 'status', '--url', 'sqlite::memory:', '--dir', join(PORTABLE, 'nope')]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('cannot read the migration folder')]);
  });
});
