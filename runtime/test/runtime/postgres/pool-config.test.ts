import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConnectionProfile, type ConnectionProfileInput } from '../../../src/contracts/index.ts';
import { postgresPoolConfig } from '../../../src/dialects/postgres/driver.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';
const cloud = { requiresTls: true, defaultPort: 5432 };
const local = { requiresTls: false, defaultPort: 5432 };

const profile = (extra: Partial<ConnectionProfileInput> = {}) =>
  parseConnectionProfile({
    provider: 'aws',
    dialect: 'postgres',
    host: 'db.example.rds.amazonaws.com',
    port: 5432,
    database: 'app',
    user: 'app',
    password: 'pw-Secret-1',
    ...extra,
  });

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('postgresPoolConfig', () => {
  it('builds the pool from fields, never from a connection string', () => {
    const config = postgresPoolConfig(profile({ poolSize: 7, statementTimeoutMs: 1500 }), cloud);
    expect(config).not.toHaveProperty('connectionString');
    expect(config).toMatchObject({
      host: 'db.example.rds.amazonaws.com',
      port: 5432,
      database: 'app',
      user: 'app',
      password: 'pw-Secret-1',
      max: 7,
      statement_timeout: 1500,
    });
  });

  it('verify-full (the default): verified chain and host name, TLS 1.2 floor', () => {
    const config = postgresPoolConfig(profile({ tls: { ca: CA, servername: 'db.internal' } }), cloud);
    expect(config.ssl).toEqual({
      rejectUnauthorized: true,
      ca: CA,
      minVersion: 'TLSv1.2',
      servername: 'db.internal',
      checkServerIdentity: expect.any(Function),
    });
    expect(postgresPoolConfig(profile(), cloud).ssl).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  });

  it('min and max version pass through; a max below the min is refused', () => {
    const ssl = postgresPoolConfig(profile({ tls: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } }), cloud).ssl;
    expect(ssl).toMatchObject({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', rejectUnauthorized: true });
    expect(() => postgresPoolConfig(profile({ tls: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' } }), cloud)).toThrow(
      /maxVersion TLSv1\.2 is below tls\.minVersion TLSv1\.3/,
    );
  });

  it('verify-ca: chain verified, host name check replaced by one that accepts any name', () => {
    const ssl = postgresPoolConfig(profile({ tls: { mode: 'verify-ca', ca: CA } }), cloud).ssl as Record<string, unknown>;
    expect(ssl).toMatchObject({ rejectUnauthorized: true, ca: CA, minVersion: 'TLSv1.2' });
    expect(typeof ssl.checkServerIdentity).toBe('function');
    expect((ssl.checkServerIdentity as () => unknown)()).toBeUndefined();
    // verify-full keeps Node's own host name check
    expect(postgresPoolConfig(profile({ tls: { ca: CA } }), cloud).ssl).not.toHaveProperty('checkServerIdentity');
  });

  it('disable: no ssl for a local server, refused for a cloud provider', () => {
    const localProfile = parseConnectionProfile({
      provider: 'local-postgres',
      dialect: 'postgres',
      host: '127.0.0.1',
      database: 'app',
      tls: { mode: 'disable' },
    });
    expect(postgresPoolConfig(localProfile, local).ssl).toBe(false);
    expect(() => postgresPoolConfig(profile({ tls: { mode: 'disable' } }), cloud)).toThrow(/refusing a plaintext connection to aws/);
  });

  it('reads the CA from tls.caFile, and names the file when it cannot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byos-pg-ca-'));
    dirs.push(dir);
    await writeFile(join(dir, 'ca.pem'), CA);
    expect(postgresPoolConfig(profile({ tls: { caFile: join(dir, 'ca.pem') } }), cloud).ssl).toMatchObject({ ca: CA });
    expect(() => postgresPoolConfig(profile({ tls: { caFile: join(dir, 'missing.pem') } }), cloud)).toThrow(
      /CA file named by tls\.caFile \(.*missing\.pem\): ENOENT/,
    );
  });

  it('transaction pooler: pooler host/port, no statement_timeout (no session state)', () => {
    const pooled = postgresPoolConfig(
      profile({
        provider: 'supabase',
        host: 'db.abc.supabase.co',
        statementTimeoutMs: 2000,
        pooler: { mode: 'transaction', host: 'aws-0-eu-west-1.pooler.supabase.com', port: 6543 },
      }),
      cloud,
    );
    expect(pooled).toMatchObject({ host: 'aws-0-eu-west-1.pooler.supabase.com', port: 6543 });
    expect(pooled).not.toHaveProperty('statement_timeout');
    expect(pooled).not.toHaveProperty('options');
    const session = postgresPoolConfig(profile({ statementTimeoutMs: 2000, pooler: { mode: 'session', port: 5433 } }), cloud);
    expect(session).toMatchObject({ host: 'db.example.rds.amazonaws.com', port: 5433, statement_timeout: 2000 });
  });

  it('a cloud profile needs a host (or a pooler host); a local one defaults to the loopback address', () => {
    expect(() => postgresPoolConfig(parseConnectionProfile({ provider: 'gcp', dialect: 'postgres', database: 'app' }), cloud)).toThrow(
      /gcp connection profile has no host/,
    );
    const viaPooler = postgresPoolConfig(
      parseConnectionProfile({
        provider: 'supabase',
        dialect: 'postgres',
        database: 'app',
        pooler: { mode: 'transaction', host: 'pool.supabase.com', port: 6543 },
      }),
      cloud,
    );
    expect(viaPooler).toMatchObject({ host: 'pool.supabase.com', port: 6543 });
    const localProfile = parseConnectionProfile({ provider: 'local-postgres', dialect: 'postgres', database: 'app', tls: { mode: 'disable' } });
    expect(postgresPoolConfig(localProfile, local)).toMatchObject({ host: '127.0.0.1', port: 5432 });
  });

  it('falls back to the provider default port and 10 connections', () => {
    const config = postgresPoolConfig(parseConnectionProfile({ provider: 'neon', dialect: 'postgres', host: 'ep-x.neon.tech', database: 'app' }), {
      requiresTls: true,
      defaultPort: 5439,
    });
    expect(config).toMatchObject({ port: 5439, max: 10 });
  });
});
