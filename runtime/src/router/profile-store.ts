import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type ConnectionProfile, type ConnectionProfileInput, parseConnectionProfile } from '../contracts/connection-profile.ts';

/**
 * Where the runtime reads which database a tenant is on. A switch flips `active` and keeps the profile it left as
 * `previous`, for the rollback window.
 */
export interface ProfileStore {
  /** The tenant's active profile; an unknown tenant is an error naming it. */
  active(tenant: string): Promise<ConnectionProfile>;
  /** The profile active before the last `activate`, if any. */
  previous(tenant: string): Promise<ConnectionProfile | undefined>;
  /** Makes `profile` the active one; the one it replaces becomes `previous`. Durable when it resolves. */
  activate(tenant: string, profile: ConnectionProfileInput | ConnectionProfile): Promise<void>;
}

const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function assertTenantName(tenant: string): void {
  if (!TENANT_NAME.test(tenant) || tenant.includes('..')) {
    throw new Error(`invalid tenant name ${JSON.stringify(tenant)}: use letters, digits, '.', '_' and '-' (up to 128, not starting with a symbol)`);
  }
}

/** Profiles kept in memory (tests, and applications that build profiles themselves). */
export function memoryProfileStore(initial: Record<string, ConnectionProfileInput | ConnectionProfile> = {}): ProfileStore {
  const entries = new Map<string, { active: ConnectionProfile; previous?: ConnectionProfile }>();
  for (const [tenant, profile] of Object.entries(initial)) entries.set(tenant, { active: parseConnectionProfile(profile, `profile of ${tenant}`) });
  return {
    async active(tenant) {
      const entry = entries.get(tenant);
      if (!entry) throw new Error(`no profile for tenant ${tenant} in the profile store`);
      return entry.active;
    },
    async previous(tenant) {
      return entries.get(tenant)?.previous;
    },
    async activate(tenant, profile) {
      const parsed = parseConnectionProfile(profile, `profile of ${tenant}`);
      entries.set(tenant, { active: parsed, previous: entries.get(tenant)?.active });
    },
  };
}

interface StoredProfiles {
  active: ConnectionProfile;
  previous?: ConnectionProfile;
  /** 1 for the first profile activated, +1 at each activate (files written before versions read as 1). */
  version: number;
}

/**
 * The profile as a shared store keeps it: a plain password is written to its own 0600 file under
 * `<root>/secrets/` and the profile refers to it (passwordRef); a profile with passwordRef is kept as it is.
 */
export async function passwordToFile(root: string, tenant: string, profile: ConnectionProfile): Promise<ConnectionProfile> {
  if (profile.password === undefined) return profile;
  const { password, ...rest } = profile;
  const digest = createHash('sha256')
    .update(`${profile.provider}\0${profile.host ?? ''}\0${profile.database}\0${profile.user ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  const file = join(resolve(root), 'secrets', `${tenant}-${digest}.password`);
  await writeDurably(file, password, 0o600);
  return { ...rest, passwordRef: `file:${file}` };
}

/**
 * Profiles in a folder, one `<tenant>.profiles.json` per tenant (several processes can share it). Written to a
 * temporary file, fsync'd and renamed, so a crash leaves the old file or the new one. A plain password never goes
 * into the JSON: it is written to its own 0600 file under `secrets/` and the profile refers to it (passwordRef).
 */
export function fileProfileStore(dir: string): ProfileStore & { current(tenant: string): Promise<{ version: number; profile: ConnectionProfile }> } {
  const root = resolve(dir);
  const fileOf = (tenant: string) => {
    assertTenantName(tenant);
    return join(root, `${tenant}.profiles.json`);
  };
  const read = async (tenant: string): Promise<StoredProfiles | undefined> => {
    const file = fileOf(tenant);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    let data: { active?: unknown; previous?: unknown; version?: unknown };
    try {
      data = JSON.parse(text) as typeof data;
    } catch (error) {
      throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    return {
      active: parseConnectionProfile(data.active, `${file} (active)`),
      previous: data.previous === undefined ? undefined : parseConnectionProfile(data.previous, `${file} (previous)`),
      version: Number.isSafeInteger(data.version) && (data.version as number) > 0 ? (data.version as number) : 1,
    };
  };
  const current = async (tenant: string) => {
    const stored = await read(tenant);
    if (!stored) throw new Error(`no profile for tenant ${tenant} in ${root}`);
    return { version: stored.version, profile: stored.active };
  };
  return {
    current,
    async active(tenant) {
      return (await current(tenant)).profile;
    },
    async previous(tenant) {
      return (await read(tenant))?.previous;
    },
    async activate(tenant, profile) {
      const parsed = await passwordToFile(root, tenant, parseConnectionProfile(profile, `profile of ${tenant}`));
      const before = await read(tenant);
      const next: StoredProfiles = { active: parsed, ...(before ? { previous: before.active } : {}), version: (before?.version ?? 0) + 1 };
      await writeDurably(fileOf(tenant), `${JSON.stringify(next, null, 2)}\n`, 0o600);
    },
  };
}

/** Writes `file` so that after a crash it holds either the old content or the new, never a torn mix. */
export async function writeDurably(file: string, content: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const dirHandle = await open(dirname(file), 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
