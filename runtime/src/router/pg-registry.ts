import type pg from 'pg';
import { type ConnectionProfile, parseConnectionProfile } from '../contracts/connection-profile.ts';
import { assertTenantName, passwordToFile } from './profile-store.ts';
import type { TenantRegistry } from './registry.ts';

const CHANNEL = 'byos_tenant_registry';

// One simple query runs as one transaction: the lock keeps processes starting together from racing on CREATE TABLE.
const SCHEMA = `
SELECT pg_advisory_xact_lock(hashtext('byos_tenant_registry'));
CREATE TABLE IF NOT EXISTS byos_tenant_registry (
  tenant text PRIMARY KEY,
  version bigint NOT NULL,
  profile jsonb NOT NULL,
  previous jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS byos_tenant_registry_routers (
  router_id text PRIMARY KEY,
  last_seen timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS byos_tenant_registry_acks (
  router_id text NOT NULL,
  tenant text NOT NULL,
  version bigint NOT NULL,
  acked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (router_id, tenant)
);`;

export interface PostgresTenantRegistryOptions {
  /** The control database (not a tenant's): `postgres://…`. Its tables are created when missing. */
  url: string;
  /**
   * Where a profile's plain password goes (a 0600 file, the stored profile refers to it with passwordRef), as
   * fileProfileStore does. Without it a profile carrying a plain password is refused: use passwordRef.
   */
  secretsDir?: string;
}

/**
 * The registry in a control database: `byos_tenant_registry(tenant, version, profile jsonb, previous, updated_at)`,
 * `byos_tenant_registry_routers(router_id, last_seen)` and `byos_tenant_registry_acks(router_id, tenant, version,
 * acked_at)`. An activate sends NOTIFY byos_tenant_registry; routers LISTEN and poll as well.
 */
export async function postgresTenantRegistry(options: PostgresTenantRegistryOptions): Promise<TenantRegistry> {
  const { default: pgModule } = await import('pg');
  const pool = new pgModule.Pool({ connectionString: options.url, max: 3 });
  pool.on('error', () => {}); // an idle client's error; the next query reports it
  try {
    await pool.query(SCHEMA);
  } catch (error) {
    await pool.end();
    throw new Error(`cannot prepare the tenant registry tables: ${(error as Error).message}`);
  }
  const listeners = new Set<() => void>();
  let listening: Promise<pg.Client | undefined> | undefined;
  const listen = () => {
    listening ??= (async () => {
      const client = new pgModule.Client({ connectionString: options.url });
      client.on('error', () => {}); // lost: polling goes on
      try {
        await client.connect();
        client.on('notification', () => {
          for (const l of listeners) l();
        });
        await client.query(`LISTEN ${CHANNEL}`);
        return client;
      } catch {
        await client.end().catch(() => {});
        return undefined;
      }
    })();
    return listening;
  };
  const stopListening = async () => {
    const client = await listening;
    listening = undefined;
    await client?.end().catch(() => {});
  };
  const stored = async (tenant: string, profile: ConnectionProfile): Promise<ConnectionProfile> => {
    if (profile.password === undefined) return profile;
    if (!options.secretsDir) {
      throw new Error(`the profile of ${tenant} carries a plain password: the tenant registry stores none (give passwordRef, or secretsDir)`);
    }
    return passwordToFile(options.secretsDir, tenant, profile);
  };
  const row = async (tenant: string) => {
    assertTenantName(tenant);
    const { rows } = await pool.query<{ version: string; profile: unknown; previous: unknown }>(
      'SELECT version, profile, previous FROM byos_tenant_registry WHERE tenant = $1',
      [tenant],
    );
    return rows[0];
  };
  const registry: TenantRegistry = {
    kind: 'postgres',
    async current(tenant) {
      const r = await row(tenant);
      if (!r) throw new Error(`no profile for tenant ${tenant} in the tenant registry`);
      return { version: Number(r.version), profile: parseConnectionProfile(r.profile, `registry profile of ${tenant}`) };
    },
    async active(tenant) {
      return (await registry.current(tenant)).profile;
    },
    async previous(tenant) {
      const r = await row(tenant);
      return r?.previous == null ? undefined : parseConnectionProfile(r.previous, `registry previous profile of ${tenant}`);
    },
    async activate(tenant, profile) {
      assertTenantName(tenant);
      const parsed = await stored(tenant, parseConnectionProfile(profile, `profile of ${tenant}`));
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ version: string }>(
          `INSERT INTO byos_tenant_registry AS r (tenant, version, profile) VALUES ($1, 1, $2)
           ON CONFLICT (tenant) DO UPDATE SET version = r.version + 1, previous = r.profile, profile = excluded.profile, updated_at = now()
           RETURNING version`,
          [tenant, JSON.stringify(parsed)],
        );
        // Delivered at commit, so a listener never reads the version before it is there.
        await client.query('SELECT pg_notify($1, $2)', [CHANNEL, `${tenant}:${rows[0]!.version}`]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async versions() {
      const { rows } = await pool.query<{ tenant: string; version: string }>('SELECT tenant, version FROM byos_tenant_registry');
      return new Map(rows.map((r) => [r.tenant, Number(r.version)]));
    },
    watch(listener, pollMs = 1000) {
      listeners.add(listener);
      void listen();
      const timer = setInterval(listener, pollMs);
      timer.unref();
      return () => {
        clearInterval(timer);
        listeners.delete(listener);
        if (!listeners.size) void stopListening();
      };
    },
    async heartbeat(routerId) {
      await pool.query(
        `INSERT INTO byos_tenant_registry_routers (router_id, last_seen) VALUES ($1, now())
         ON CONFLICT (router_id) DO UPDATE SET last_seen = now()`,
        [routerId],
      );
    },
    async unregister(routerId) {
      await pool.query('DELETE FROM byos_tenant_registry_routers WHERE router_id = $1', [routerId]);
    },
    async ack(routerId, tenant, version) {
      assertTenantName(tenant);
      await pool.query(
        `INSERT INTO byos_tenant_registry_acks (router_id, tenant, version, acked_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (router_id, tenant) DO UPDATE SET version = excluded.version, acked_at = now()`,
        [routerId, tenant, version],
      );
    },
    async acks(tenant) {
      const { rows } = await pool.query<{ router_id: string; version: string; acked_at: Date }>(
        'SELECT router_id, version, acked_at FROM byos_tenant_registry_acks WHERE tenant = $1',
        [tenant],
      );
      return rows.map((r) => ({ routerId: r.router_id, tenant, version: Number(r.version), ackedAt: r.acked_at }));
    },
    async routers() {
      // The server's clock, read in the same query: heartbeats are compared with it, not with this machine's.
      const { rows } = await pool.query<{ router_id: string; age_ms: number }>(
        'SELECT router_id, (extract(epoch FROM clock_timestamp() - last_seen) * 1000)::float8 AS age_ms FROM byos_tenant_registry_routers',
      );
      const now = Date.now();
      return rows.map((r) => ({ routerId: r.router_id, lastSeen: new Date(now - r.age_ms) }));
    },
    async close() {
      listeners.clear();
      await stopListening();
      await pool.end();
    },
  };
  return registry;
}
