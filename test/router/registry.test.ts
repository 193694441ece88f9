import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type ConnectionProfileInput } from '@byos/runtime';
import { awaitAcknowledgements, createTenantRouter, fileTenantRegistry, postgresTenantRegistry, type TenantRegistry } from '@byos/runtime/router';
import { freshPostgresDatabase, freshProfile } from '../helpers/databases.ts';
import { killRouterProcesses, startRouterProcess } from './router-process.ts';

const dirs: string[] = [];

afterAll(async () => {
  killRouterProcesses();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-registry-'));
  dirs.push(dir);
  return dir;
}

async function databaseWithItems(label: string): Promise<ConnectionProfileInput> {
  const profile = await freshProfile('postgres', label);
  const t = await connect(profile);
  await sql`create table item (writer text not null, n integer not null)`.execute(t.db);
  await t.close();
  return profile;
}

async function writersOn(profile: ConnectionProfileInput): Promise<Record<string, number>> {
  const t = await connect(profile);
  try {
    const rows = await t.db
      .selectFrom('item')
      .select(['writer', t.db.fn.countAll<string>().as('n')])
      .groupBy('writer')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.writer, Number(r.n)]));
  } finally {
    await t.close();
  }
}

const REGISTRIES: Record<string, () => Promise<{ registry: TenantRegistry; childArgs: Record<string, unknown> }>> = {
  file: async () => {
    const dir = await tempDir();
    return { registry: fileTenantRegistry(dir), childArgs: { kind: 'file', dir } };
  },
  postgres: async () => {
    const url = await freshPostgresDatabase('control');
    const secretsDir = await tempDir();
    return { registry: await postgresTenantRegistry({ url, secretsDir }), childArgs: { kind: 'postgres', url, secretsDir } };
  },
};

