import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { atFileEnd } from './file-cleanup.ts';
import { connect, type TenantDb } from '@byos/runtime';
import type { ConnectionProfileInput, DialectName } from '@byos/runtime';

/** Superuser URL of the run's PostgreSQL (embedded, or BYOS_TEST_PG_URL). */
export function pgAdminUrl(): string {
  return inject('pgAdminUrl');
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database on the test server, dropped when the test file ends. Returns its URL
 * (superuser credentials; the server is local and plaintext).
 */
export async function freshPostgresDatabase(label = 'db'): Promise<string> {
  const name = `byos_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  atFileEnd(() => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const url = new URL(pgAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** A path for a new SQLite file in a temp folder removed when the test file ends. */
export async function freshSqlitePath(label = 'db'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-test-sqlite-'));
  atFileEnd(() => rm(dir, { recursive: true, force: true }));
  return join(dir, `${label}.sqlite`);
}

/** The dialects that can run on this machine (SQL Server cannot: no package provides it). */
export const DIALECTS: readonly DialectName[] = ['postgres', 'sqlite'];

/** A connection profile for a fresh, empty database of the given dialect. */
export async function freshProfile(dialect: DialectName, label = 'db'): Promise<ConnectionProfileInput> {
  if (dialect === 'postgres') {
    const url = new URL(await freshPostgresDatabase(label));
    return {
      provider: 'local-postgres',
      dialect: 'postgres',
      host: url.hostname,
      port: Number(url.port),
      database: url.pathname.slice(1),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      tls: { mode: 'disable' },
    };
  }
  if (dialect === 'sqlite') return { provider: 'local-sqlite', dialect: 'sqlite', database: await freshSqlitePath(label) };
  throw new Error(`no test database for dialect ${dialect} on this machine`);
}

/** Connects to a fresh database of `dialect`; closed when the test file ends. */
export async function freshTenantDb(dialect: DialectName, label = 'db'): Promise<TenantDb> {
  const tenant = await connect(await freshProfile(dialect, label));
  atFileEnd(() => tenant.close());
  return tenant;
}
