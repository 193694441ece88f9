import { watch } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConnectionProfile } from '../contracts/connection-profile.ts';
import { assertTenantName, fileProfileStore, type ProfileStore, writeDurably } from './profile-store.ts';

/** A router's acknowledgement: it sends no more work for `tenant` to a database older than `version`. */
export interface RouterAck {
  routerId: string;
  tenant: string;
  version: number;
  ackedAt: Date;
}

/** A router registered with the registry; `lastSeen` is its last heartbeat. */
export interface RegisteredRouter {
  routerId: string;
  lastSeen: Date;
}

/**
 * A profile store that every process's router follows: each tenant's current profile with a version (+1 at each
 * activate), routers registered with a heartbeat, and their acknowledgements of versions. A switch activates the new
 * profile (a new version), then waits for the acknowledgements (awaitAcknowledgements).
 */
export interface TenantRegistry extends ProfileStore {
  readonly kind: 'file' | 'postgres';
  /** The tenant's current profile and its version; an unknown tenant is an error naming it. */
  current(tenant: string): Promise<{ version: number; profile: ConnectionProfile }>;
  /** Every tenant's current version. */
  versions(): Promise<Map<string, number>>;
  /**
   * Calls `listener` soon after a version changes (NOTIFY or fs.watch) and at least every `pollMs` anyway, since a
   * notification can be missed. Returns the function that stops it.
   */
  watch(listener: () => void, pollMs?: number): () => void;
  /** Registers the router, or renews its registration (its heartbeat). */
  heartbeat(routerId: string): Promise<void>;
  /** Removes a router that closes, so switches stop waiting for it. */
  unregister(routerId: string): Promise<void>;
  ack(routerId: string, tenant: string, version: number): Promise<void>;
  /** Each router's latest acknowledgement for the tenant. */
  acks(tenant: string): Promise<RouterAck[]>;
  routers(): Promise<RegisteredRouter[]>;
  /** Releases the registry's connections (routers using it must be closed first). */
  close(): Promise<void>;
}

export function isTenantRegistry(store: ProfileStore): store is TenantRegistry {
  const kind = (store as Partial<TenantRegistry>).kind;
  return (kind === 'file' || kind === 'postgres') && typeof (store as Partial<TenantRegistry>).ack === 'function';
}

/** The default router id: `host:pid`, unique among the processes that share a registry. */
export function defaultRouterId(): string {
  return `${hostname()}:${process.pid}`;
}

/** What a switch learnt from waiting for the routers after publishing `version`. */
export interface AckReport {
  version: number;
  /** Routers that acknowledged the version (or a later one). */
  acknowledged: string[];
  /** Routers live at the publish (or registered since) that had not acknowledged when the wait ended. */
  missing: RegisteredRouter[];
  waitedMs: number;
}

/**
 * Waits until every router that was live when `version` was published (heartbeat within `staleAfterMs`) has
 * acknowledged it, or `timeoutMs` passed. A router that stops heartbeating during the wait (a stopped or hung
 * process) is still waited for and reported: it may wake up and write through its old connection.
 */
export async function awaitAcknowledgements(
  registry: TenantRegistry,
  tenant: string,
  version: number,
  options: { timeoutMs?: number; staleAfterMs?: number; pollMs?: number } = {},
): Promise<AckReport> {
  const { timeoutMs = 30_000, staleAfterMs = 10_000, pollMs = 50 } = options;
  const started = Date.now();
  const expected = new Map<string, RegisteredRouter>();
  let acknowledged = new Set<string>();
  for (;;) {
    const [routers, acks] = await Promise.all([registry.routers(), registry.acks(tenant)]);
    const now = Date.now();
    for (const r of routers) if (now - r.lastSeen.getTime() <= staleAfterMs || expected.has(r.routerId)) expected.set(r.routerId, r);
    // A router that unregistered (closed cleanly) no longer routes anything.
    for (const id of expected.keys()) if (!routers.some((r) => r.routerId === id)) expected.delete(id);
    acknowledged = new Set(acks.filter((a) => a.version >= version).map((a) => a.routerId));
    const missing = [...expected.values()].filter((r) => !acknowledged.has(r.routerId));
    if (!missing.length || now - started >= timeoutMs) {
      return {
        version,
        acknowledged: [...acknowledged].filter((id) => expected.has(id)).sort(),
        missing: missing.sort((a, b) => a.routerId.localeCompare(b.routerId)),
        waitedMs: now - started,
      };
    }
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, timeoutMs - (now - started)))));
  }
}

