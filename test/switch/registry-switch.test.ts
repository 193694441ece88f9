import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTenantRouter, fileTenantRegistry, postgresTenantRegistry } from '@byos/runtime/router';
import { switchTenant } from '@byos/runtime/switch';
import { runCliInProcess } from '../helpers/cli.ts';
import { freshPostgresDatabase, freshProfile } from '../helpers/databases.ts';
import { killRouterProcesses, startRouterProcess } from '../router/router-process.ts';
import { seedModel, seedTenant, startWriters } from './workload.ts';

const dirs: string[] = [];
afterAll(async () => {
  killRouterProcesses();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('switch with a tenant registry', () => {
  it('publishes the new version, waits for the live routers and names the one that did not acknowledge (the switch stands)', async () => {
    const from = await freshProfile('sqlite', 'rs_from');
    const to = await freshProfile('postgres', 'rs_to');
    await seedTenant(from);
    const dir = await mkdtemp(join(tmpdir(), 'byos-registry-switch-'));
    dirs.push(dir);
    const registry = fileTenantRegistry(join(dir, 'registry'));
    await registry.activate('acme', from);
    const router = createTenantRouter({ profiles: registry, routerId: 'switcher', follow: { heartbeatMs: 200 } });
    const follower = startRouterProcess({ kind: 'file', dir: join(dir, 'registry'), tenant: 'acme', routerId: 'web-1', write: false });
    const frozen = startRouterProcess({ kind: 'file', dir: join(dir, 'registry'), tenant: 'acme', routerId: 'frozen', write: false });
    try {
      await router.ready;
      for (const p of [follower, frozen]) expect(await p.next(/^READY /)).toBe('READY 1');
      frozen.child.kill('SIGSTOP');
      const writers = startWriters(router, 'acme', seedModel());
      while (writers.writes() < 10) await new Promise((r) => setTimeout(r, 5));
      const progress: string[] = [];
      const report = await switchTenant({
        tenant: 'acme',
        router,
        to,
        stateDir: join(dir, 'state'),
        ackTimeoutMs: 2000,
        onProgress: (p) => p.step === 'acknowledging' && progress.push(p.message),
      });
      await writers.stop();
      expect(report.state).toBe('switched');
      expect(report.acknowledgements).toMatchObject({ version: 2, acknowledged: ['switcher', 'web-1'] });
      expect(report.acknowledgements!.missing.map((r) => r.routerId)).toEqual(['frozen']);
      expect(report.acknowledgements!.waitedMs).toBeGreaterThanOrEqual(2000);
      expect(progress.at(-1)).toMatch(/^1 router\(s\) did not acknowledge version 2 within \d+ ms: frozen$/);
      expect(await follower.next(/^ON 2 /)).toBe(`ON 2 ${to.database}`);
      expect(router.stats('acme')).toMatchObject({ version: 2, generation: 1 });
      // Woken up, the frozen router catches up with the registry by itself.
      frozen.child.kill('SIGCONT');
      expect(await frozen.next(/^ON 2 /)).toBe(`ON 2 ${to.database}`);
      for (const p of [follower, frozen]) {
        p.child.kill('SIGTERM');
        expect(await p.exited).toBe(0);
      }
    } finally {
      await router.close();
    }
  }, 60_000);

  it('byos switch --registry URL: routers in other processes follow through the Postgres registry; the silent one is named on stderr, exit 0', async () => {
    const from = await freshProfile('postgres', 'rs_cli_from');
    const to = await freshProfile('postgres', 'rs_cli_to');
    await seedTenant(from);
    const control = await freshPostgresDatabase('rs_control');
    const dir = await mkdtemp(join(tmpdir(), 'byos-registry-cli-'));
    dirs.push(dir);
    const state = join(dir, 'state');
    const registry = await postgresTenantRegistry({ url: control, secretsDir: join(state, 'profiles') });
    try {
      await registry.activate('acme', from);
      const childArgs = { kind: 'postgres', url: control, secretsDir: join(state, 'profiles'), tenant: 'acme', write: false };
      const follower = startRouterProcess({ ...childArgs, routerId: 'web-1' });
      const silent = startRouterProcess({ ...childArgs, routerId: 'silent-worker', ack: false });
      for (const p of [follower, silent]) expect(await p.next(/^READY /)).toBe('READY 1');
      const toUrl = `postgres://${to.user}:${encodeURIComponent(to.password!)}@${to.host}:${to.port}/${to.database}`;
      const run = await runCliInProcess(['switch', 'acme', '--to', toUrl, '--state', state, '--registry', control, '--ack-timeout', '1500', '--json']);
      expect(run.stderr).not.toContain(to.password!);
      expect(run.stdout).not.toContain(to.password!);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({
        state: 'switched',
        acknowledgements: { version: 2, acknowledged: [expect.stringMatching(/^byos-switch:\d+$/), 'web-1'] },
      });
      expect(report.acknowledgements.missing.map((r: { routerId: string }) => r.routerId)).toEqual(['silent-worker']);
      expect(run.stderr).toMatch(/1 router\(s\) did not acknowledge the flip within \d+ ms and may still use the old database: silent-worker/);
      expect(await follower.next(/^ON 2 /)).toBe(`ON 2 ${to.database}`);
      // The registry keeps no password: the profile refers to a 0600 file.
      const stored = await registry.current('acme');
      expect(stored.profile.password).toBeUndefined();
      expect(stored.profile.passwordRef).toMatch(/^file:/);
      for (const p of [follower, silent]) {
        p.child.kill('SIGTERM');
        expect(await p.exited).toBe(0);
      }
    } finally {
      await registry.close();
    }
  }, 60_000);
});
