import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { createTenantRouter, fileProfileStore, memoryProfileStore } from '@byos/runtime/router';
import { freshProfile, freshSqlitePath } from '../helpers/databases.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function withTable(profile: Parameters<typeof connect>[0]) {
  const t = await connect(profile);
  await sql`create table item (id integer primary key, name text not null)`.execute(t.db);
  await t.close();
}

describe('tenant router', () => {
  it('runs queries and transactions on the active profile; a failing transaction rolls back', async () => {
    const profile = await freshProfile('sqlite', 'router');
    await withTable(profile);
    const router = createTenantRouter({ profiles: memoryProfileStore({ acme: profile }) });
    try {
      const acme = await router.get('acme');
      expect(acme.dialect.name).toBe('sqlite');
      await acme.db.insertInto('item').values({ id: 1, name: 'one' }).execute();
      await router.transaction('acme', async (trx) => {
        await trx.insertInto('item').values({ id: 2, name: 'two' }).execute();
      });
      await expect(
        acme.db.transaction().execute(async (trx) => {
          await trx.insertInto('item').values({ id: 3, name: 'three' }).execute();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await acme.db.selectFrom('item').select('id').orderBy('id').execute()).toEqual([{ id: 1 }, { id: 2 }]);
      expect(router.stats('acme')).toMatchObject({ inFlight: 0, paused: false });
    } finally {
      await router.close();
    }
  });

  it('pause waits for the transaction in flight, holds new work until resume, then lets it through', async () => {
    const profile = await freshProfile('postgres', 'router');
    await withTable(profile);
    const router = createTenantRouter({ profiles: memoryProfileStore({ acme: profile }) });
    try {
      const acme = await router.get('acme');
      const events: string[] = [];
      const inside = deferred();
      const finish = deferred();
      const tx = router.transaction('acme', async (trx) => {
        await trx.insertInto('item').values({ id: 1, name: 'in flight' }).execute();
        inside.resolve();
        await finish.promise;
        events.push('transaction committed');
      });
      await inside.promise;
      const paused = router.pause('acme').then(() => events.push('paused'));
      await new Promise((r) => setImmediate(r));
      expect(events).toEqual([]); // the transaction still holds its connection
      expect(router.stats('acme')).toMatchObject({ paused: true, inFlight: 1 });
      finish.resolve();
      await tx;
      await paused;
      expect(events).toEqual(['transaction committed', 'paused']);
      const held = acme.db
        .insertInto('item')
        .values({ id: 2, name: 'held' })
        .execute()
        .then(() => events.push('held insert done'));
      await new Promise((r) => setTimeout(r, 20));
      expect(events).toEqual(['transaction committed', 'paused']);
      expect(router.stats('acme').waiting).toBe(1);
      events.push('resume');
      const lasted = router.resume('acme');
      await held;
      expect(events).toEqual(['transaction committed', 'paused', 'resume', 'held insert done']);
      expect(lasted).toBeGreaterThan(0);
      expect(router.stats('acme').longestPauseMs).toBe(lasted);
    } finally {
      await router.close();
    }
  });

  it('a pause that cannot drain gives up after its timeout and releases the held work', async () => {
    const profile = await freshProfile('sqlite', 'router');
    await withTable(profile);
    const router = createTenantRouter({ profiles: memoryProfileStore({ acme: profile }) });
    try {
      const finish = deferred();
      const inside = deferred();
      const tx = router.transaction('acme', async (trx) => {
        await trx.insertInto('item').values({ id: 1, name: 'long' }).execute();
        inside.resolve();
        await finish.promise;
      });
      await inside.promise;
      await expect(router.pause('acme', { drainTimeoutMs: 50 })).rejects.toThrow(/pause gave up after 50 ms: 1 connection\(s\) still in flight/);
      expect(router.stats('acme').paused).toBe(false);
      finish.resolve();
      await tx;
    } finally {
      await router.close();
    }
  });

  it('flips SQLite → Postgres under the same handle: work held during the pause (compiled for SQLite) runs on Postgres', async () => {
    const from = await freshProfile('sqlite', 'flip_from');
    const to = await freshProfile('postgres', 'flip_to');
    await withTable(from);
    await withTable(to);
    const profiles = memoryProfileStore({ acme: from });
    const router = createTenantRouter({ profiles });
    try {
      const acme = await router.get('acme');
      await acme.db.insertInto('item').values({ id: 1, name: 'on sqlite' }).execute();
      await router.pause('acme');
      const held = acme.db.insertInto('item').values({ id: 2, name: 'held' }).returning(['id', 'name']).executeTakeFirstOrThrow();
      const heldTx = router.transaction('acme', async (trx) => {
        await trx.insertInto('item').values({ id: 3, name: 'held transaction' }).execute();
        return (
          await trx
            .selectFrom('item')
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n;
      });
      await expect(router.reload('acme')).resolves.toBeUndefined(); // nothing changed yet: same profile reopened
      await profiles.activate('acme', to);
      await router.reload('acme');
      expect(router.resume('acme')).toBeGreaterThan(0);
      expect(await held).toEqual({ id: 2, name: 'held' });
      expect(Number(await heldTx)).toBe(2);
      expect(acme.dialect.name).toBe('postgres');
      expect(acme.generation).toBe(2);
      const pg = await connect(to);
      try {
        expect(await pg.db.selectFrom('item').select(['id', 'name']).orderBy('id').execute()).toEqual([
          { id: 2, name: 'held' },
          { id: 3, name: 'held transaction' },
        ]);
      } finally {
        await pg.close();
      }
      expect((await profiles.previous('acme'))?.dialect).toBe('sqlite');
    } finally {
      await router.close();
    }
  });
});

describe('file profile store', () => {
  it('keeps active and previous durably, with plain passwords moved to a 0600 file', async () => {
    const dir = dirname(await freshSqlitePath('store'));
    const store = fileProfileStore(join(dir, 'profiles'));
    await expect(store.active('acme')).rejects.toThrow(/no profile for tenant acme/);
    await expect(store.active('../etc')).rejects.toThrow(/invalid tenant name/);
    await store.activate('acme', { provider: 'local-sqlite', dialect: 'sqlite', database: join(dir, 'a.sqlite') });
    await store.activate('acme', {
      provider: 'local-postgres',
      dialect: 'postgres',
      host: '127.0.0.1',
      database: 'acme',
      user: 'u',
      password: 's3cret-pw',
      tls: { mode: 'disable' },
    });
    const text = await readFile(join(dir, 'profiles', 'acme.profiles.json'), 'utf8');
    expect(text).not.toContain('s3cret-pw');
    const active = await store.active('acme');
    expect(active.password).toBeUndefined();
    const ref = active.passwordRef!.replace(/^file:/, '');
    expect(await readFile(ref, 'utf8')).toBe('s3cret-pw');
    expect((await stat(ref)).mode & 0o777).toBe(0o600);
    expect((await store.previous('acme'))?.dialect).toBe('sqlite');
    // A second store on the same folder (another process) sees the same state.
    expect((await fileProfileStore(join(dir, 'profiles')).active('acme')).database).toBe('acme');
  });
});
