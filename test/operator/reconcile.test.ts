import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { copyChinookSqlite } from '../../cli/src/demo/chinook.ts';
import { StateStore } from '../../pulumi/operator/state.ts';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';
import { freshProfile } from '../helpers/databases.ts';

const root = await mkdtemp(join(tmpdir(), 'byos-reconcile-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const stacks = join(root, 'stacks');
const profiles = join(root, 'profiles');
const migrations = join(root, 'migrations');
const state = join(root, 'state', 'tenants');
const common = ['--stacks', stacks, '--state', state, '--migrations', migrations];

// Each test runs the CLI several times, and the switch moves Chinook with capture on: minutes on a busy 2-core box.
describe('byos reconcile, GitOps end to end on local databases', { timeout: 240_000 }, () => {
  it('provisions from a given profile and migrates; a cloud tenant without the Pulumi CLI fails alone, saying why', async () => {
    await mkdir(stacks, { recursive: true });
    await mkdir(profiles, { recursive: true });
    await mkdir(migrations, { recursive: true });
    for (const t of ['dev-sqlite', 'acme-sg']) await copyFile(join(REPO_ROOT, 'stacks', `Pulumi.${t}.yaml`), join(stacks, `Pulumi.${t}.yaml`));
    const sqliteFile = join(root, 'dev.sqlite');
    await copyChinookSqlite(sqliteFile);
    await writeFile(join(profiles, 'dev-sqlite.local-sqlite.json'), JSON.stringify({ provider: 'local-sqlite', dialect: 'sqlite', database: sqliteFile }));
    await writeFile(
      join(migrations, '0001_create_notes.ts'),
      `export default { ops: [{ op: 'createTable', table: 'notes', columns: [{ name: 'id', type: { kind: 'integer' }, nullable: false }, { name: 'body', type: { kind: 'text' } }], primaryKey: { columns: ['id'] } }] };\n`,
    );

    const planned = await runCli(['plan', ...common, '--json']);
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.stdout);
    expect(plan.tenants.find((t: { tenant: string }) => t.tenant === 'dev-sqlite').actions).toEqual([
      { kind: 'provision', provider: 'local-sqlite', region: 'local' },
      { kind: 'migrate', pending: ['0001'] },
    ]);

    const run = await runCli(['reconcile', ...common, '--profiles', profiles, '--json']);
    expect(run.code).toBe(1);
    const outcome = JSON.parse(run.stdout);
    const dev = outcome.tenants.find((t: { tenant: string }) => t.tenant === 'dev-sqlite');
    const acme = outcome.tenants.find((t: { tenant: string }) => t.tenant === 'acme-sg');
    expect(dev.status).toBe('ok');
    expect(dev.done).toEqual(['provision a new local-sqlite database in local', 'applied 1 migration(s)']);
    expect(acme.status).toBe('failed');
    expect(acme.error).toMatch(/provision a new aws database in ap-southeast-1: the Pulumi CLI is not available here \(no `pulumi` on PATH\).*--profiles/);

    const tenant = await connect({ provider: 'local-sqlite', dialect: 'sqlite', database: sqliteFile });
    const notes = await tenant.db.selectFrom('notes').selectAll().execute();
    await tenant.close();
    expect(notes).toEqual([]);
    const record = await new StateStore(state).get('dev-sqlite');
    expect(record).toMatchObject({ active: { provider: 'local-sqlite', stack: 'dev-sqlite' }, lastMigration: '0001' });

    const again = await runCli(['plan', ...common]);
    expect(again.stdout).toMatch(/dev-sqlite: up to date/);
    expect(again.stdout).toMatch(/acme-sg: 2 change\(s\)\n {2}\+ provision a new aws database in ap-southeast-1\n {2}\+ apply 1 migration: 0001/);
  });

  it('switches the tenant to another provider when its spec changes in git: data moved and verified, old database kept as standby', async () => {
    const target = await freshProfile('postgres', 'reconcile_target');
    await writeFile(join(profiles, 'dev-sqlite.local-postgres.json'), JSON.stringify(target));
    const file = join(stacks, 'Pulumi.dev-sqlite.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('provider: local-sqlite', 'provider: local-postgres'));
    await rm(join(stacks, 'Pulumi.acme-sg.yaml'));

    const planned = await runCli(['plan', ...common]);
    expect(planned.code).toBe(0);
    // Chinook's 11 tables and 15,607 rows, the migrated notes table, and the migration journal and baseline (2 rows).
    expect(planned.stdout).toMatch(/switch from local-sqlite \(local\) to local-postgres \(local\): 15,609 rows in 14 tables/);

    // SQLite and Postgres both have a write fence: writers in other processes are refused at the old database during
    // the cutover, so no --writers-stopped is needed.
    const run = await runCli(['reconcile', ...common, '--profiles', profiles, '--json']);
    expect(run.stderr).not.toContain(String(target.password));
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const dev = JSON.parse(run.stdout).tenants.find((t: { tenant: string }) => t.tenant === 'dev-sqlite');
    expect(dev.done[0]).toMatch(/switch from local-sqlite.*15,609 rows copied.*verified equal/);

    const record = await new StateStore(state).get('dev-sqlite');
    expect(record).toMatchObject({ active: { provider: 'local-postgres', stack: 'dev-sqlite--local-postgres-local' }, standby: { provider: 'local-sqlite' } });
    // The recorded profile refers to a 0600 password file; the password itself is in no state file.
    expect(record!.active.profile!.password).toBeUndefined();
    const secret = record!.active.profile!.passwordRef!.replace(/^file:/, '');
    expect((await stat(secret)).mode & 0o777).toBe(0o600);
    expect(await readFile(join(state, 'dev-sqlite.json'), 'utf8')).not.toContain(String(target.password));

    const moved = await connect(record!.active.profile!);
    const tracks = await moved.db
      .selectFrom('Track')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    await moved.close();
    expect(Number(tracks.n)).toBe(3503);

    const after = await runCli(['plan', ...common]);
    expect(after.stdout).toMatch(/dev-sqlite: up to date\n {2}· previous database kept on local-sqlite \(local\) for rollback/);
  });
});
