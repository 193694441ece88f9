import type { Kysely, Transaction } from 'kysely';
import { connect, type TenantDb } from '../connect.ts';
import type { ConnectionProfile } from '../contracts/connection-profile.ts';
import type { ProviderName } from '../contracts/tenant-spec.ts';
import type { Dialect, DialectCapabilities } from '../dialects/dialect.ts';
import { followRegistry } from './follow.ts';
import { Gate, type GateStats } from './gate.ts';
import type { ProfileStore } from './profile-store.ts';
import { defaultRouterId, isTenantRegistry } from './registry.ts';
import { type Backend, routedKysely } from './routed-kysely.ts';

export { Gate, type GateStats } from './gate.ts';
export { assertTenantName, fileProfileStore, memoryProfileStore, writeDurably, type ProfileStore } from './profile-store.ts';
export {
  awaitAcknowledgements,
  defaultRouterId,
  fileTenantRegistry,
  isTenantRegistry,
  type AckReport,
  type RegisteredRouter,
  type RouterAck,
  type TenantRegistry,
} from './registry.ts';
export { postgresTenantRegistry, type PostgresTenantRegistryOptions } from './pg-registry.ts';

/**
 * A tenant's database as the router hands it out. `db` stays valid across a switch: it is the same object before
 * and after, its queries wait while the tenant is paused and then run on whatever database is active.
 */
export interface RoutedTenantDb<DB = any> {
  readonly tenant: string;
  readonly db: Kysely<DB>;
  /** The active database's dialect (`dialect.name` to print), provider, capabilities and (password-free) profile; they change at a flip. */
  readonly dialect: Dialect;
  readonly provider: ProviderName;
  readonly capabilities: DialectCapabilities;
  readonly profile: Omit<ConnectionProfile, 'password'>;
  /** 0 for the first database opened, +1 at each flip. */
  readonly generation: number;
}

