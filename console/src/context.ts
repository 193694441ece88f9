import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type ConnectionProfile, connect, parseConnectionProfile, type TenantDb, type TenantSpec } from '@byos/runtime';
import { createTenantRouter, fileTenantRegistry, type TenantRegistry, type TenantRouter } from '@byos/runtime/router';
import { type DesiredTenant, readDesiredTenants, type RecordedTenant, StateStore } from '@byos/pulumi/operator';
import { Jobs } from './jobs.ts';

/** Where the console reads the fleet from and keeps its own files. */
export interface ConsoleOptions {
  /** Tenant stack files (`stacks/Pulumi.<tenant>.yaml`). */
  stacksDir: string;
  /**
   * The state root, as `byos switch` and `byos reconcile` use it: operator records in `<state>/tenants`, switch
   * journals in `<state>`, and the file tenant registry routers follow in `<state>/profiles`.
   */
  stateDir: string;
  /** Ready connection profiles (`<tenant>.json` or `<tenant>.<provider>.json`, no password inline). */
  profilesDir?: string;
  /** Migrations folder for the migrate pages. */
  migrationsDir?: string;
  /** The console's own files: uploads, rejects, exports, generated types (downloads come from here only). */
  workDir: string;
}

export interface FleetTenant {
  tenant: string;
  /** The spec in git, or the one the operator last realised when the stack file is gone. */
  spec?: TenantSpec;
  desired?: DesiredTenant;
  recorded?: RecordedTenant;
}

/**
 * What every page shares: the fleet's sources, one tenant router over the file registry (so a move flips what
 * applications following the registry use), and the running jobs. Profiles never leave the server.
 */
export class ConsoleContext {
  readonly options: ConsoleOptions;
  readonly registry: TenantRegistry;
  readonly router: TenantRouter;
  readonly state: StateStore;
  readonly jobs = new Jobs();

  constructor(options: ConsoleOptions) {
    this.options = { ...options, stacksDir: resolve(options.stacksDir), stateDir: resolve(options.stateDir), workDir: resolve(options.workDir) };
    this.registry = fileTenantRegistry(join(this.options.stateDir, 'profiles'));
    this.router = createTenantRouter({ profiles: this.registry, routerId: `byos-console:${process.pid}` });
    this.state = new StateStore(join(this.options.stateDir, 'tenants'));
  }

  /** Every tenant in git or in the operator's records, by name; stack files that are not valid specs as problems. */
  async fleet(): Promise<{ tenants: FleetTenant[]; problems: { file: string; message: string }[] }> {
    const desired = await readDesiredTenants(this.options.stacksDir).catch((error: Error) => ({
      tenants: [] as DesiredTenant[],
      problems: [{ file: this.options.stacksDir, message: error.message }],
    }));
    const recorded = await this.state.list();
    const names = [...new Set([...desired.tenants.map((t) => t.tenant), ...recorded.map((r) => r.tenant)])].sort();
    const tenants = names.map((tenant) => {
      const d = desired.tenants.find((t) => t.tenant === tenant);
      const r = recorded.find((t) => t.tenant === tenant);
      return { tenant, spec: d?.spec ?? r?.spec, desired: d, recorded: r };
    });
    return { tenants, problems: desired.problems };
  }

  async tenant(name: string): Promise<FleetTenant | undefined> {
    return (await this.fleet()).tenants.find((t) => t.tenant === name);
  }

  /**
   * The tenant's active profile: the registry's (where the last move left it), else the operator's record, else
   * the profiles folder. Found outside the registry, it is registered there, so that moves and routers agree.
   */
  async profile(tenant: string): Promise<ConnectionProfile | undefined> {
    const current = await this.registry.active(tenant).catch(() => undefined);
    if (current) return current;
    const fleetTenant = await this.tenant(tenant);
    const found = fleetTenant?.recorded?.active.profile ?? (await this.readyProfile(tenant, fleetTenant?.spec?.provider));
    if (!found) return undefined;
    await this.registry.activate(tenant, found);
    return this.registry.active(tenant);
  }

  /**
   * Runs `work` on a connection to the tenant's active database, closed afterwards. A fresh connection per use:
   * after a move it reaches the new database, and the console holds nothing open on a tenant it is not using.
   */
  async withTenant<T>(tenant: string, work: (db: TenantDb) => Promise<T>): Promise<T> {
    const profile = await this.profile(tenant);
    if (!profile)
      throw new Error(`no connection profile for tenant ${tenant}: add ${join(this.options.profilesDir ?? '<profiles>', `${tenant}.json`)} or reconcile it`);
    const db = await connect(profile);
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  }

  private async readyProfile(tenant: string, provider: string | undefined): Promise<ConnectionProfile | undefined> {
    if (!this.options.profilesDir) return undefined;
    for (const name of [provider ? `${tenant}.${provider}.json` : undefined, `${tenant}.json`]) {
      if (!name) continue;
      const file = join(this.options.profilesDir, name);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        continue;
      }
      const profile = parseConnectionProfile(JSON.parse(text), file);
      if (profile.password) throw new Error(`${file} holds a password inline: use passwordRef (env:NAME or file:PATH)`);
      return profile;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await this.router.close();
    await this.registry.close();
  }
}
