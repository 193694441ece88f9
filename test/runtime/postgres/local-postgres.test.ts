import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ConnectionProfileInput } from '@byos/runtime';

const PASSWORD = 'Local-Embedded-Secret-3';
let dir: string;
let profile: ConnectionProfileInput;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-local-pg-'));
  await chmod(dir, 0o755); // as root the server runs as the postgres user, who must reach the folder
  profile = { provider: 'local-postgres', dialect: 'postgres', database: 'app', user: 'byos', password: PASSWORD, dataDir: join(dir, 'data') };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const running = () => existsSync(join(dir, 'data', 'postmaster.pid'));

async function reachable(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'byos', password: PASSWORD, database: 'postgres' });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('local-postgres with dataDir', () => {
  it('connect initialises and starts the embedded server, creates the database; close stops it', async () => {
    expect(running()).toBe(false);
    const tenant = await connect(profile);
    const port = tenant.profile.port ?? 0;
    try {
      expect(tenant.profile).toMatchObject({ host: '127.0.0.1', user: 'byos', database: 'app' });
      expect(running()).toBe(true);
      const { rows } = await sql<{ db: string; usr: string }>`select current_database() as db, current_user as usr`.execute(tenant.db);
      expect(rows).toEqual([{ db: 'app', usr: 'byos' }]);
      await sql`create table note (id int primary key, body text not null)`.execute(tenant.db);
      await sql`insert into note values (1, 'kept across restarts')`.execute(tenant.db);
    } finally {
      await tenant.close();
    }
    expect(running()).toBe(false);
    expect(await reachable(port)).toBe(false);
  });

  it('data persists across a second connect; a concurrent connect reuses the server and leaves it running', async () => {
    const first = await connect(profile);
    try {
      const { rows } = await sql<{ body: string }>`select body from note where id = 1`.execute(first.db);
      expect(rows).toEqual([{ body: 'kept across restarts' }]);
      const second = await connect(profile);
      expect(second.profile.port).toBe(first.profile.port);
      await second.close();
      expect(running()).toBe(true);
      await expect(sql`select 1`.execute(first.db)).resolves.toBeDefined();
    } finally {
      await first.close();
    }
    expect(running()).toBe(false);
  });

  it('connections share the server: it runs until the last one closes, whichever order they close in', async () => {
    const first = await connect(profile);
    const second = await connect(profile);
    expect(second.profile.port).toBe(first.profile.port);
    await first.close();
    expect(running()).toBe(true);
    const { rows } = await sql<{ body: string }>`select body from note where id = 1`.execute(second.db);
    expect(rows).toEqual([{ body: 'kept across restarts' }]);
    await second.close();
    expect(running()).toBe(false);
  });

  it('connects started at the same moment start one server and create the database once', async () => {
    const fresh = { ...profile, database: 'parallel' };
    const settled = await Promise.allSettled([connect(fresh), connect(fresh), connect(fresh)]);
    const tenants = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      expect(settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []))).toEqual([]);
      expect(new Set(tenants.map((t) => t.profile.port)).size).toBe(1);
      for (const tenant of tenants) {
        const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(tenant.db);
        expect(rows).toEqual([{ db: 'parallel' }]);
      }
    } finally {
      await Promise.all(tenants.map((t) => t.close()));
    }
    expect(running()).toBe(false);
  });

  it('stops the server it started when opening the pool fails', async () => {
    // The embedded server has no TLS, so asking for verify-full fails after the server is up.
    const error = await connect({ ...profile, tls: { mode: 'verify-full' } }).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toMatch(/does not support SSL/);
    expect(error).not.toContain(PASSWORD);
    expect(running()).toBe(false);
  });

  it('refuses a dataDir profile without a password, naming the folder', async () => {
    const { password: _omitted, ...noPassword } = profile;
    await expect(connect(noPassword)).rejects.toThrow(/local-postgres with dataDir .*data needs a password/);
    expect(running()).toBe(false);
  });
});
