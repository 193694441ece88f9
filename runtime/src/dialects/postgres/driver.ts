import { readFileSync } from 'node:fs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import type { ConnectionProfile } from '../../contracts/connection-profile.ts';
import type { ConnectionQuirks, OpenedDatabase } from '../dialect.ts';

/**
 * node-postgres pool settings, built field by field. Never a connection string: node-postgres lets `sslmode` in a
 * string silently replace the `ssl` object, which would undo certificate verification.
 *
 * Transaction-mode poolers (Supabase Supavisor on 6543, PgBouncer): node-postgres prepares a named statement only
 * when a query carries a `name`, and Kysely never sets one, so every query goes out as an unnamed statement
 * (parse/bind/execute in one round trip) that such poolers accept. No session state is set at connect either (no
 * startup `options`, no statement_timeout), since the next transaction may run on another server connection. pg's
 * global type parsers are left as they are: they belong to the application.
 */
export function postgresPoolConfig(profile: ConnectionProfile, quirks: ConnectionQuirks): pg.PoolConfig {
  const transactionPooler = profile.pooler?.mode === 'transaction';
  const host = profile.pooler?.host ?? profile.host;
  // A cloud database has no sensible default address; only a local server does.
  if (!host && quirks.requiresTls) throw new Error(`the ${profile.provider} connection profile has no host: set host (or pooler.host)`);
  const config: pg.PoolConfig = {
    host: host ?? '127.0.0.1',
    port: profile.pooler?.port ?? profile.port ?? quirks.defaultPort ?? 5432,
    database: profile.database,
    user: profile.user,
    password: profile.password,
    max: profile.poolSize ?? 10,
    ssl: tlsOptions(profile, quirks),
    application_name: 'byos',
  };
  if (profile.statementTimeoutMs !== undefined && !transactionPooler) config.statement_timeout = profile.statementTimeoutMs;
  return config;
}

function tlsOptions(profile: ConnectionProfile, quirks: ConnectionQuirks): ConnectionOptions | false {
  const tls = profile.tls ?? { mode: 'verify-full', minVersion: 'TLSv1.2' };
  if (tls.mode === 'disable') {
    // connect() refuses this earlier; kept here so no caller of the driver can open a plaintext cloud pool.
    if (quirks.requiresTls) throw new Error(`refusing a plaintext connection to ${profile.provider}: tls.mode is disable`);
    return false;
  }
  const minVersion = tls.minVersion ?? 'TLSv1.2';
  if (tls.maxVersion && tls.maxVersion < minVersion) {
    throw new Error(`tls.maxVersion ${tls.maxVersion} is below tls.minVersion ${minVersion}: no protocol version is left`);
  }
  const options: ConnectionOptions = { rejectUnauthorized: true, minVersion };
  if (tls.maxVersion) options.maxVersion = tls.maxVersion;
  const ca = tls.ca ?? (tls.caFile ? readCa(tls.caFile) : undefined);
  if (ca) options.ca = ca;
  if (tls.servername) {
    options.servername = tls.servername;
    // node-postgres overwrites `servername` with the host when the host is a name, so the identity check is
    // pinned here to the name the profile asks for.
    const expected = tls.servername;
    options.checkServerIdentity = (_host, cert) => checkServerIdentity(expected, cert);
  }
  // verify-ca: the chain must lead to the CA, but the certificate may name something else than the host
  // (Cloud SQL names the instance, not its IP address).
  if (tls.mode === 'verify-ca') options.checkServerIdentity = () => undefined;
  return options;
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the CA file named by tls.caFile (${file}): ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/**
 * A server that goes away (restart, `pg_terminate_backend`, network drop) must fail the work in progress with an
 * error, never crash the process. node-postgres emits `error` on a client that receives it outside a query, and
 * pg-pool listens only while the client is idle: a client checked out (a transaction, a COPY, a cursor) between two
 * queries would raise an unhandled `error` event. Every client gets a listener of its own for its whole life; the
 * query in flight, or the next one, then fails with the connection error and the caller reports it.
 */
export function survivesServerLoss(pool: pg.Pool): void {
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
}

export async function openPostgres(profile: ConnectionProfile, quirks: ConnectionQuirks): Promise<OpenedDatabase> {
  const config = postgresPoolConfig(profile, quirks);
  const { default: pgModule } = await import('pg');
  const pool = new pgModule.Pool(config);
  survivesServerLoss(pool);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db); // fail at connect time, not at the first query
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error;
  }
  return { db, native: pool, close: () => db.destroy() };
}
