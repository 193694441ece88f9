import { createServer, type Server } from 'node:net';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type ConnectionProfileInput } from '@byos/runtime';
import { freshProfile, freshTenantDb } from '../../helpers/databases.ts';

describe('Postgres connect', () => {
  it('connects to the test server and runs select 1', async () => {
    const tenant = await freshTenantDb('postgres', 'connect');
    expect(tenant.dialect.name).toBe('postgres');
    expect(tenant.capabilities.transactionalDdl).toBe(true);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(tenant.db);
    expect(rows).toEqual([{ one: 1 }]);
    expect(tenant.profile).not.toHaveProperty('password');
  });

  it('honours statementTimeoutMs: a longer statement is cancelled, a shorter one runs', async () => {
    const tenant = await connect({ ...(await freshProfile('postgres', 'timeout')), statementTimeoutMs: 200 });
    try {
      const { rows } = await sql<{ v: string }>`select current_setting('statement_timeout') as v`.execute(tenant.db);
      expect(rows[0]?.v).toBe('200ms');
      await expect(sql`select pg_sleep(2)`.execute(tenant.db)).rejects.toThrow(/statement timeout/);
      await expect(sql`select pg_sleep(0)`.execute(tenant.db)).resolves.toBeDefined();
    } finally {
      await tenant.close();
    }
  });

  it('a wrong password fails with an error that holds neither the password nor URL user-info', async () => {
    const profile = await freshProfile('postgres', 'badpw');
    const wrong = 'Wrong-Pa55word-xyz';
    const error = await connect({ ...profile, password: wrong }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    const text = `${error?.message}\n${error?.stack ?? ''}\n${JSON.stringify(error)}`;
    expect(text).toMatch(/password authentication failed/);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(encodeURIComponent(wrong));

    // Through a URL: the user-info (user and password) must not reach the message either.
    const url = `postgres://${encodeURIComponent(profile.user ?? '')}:${wrong}@${profile.host}:${profile.port}/${profile.database}?sslmode=disable`;
    const fromUrl = await connect(url).then(
      () => null,
      (e: unknown) => e as Error,
    );
    const urlText = `${fromUrl?.message}\n${fromUrl?.stack ?? ''}`;
    expect(urlText).toMatch(/password authentication failed/);
    expect(urlText).not.toContain(wrong);
    expect(urlText).not.toContain(`${profile.user}:`);
    expect(urlText).not.toMatch(/:\/\/[^\s/]*@/);
  });
});

describe('transaction-mode pooler profile', () => {
  it('connects through pooler host/port, sets no session state and prepares no named statements', async () => {
    const direct = await freshProfile('postgres', 'pooler');
    // The direct host is unroutable: only the pooler address can have served the connection.
    const tenant = await connect({
      ...direct,
      host: '10.255.255.1',
      port: 5432,
      statementTimeoutMs: 150,
      pooler: { mode: 'transaction', host: direct.host, port: direct.port },
    });
    try {
      const { rows } = await sql<{ v: string }>`select current_setting('statement_timeout') as v`.execute(tenant.db);
      expect(rows).toEqual([{ v: '0' }]);
      const answer = await sql<{ n: number }>`select ${41}::int + 1 as n`.execute(tenant.db);
      expect(answer.rows).toEqual([{ n: 42 }]);
      const prepared = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(tenant.db);
      expect(prepared.rows).toEqual([{ n: 0 }]);
    } finally {
      await tenant.close();
    }
  });
});

describe('plaintext profiles for cloud providers', () => {
  const listeners: Server[] = [];
  afterAll(async () => {
    await Promise.all(listeners.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  const cloudProviders = ['aws', 'gcp', 'supabase', 'neon', 'azure-postgres'] as const;

  it.each(cloudProviders)('%s: refused before any connection attempt (unroutable host)', async (provider) => {
    // 10.255.255.1 drops packets: a real attempt would hang until a timeout, not fail at once with this message.
    const profile: ConnectionProfileInput = {
      provider,
      dialect: 'postgres',
      host: '10.255.255.1',
      port: 5432,
      database: 'app',
      user: 'app',
      password: 'Secret-pw-123',
      tls: { mode: 'disable' },
    };
    const error = await connect(profile).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(new RegExp(`refusing a plaintext connection to ${provider}`));
    expect(error?.message).not.toContain('Secret-pw-123');
  });

  it.each(cloudProviders)('%s: a listening socket sees no connection', async (provider) => {
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    listeners.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await expect(
      connect({ provider, dialect: 'postgres', host: '127.0.0.1', port, database: 'app', user: 'app', password: 'pw-1234', tls: { mode: 'disable' } }),
    ).rejects.toThrow(/refusing a plaintext connection/);
    // Same listener, TLS on: the client does connect, which shows the listener would have seen the plaintext attempt.
    await expect(connect({ provider, dialect: 'postgres', host: '127.0.0.1', port, database: 'app', user: 'app', password: 'pw-1234' })).rejects.toThrow();
    expect(connections).toBe(1);
  });
});
