import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ConnectionProfile, parseConnectionProfile, parseTenantSpec, type TenantSpec } from '@byos/runtime';

/** Where a tenant's database lives: one Pulumi stack's resources, reached with one profile. */
export interface Placement {
  /** The Pulumi stack holding it (`acme-sg`, or `acme-sg--gcp-asia-southeast1` while a switch keeps both). */
  stack: string;
  provider: TenantSpec['provider'];
  region: string;
  /** The profile, never with a password inline: a passwordRef (env: or file:) or none. */
  profile?: ConnectionProfile;
}

/** What the operator last did for a tenant: the spec it realised and where the data lives now. */
export interface RecordedTenant {
  tenant: string;
  spec: TenantSpec;
  specHash: string;
  active: Placement;
  /** The previous placement, kept for the rollback window after a switch. */
  standby?: Placement;
  /** Id of the last migration applied by reconcile. */
  lastMigration?: string;
  updatedAt: string;
  history: { at: string; action: string; detail: string }[];
}

/**
 * Recorded state, one JSON file per tenant in a folder (`.byos/state/tenants`). Each write goes to a temp file and
 * is renamed over the old one, so a crash leaves either the old record or the new one, never half of each.
 */
export class StateStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  async list(): Promise<RecordedTenant[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return Promise.all(names.map((n) => this.read(join(this.dir, n))));
  }

  async get(tenant: string): Promise<RecordedTenant | undefined> {
    try {
      return await this.read(this.fileOf(tenant));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(record: RecordedTenant): Promise<void> {
    for (const placement of [record.active, record.standby]) {
      if (placement?.profile?.password) throw new Error(`refusing to record a password for tenant ${record.tenant}: use a passwordRef (env:NAME or file:PATH)`);
    }
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(record.tenant);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, file);
  }

  /** Forgets a retired tenant. */
  async remove(tenant: string): Promise<void> {
    await rm(this.fileOf(tenant), { force: true });
  }

  private fileOf(tenant: string): string {
    return join(this.dir, `${tenant}.json`);
  }

  private async read(file: string): Promise<RecordedTenant> {
    let record: RecordedTenant;
    try {
      record = JSON.parse(await readFile(file, 'utf8')) as RecordedTenant;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
      throw new Error(`state file ${file} is not valid JSON: ${(error as Error).message}`);
    }
    // Re-validate what crosses into the operator: a hand-edited state file gets a named error, not a crash later.
    record.spec = parseTenantSpec(record.spec, file);
    for (const placement of [record.active, record.standby]) {
      if (placement?.profile) placement.profile = parseConnectionProfile(placement.profile, file);
    }
    return record;
  }
}
