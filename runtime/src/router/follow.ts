import type { Gate } from './gate.ts';
import type { TenantRegistry } from './registry.ts';

interface FollowedRoute {
  gate: Gate;
  backend?: unknown;
  opening?: Promise<unknown>;
  version?: number;
}

interface FollowingRouter {
  readonly id: string;
  pause(tenant: string, options?: { drainTimeoutMs?: number }): Promise<void>;
  reload(tenant: string): Promise<void>;
  resume(tenant: string): number;
}

/**
 * Keeps a router on the registry's current versions: registers it with a heartbeat, and on a new version of a tenant
 * holds the tenant's new work, drains what runs, reconnects to the new profile, lets the work through and
 * acknowledges. A tenant this router never opened is acknowledged at once (its first use reads the new profile).
 * A drain that times out, or a registry that cannot be reached, is retried at the next round; the router stays on
 * the database it has. Returns `ready` (registered and caught up once), `poke` (look now: a reload in this process,
 * so its acknowledgement does not wait for the next poll) and `stop` (unregisters).
 */
export function followRegistry(
  registry: TenantRegistry,
  router: FollowingRouter,
  routes: ReadonlyMap<string, FollowedRoute>,
  options: { ack?: boolean; heartbeatMs?: number; pollMs?: number; drainTimeoutMs?: number },
): { ready: Promise<void>; poke: () => void; stop: () => Promise<void> } {
  const acked = new Map<string, number>();
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;

  const followOnce = async () => {
    const versions = await registry.versions();
    for (const [tenant, version] of versions) {
      if (stopped) return;
      if ((acked.get(tenant) ?? 0) >= version) continue;
      const route = routes.get(tenant);
      await route?.opening?.catch(() => {});
      if (route?.backend && (route.version ?? 0) < version) {
        // Held by a switch running in this process: it reloads the route itself; look again next round.
        if (route.gate.stats().paused) continue;
        try {
          await router.pause(tenant, { drainTimeoutMs: options.drainTimeoutMs ?? 10_000 });
        } catch {
          continue; // could not drain in time; the pause released the work, try again next round
        }
        try {
          await router.reload(tenant);
        } catch {
          continue;
        } finally {
          router.resume(tenant);
        }
      }
      const on = route?.backend ? (route.version ?? version) : version;
      if (on < version) continue;
      if (options.ack !== false) await registry.ack(router.id, tenant, on);
      acked.set(tenant, on);
    }
  };
  const follow = () => {
    if (stopped) return running;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await followOnce().catch(() => {});
      } while (again && !stopped);
      running = undefined;
    })();
    return running;
  };
  let beating: Promise<void> = Promise.resolve();
  const beat = () => (beating = registry.heartbeat(router.id).catch(() => {}));
  const timer = setInterval(beat, options.heartbeatMs ?? 1000);
  timer.unref();
  const unwatch = registry.watch(() => void follow(), options.pollMs);
  const ready = (async () => {
    await beat();
    await follow();
  })();
  return {
    ready,
    poke: () => void follow(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      unwatch();
      await ready;
      await running;
      // A heartbeat still under way would register the router again after the unregister.
      await beating;
      await registry.unregister(router.id).catch(() => {});
    },
  };
}