const fileNameOf = (routerId: string) => encodeURIComponent(routerId).replace(/\./g, '%2E');

/**
 * The registry in a folder, for processes on one machine: profiles as fileProfileStore keeps them (plain passwords
 * in 0600 files under `secrets/`, the JSON refers to them), `routers/<id>.json` for heartbeats and
 * `acks/<tenant>/<id>.json` for each router's latest acknowledgement. Changes are noticed by fs.watch and polling.
 */
export function fileTenantRegistry(dir: string): TenantRegistry {
  const root = resolve(dir);
  const store = fileProfileStore(root);
  const routersDir = join(root, 'routers');
  const acksDir = (tenant: string) => {
    assertTenantName(tenant);
    return join(root, 'acks', tenant);
  };
  const readJsonFiles = async <T>(folder: string): Promise<T[]> => {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const out: T[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        out.push(JSON.parse(await readFile(join(folder, name), 'utf8')) as T);
      } catch (error) {
        // Removed between readdir and read (a router unregistering).
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return out;
  };
  return {
    kind: 'file',
    active: (tenant) => store.active(tenant),
    previous: (tenant) => store.previous(tenant),
    activate: (tenant, profile) => store.activate(tenant, profile),
    current: (tenant) => store.current(tenant),
    async versions() {
      const out = new Map<string, number>();
      let names: string[] = [];
      try {
        names = await readdir(root);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      for (const name of names) {
        const match = /^(.+)\.profiles\.json$/.exec(name);
        if (match) out.set(match[1]!, (await store.current(match[1]!)).version);
      }
      return out;
    },
    watch(listener, pollMs = 250) {
      const timer = setInterval(listener, pollMs);
      timer.unref();
      let watcher: ReturnType<typeof watch> | undefined;
      try {
        watcher = watch(root, { persistent: false }, (_event, name) => {
          if (name?.endsWith('.profiles.json')) listener();
        });
        watcher.on('error', () => watcher?.close());
      } catch {
        // No fs.watch here (or no folder yet): polling alone.
      }
      return () => {
        clearInterval(timer);
        watcher?.close();
      };
    },
    async heartbeat(routerId) {
      await mkdir(routersDir, { recursive: true });
      await writeDurably(join(routersDir, `${fileNameOf(routerId)}.json`), JSON.stringify({ routerId, lastSeen: new Date().toISOString() }));
    },
    async unregister(routerId) {
      await rm(join(routersDir, `${fileNameOf(routerId)}.json`), { force: true });
    },
    async ack(routerId, tenant, version) {
      await writeDurably(
        join(acksDir(tenant), `${fileNameOf(routerId)}.json`),
        JSON.stringify({ routerId, tenant, version, ackedAt: new Date().toISOString() }),
      );
    },
    async acks(tenant) {
      const rows = await readJsonFiles<{ routerId: string; tenant: string; version: number; ackedAt: string }>(acksDir(tenant));
      return rows.map((r) => ({ ...r, ackedAt: new Date(r.ackedAt) }));
    },
    async routers() {
      const rows = await readJsonFiles<{ routerId: string; lastSeen: string }>(routersDir);
      return rows.map((r) => ({ routerId: r.routerId, lastSeen: new Date(r.lastSeen) }));
    },
    async close() {},
  };
}