export interface TenantRouter {
  /** Where the router reads each tenant's active profile (a switch flips it there). */
  readonly profiles: ProfileStore;
  /** The name it registers and acknowledges under in a tenant registry (default host:pid). */
  readonly id: string;
  /** Resolves once the router is registered in its tenant registry and caught up with it (at once without one). */
  readonly ready: Promise<void>;
  /** The tenant's routed handle (opens the active profile on first use). Cheap to call per request. */
  get<DB = any>(tenant: string): Promise<RoutedTenantDb<DB>>;
  /** Runs `work` in one transaction on the tenant's active database; it is one unit for pause and drain. */
  transaction<T, DB = any>(tenant: string, work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /**
   * Holds new work for the tenant and resolves once the connections in use were released (a transaction counts
   * until it ends). Throws, and releases the held work, when that takes longer than `drainTimeoutMs`.
   */
  pause(tenant: string, options?: { drainTimeoutMs?: number }): Promise<void>;
  /**
   * Re-reads the tenant's active profile from the store and opens it; the old database is closed. Call it paused:
   * it refuses while connections are in use, since they would keep running on the old database. `opened` is the
   * new database already connected (so the pause does not include connecting); it must match the active profile.
   */
  reload(tenant: string, opened?: TenantDb): Promise<void>;
  /** Lets held work through. Returns how long the pause lasted in milliseconds. */
  resume(tenant: string): number;
  /** `version`: the registry version of the open profile (undefined without a registry, or before the first use). */
  stats(tenant: string): GateStats & { generation: number; version?: number };
  /** Closes every database the router opened. */
  close(): Promise<void>;
}

export interface TenantRouterOptions {
  profiles: ProfileStore;
  /** Opens a profile; defaults to the runtime's connect (tests and tools may wrap it). */
  open?: (profile: ConnectionProfile) => Promise<TenantDb>;
  /** Its name in a tenant registry (default host:pid). */
  routerId?: string;
  /**
   * With a tenant registry as `profiles`, the router registers itself (a heartbeat every `heartbeatMs`, default
   * 1 s) and follows it: on a new version of a tenant it holds new work, drains, reconnects and acknowledges.
   * `false` turns this off; `ack: false` follows without acknowledging (to test a switch's report).
   */
  follow?: false | { ack?: boolean; heartbeatMs?: number; pollMs?: number; drainTimeoutMs?: number };
}

interface Route {
  name: string;
  gate: Gate;
  backend?: Backend;
  opening?: Promise<Backend>;
  generation: number;
  /** Registry version of the open backend. */
  version?: number;
  handle?: RoutedTenantDb;
  closed: boolean;
}

/**
 * The tenant router: applications get their tenant's database through it, and a switch pauses, flips and resumes
 * it without the application changing a line. Works like PgBouncer's PAUSE/RESUME, inside the process.
 */
export function createTenantRouter(options: TenantRouterOptions): TenantRouter {
  const open = options.open ?? ((profile: ConnectionProfile) => connect(profile));
  const routes = new Map<string, Route>();
  const registry = isTenantRegistry(options.profiles) ? options.profiles : undefined;
  const routerId = options.routerId ?? defaultRouterId();
  let closed = false;
  /** The active profile, with its registry version when there is a registry. */
  const readActive = async (tenant: string): Promise<{ profile: ConnectionProfile; version?: number }> =>
    registry ? registry.current(tenant) : { profile: await options.profiles.active(tenant) };

  const routeOf = (tenant: string): Route => {
    if (closed) throw new Error('the tenant router is closed');
    let route = routes.get(tenant);
    if (!route) {
      route = { name: tenant, gate: new Gate(), generation: 0, closed: false };
      routes.set(tenant, route);
    }
    return route;
  };

  const openBackend = (route: Route): Promise<Backend> => {
    if (route.backend) return Promise.resolve(route.backend);
    route.opening ??= (async () => {
      try {
        const { profile, version } = await readActive(route.name);
        const tenant = await open(profile);
        const backend = { tenant, generation: route.generation };
        route.backend = backend;
        route.version = version;
        return backend;
      } finally {
        route.opening = undefined;
      }
    })();
    return route.opening;
  };

  const handleOf = (route: Route): RoutedTenantDb => {
    if (route.handle) return route.handle;
    const current = () => {
      if (route.closed) throw new Error(`the tenant router is closed (tenant ${route.name})`);
      if (!route.backend) throw new Error(`tenant ${route.name} is not open yet: get its handle with await router.get('${route.name}')`);
      return route.backend;
    };
    const db = routedKysely<any>({ name: route.name, gate: route.gate, current, open: () => openBackend(route) });
    route.handle = {
      tenant: route.name,
      db,
      get dialect() {
        return current().tenant.dialect;
      },
      get provider() {
        return current().tenant.provider;
      },
      get capabilities() {
        return current().tenant.capabilities;
      },
      get profile() {
        return current().tenant.profile;
      },
      get generation() {
        return current().generation;
      },
    };
    return route.handle;
  };

  const router: TenantRouter = {
    profiles: options.profiles,
    id: routerId,
    ready: Promise.resolve(),

    async get(tenant) {
      const route = routeOf(tenant);
      await openBackend(route);
      return handleOf(route);
    },

    async transaction(tenant, work) {
      const handle = await router.get(tenant);
      return handle.db.transaction().execute(work as (trx: Transaction<any>) => Promise<any>);
    },

    async pause(tenant, pauseOptions) {
      await routeOf(tenant).gate.pause(pauseOptions?.drainTimeoutMs);
    },

    async reload(tenant, opened) {
      const route = routeOf(tenant);
      const { inFlight } = route.gate.stats();
      if (inFlight) throw new Error(`cannot reload tenant ${tenant} with ${inFlight} connection(s) in use: pause it first`);
      await route.opening?.catch(() => {});
      const old = route.backend;
      if (!old) {
        // Never opened here: the next get reads the new profile.
        await opened?.close();
        return;
      }
      const active = await readActive(tenant);
      const tenantDb = opened ?? (await open(active.profile));
      route.generation++;
      route.backend = { tenant: tenantDb, generation: route.generation };
      route.version = active.version;
      following?.poke();
      // Nothing runs on the old database any more; closing it need not hold the caller (a paused tenant).
      void old.tenant.close().catch(() => {});
    },

    resume(tenant) {
      return routeOf(tenant).gate.resume();
    },

    stats(tenant) {
      const route = routeOf(tenant);
      return { ...route.gate.stats(), generation: route.generation, version: route.version };
    },

    async close() {
      if (closed) return;
      closed = true;
      await following?.stop();
      for (const route of routes.values()) {
        route.closed = true;
        route.gate.resume();
        await route.opening?.catch(() => {});
        await route.backend?.tenant.close();
        route.backend = undefined;
      }
    },
  };
  const following = registry && options.follow !== false ? followRegistry(registry, router, routes, options.follow ?? {}) : undefined;
  return following ? Object.assign(router, { ready: following.ready }) : router;
}
