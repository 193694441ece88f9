import { resolve } from 'node:path';
import type { ConnectionProfile } from '../contracts/connection-profile.ts';
import type { PreparedProfile } from './index.ts';
import { type LocalPostgresServer, startLocalPostgres } from './local-postgres.ts';

/** One embedded server per data folder in this process, shared by every open connection to it. */
interface SharedServer {
  server: Promise<LocalPostgresServer>;
  users: number;
}
const servers = new Map<string, SharedServer>();
/** Servers being stopped: a new connect waits for the stop instead of attaching to a server about to exit. */
const stopping = new Map<string, Promise<void>>();
/** The last database check under way on each server (by port), so that checks run one after another. */
const creating = new Map<number, Promise<void>>();

/**
 * local-postgres with `dataDir`: starts the embedded server there (initialising it on first use) with the profile's
 * user and password, creates the profile's database when missing, and points the profile at the server.
 * Connections in this process share the server, which stops when the last of them closes. A server another process
 * started on that folder is used and left running.
 */
export async function prepareLocalPostgres(profile: ConnectionProfile): Promise<PreparedProfile> {
  if (!profile.dataDir) return { profile, release: async () => {} };
  const password = profile.password;
  if (!password) {
    throw new Error(`local-postgres with dataDir ${profile.dataDir} needs a password (password or passwordRef) for the embedded server's user`);
  }
  const { server, release } = await acquire(resolve(profile.dataDir), () =>
    startLocalPostgres({ dataDir: profile.dataDir ?? '', password, user: profile.user, port: profile.port }),
  );
  try {
    // One at a time per server: two connects at once would both find the database missing and both create it.
    const previous = creating.get(server.port) ?? Promise.resolve();
    const ensured = previous.catch(() => {}).then(() => ensureDatabase(server.host, server.port, server.user, password, profile.database));
    creating.set(server.port, ensured);
    await ensured.finally(() => {
      if (creating.get(server.port) === ensured) creating.delete(server.port);
    });
  } catch (error) {
    await release().catch(() => {});
    throw error;
  }
  return {
    // The server listens on loopback only and was started without TLS; an explicit tls setting still wins.
    profile: { ...profile, host: server.host, port: server.port, user: server.user, tls: profile.tls ?? { mode: 'disable', minVersion: 'TLSv1.2' } },
    release,
  };
}

async function acquire(key: string, start: () => Promise<LocalPostgresServer>): Promise<{ server: LocalPostgresServer; release: () => Promise<void> }> {
  await stopping.get(key)?.catch(() => {});
  let entry = servers.get(key);
  if (!entry) {
    const created: SharedServer = { server: start(), users: 0 };
    servers.set(key, created);
    created.server.catch(() => {
      if (servers.get(key) === created) servers.delete(key);
    });
    entry = created;
  }
  const shared = entry;
  shared.users += 1;
  let server: LocalPostgresServer;
  try {
    server = await shared.server;
  } catch (error) {
    shared.users -= 1;
    throw error;
  }
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    shared.users -= 1;
    if (shared.users > 0) return;
    if (servers.get(key) === shared) servers.delete(key);
    if (!server.owned) return;
    const stop = server.stop().finally(() => stopping.delete(key));
    stopping.set(key, stop);
    await stop;
  };
  return { server, release };
}

async function ensureDatabase(host: string, port: number, user: string, password: string, database: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ host, port, user, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      // Another process may create it at the same moment: losing that race (duplicate_database, or the unique
      // violation Postgres reports when both inserts meet in pg_database) is not a failure.
      await client.query(`create database "${database.replaceAll('"', '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}