describe.each(Object.keys(REGISTRIES))('tenant registry (%s)', (kind) => {
  it('keeps versions, keeps plain passwords out of the stored profile, records heartbeats and acks', async () => {
    const { registry } = await REGISTRIES[kind]!();
    try {
      const a = await freshProfile('postgres', 'reg_a');
      await expect(registry.current('acme')).rejects.toThrow(/no profile for tenant acme/);
      await registry.activate('acme', a);
      await registry.activate('acme', { ...a, database: 'other' });
      const current = await registry.current('acme');
      expect(current.version).toBe(2);
      expect(current.profile.database).toBe('other');
      expect(current.profile.password).toBeUndefined();
      expect(current.profile.passwordRef).toMatch(/^file:/);
      expect(await readFile(current.profile.passwordRef!.slice(5), 'utf8')).toBe(a.password);
      expect((await registry.previous('acme'))?.database).toBe(a.database);
      expect(await registry.versions()).toEqual(new Map([['acme', 2]]));
      await registry.heartbeat('web-1');
      await registry.ack('web-1', 'acme', 2);
      expect((await registry.routers()).map((r) => r.routerId)).toEqual(['web-1']);
      expect(await registry.acks('acme')).toMatchObject([{ routerId: 'web-1', tenant: 'acme', version: 2 }]);
      await registry.unregister('web-1');
      expect(await registry.routers()).toEqual([]);
      await expect(registry.ack('x', '../etc', 1)).rejects.toThrow(/invalid tenant name/);
    } finally {
      await registry.close();
    }
  });

  it('routers in two processes follow a version bump, reconnect and acknowledge; one that stops acking is named', async () => {
    const { registry, childArgs } = await REGISTRIES[kind]!();
    const [a, b] = [await databaseWithItems('reg_a'), await databaseWithItems('reg_b')];
    await registry.activate('acme', a);
    // The switching process's own router is registered too and must acknowledge.
    const local = createTenantRouter({ profiles: registry, routerId: 'switcher', follow: { heartbeatMs: 200 } });
    try {
      await local.ready;
      const writers = ['web-1', 'worker-1'].map((routerId) => startRouterProcess({ ...childArgs, tenant: 'acme', routerId }));
      const silent = startRouterProcess({ ...childArgs, tenant: 'acme', routerId: 'no-ack', ack: false });
      const stopped = startRouterProcess({ ...childArgs, tenant: 'acme', routerId: 'stopped' });
      for (const w of [...writers, silent, stopped]) expect(await w.next(/^READY /)).toBe('READY 1');
      stopped.child.kill('SIGSTOP');

      const published = Date.now();
      await registry.activate('acme', b);
      const report = await awaitAcknowledgements(registry, 'acme', 2, { timeoutMs: 3000 });
      expect(report.acknowledged).toEqual(['switcher', 'web-1', 'worker-1']);
      expect(report.missing.map((r) => r.routerId)).toEqual(['no-ack', 'stopped']);
      expect(report.waitedMs).toBeGreaterThanOrEqual(3000);
      for (const w of writers) expect(await w.next(/^ON 2 /)).toBe(`ON 2 ${(await registry.current('acme')).profile.database}`);
      const acks = await registry.acks('acme');
      const ackMs = acks.filter((x) => x.routerId !== 'switcher' && x.version === 2).map((x) => x.ackedAt.getTime() - published);
      console.log(`${kind} registry: routers acknowledged ${ackMs.map((ms) => `${ms} ms`).join(', ')} after the publish`);
      expect(acks.find((x) => x.routerId === 'web-1')).toMatchObject({ version: 2 });
      expect(acks.find((x) => x.routerId === 'no-ack')).toBeUndefined();

      // After acknowledging, the writers write to the new database (the reconnect), and keep writing there.
      const before = await writersOn(b);
      await new Promise((r) => setTimeout(r, 200));
      const after = await writersOn(b);
      for (const id of ['web-1', 'worker-1']) expect(after[id] ?? 0).toBeGreaterThan(before[id] ?? 0);

      // A router that closes unregisters: the next wait does not count it.
      writers[0]!.child.kill('SIGTERM');
      expect(await writers[0]!.exited).toBe(0);
      stopped.child.kill('SIGCONT');
      await stopped.next(/^ON 2 /);
      silent.child.kill('SIGTERM');
      await silent.exited;
      const again = await awaitAcknowledgements(registry, 'acme', 2, { timeoutMs: 3000 });
      expect(again.missing).toEqual([]);
      expect(again.acknowledged).toEqual(['stopped', 'switcher', 'worker-1']);
      for (const w of [writers[1]!, stopped]) {
        w.child.kill('SIGTERM');
        expect(await w.exited).toBe(0);
      }
    } finally {
      await local.close();
      await registry.close();
    }
  }, 60_000);
});

describe('postgresTenantRegistry', () => {
  it('refuses a plain password without secretsDir, naming the tenant, and stores a passwordRef profile as it is', async () => {
    const url = await freshPostgresDatabase('control');
    const registry = await postgresTenantRegistry({ url });
    try {
      const a = await freshProfile('postgres', 'reg_plain');
      await expect(registry.activate('acme', a)).rejects.toThrow(/profile of acme carries a plain password: the tenant registry stores none/);
      const { password: _, ...rest } = a;
      await registry.activate('acme', { ...rest, passwordRef: 'env:ACME_DB_PASSWORD' });
      expect((await registry.current('acme')).profile.passwordRef).toBe('env:ACME_DB_PASSWORD');
      const raw = await connect(url);
      try {
        const rows = await sql<{ profile: unknown }>`select profile from byos_tenant_registry`.execute(raw.db);
        expect(JSON.stringify(rows.rows)).not.toContain(a.password!);
      } finally {
        await raw.close();
      }
    } finally {
      await registry.close();
    }
  });
  it('names the problem when the control database cannot be reached', async () => {
    await expect(postgresTenantRegistry({ url: 'postgres://nobody:secret@127.0.0.1:1/control' })).rejects.toThrow(
      /^cannot prepare the tenant registry tables: .*ECONNREFUSED/,
    );
  });
});
