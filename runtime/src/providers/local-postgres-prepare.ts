import type { ConnectionProfile } from '../contracts/connection-profile.ts';
import type { PreparedProfile } from './index.ts';
import { startLocalPostgres } from './local-postgres.ts';

/**
 * local-postgres with `dataDir`: starts the embedded server there (initialising it on first use) with the profile's
 * user and password, creates the profile's database when missing, and points the profile at the server. When a
 * server already runs on that folder it is reused and left running on release.
 */
export async function prepareLocalPostgres(profile: ConnectionProfile): Promise<PreparedProfile> {
  if (!profile.dataDir) return { profile, release: async () => {} };
  if (!profile.password) {
    throw new Error(`local-postgres with dataDir ${profile.dataDir} needs a password (password or passwordRef) for the embedded server's user`);
  }
  const server = await startLocalPostgres({ dataDir: profile.dataDir, password: profile.password, user: profile.user, port: profile.port });
  try {
    await ensureDatabase(server.host, server.port, server.user, profile.password, profile.database);
  } catch (error) {
    if (server.owned) await server.stop().catch(() => {});
    throw error;
  }
  let stopped = false;
  return {
    // The server listens on loopback only and was started without TLS; an explicit tls setting still wins.
    profile: { ...profile, host: server.host, port: server.port, user: server.user, tls: profile.tls ?? { mode: 'disable', minVersion: 'TLSv1.2' } },
    release: async () => {
      if (!server.owned || stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

async function ensureDatabase(host: string, port: number, user: string, password: string, database: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ host, port, user, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
