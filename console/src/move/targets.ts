import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type ConnectionProfile, PROVIDER_REGISTRY, parseConnectionProfile, type ProviderName, type TenantSpec } from '@byos/runtime';
import { assertProfileResidency, RESIDENCY } from '@byos/runtime/guard/residency';
import { fingerprint } from '@byos/runtime/switch';
import type { ConsoleContext } from '../context.ts';

/** A place a tenant can move to, as the browser sees it: where, never how to log in. */
export interface TargetView {
  /** The profile file's name in the profiles folder: what the browser sends back. */
  id: string;
  provider: string;
  dialect: string;
  host: string;
  database: string;
  region?: string;
}

/** Where a profile points, without credentials (user, password and its reference stay on the server). */
export function describeProfile(
  profile: Pick<ConnectionProfile, 'provider' | 'dialect' | 'host' | 'port' | 'database' | 'region' | 'dataDir'>,
  id = '',
): TargetView {
  const server = profile.host ?? (profile.dataDir ? 'embedded server on this machine' : 'localhost');
  const host = profile.dialect === 'sqlite' ? 'file on this machine' : `${server}${profile.host && profile.port ? `:${profile.port}` : ''}`;
  return { id, provider: profile.provider, dialect: profile.dialect, host, database: profile.database, region: profile.region };
}

const PROFILE_FILE = /^([\w-]+)\.([\w-]+)\.json$/;

/** Reads one ready profile of the profiles folder by its file name; the name must be `<tenant>.<provider>.json`. */
export async function readTargetProfile(ctx: ConsoleContext, tenant: string, id: string): Promise<ConnectionProfile> {
  const match = PROFILE_FILE.exec(id);
  if (!ctx.options.profilesDir || !match || match[1] !== tenant)
    throw new Error(`${JSON.stringify(id)} is not a ready profile of ${tenant} (<tenant>.<provider>.json)`);
  const file = join(ctx.options.profilesDir, id);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`no profile ${id} in the profiles folder`);
  });
  const profile = parseConnectionProfile(JSON.parse(text), file);
  if (profile.password) throw new Error(`${id} holds a password inline: use passwordRef (env:NAME or file:PATH)`);
  return profile;
}

/** The tenant's other ready profiles (`<tenant>.<provider>.json`), the one it is on now left out. */
export async function readyTargets(ctx: ConsoleContext, tenant: string, active: ConnectionProfile | undefined): Promise<TargetView[]> {
  if (!ctx.options.profilesDir) return [];
  const names = await readdir(ctx.options.profilesDir).catch(() => [] as string[]);
  const targets: TargetView[] = [];
  for (const name of names.sort()) {
    if (PROFILE_FILE.exec(name)?.[1] !== tenant) continue;
    const profile = await readTargetProfile(ctx, tenant, name).catch(() => undefined);
    if (!profile || (active && fingerprint(profile) === fingerprint(active))) continue;
    targets.push(describeProfile(profile, name));
  }
  return targets;
}

/** Every provider with the regions it has anywhere (what the provider + region picker offers). */
export function providerRegions(): { provider: ProviderName; regions: string[] }[] {
  return PROVIDER_REGISTRY.names.map((provider) => ({
    provider,
    regions: [...new Set(Object.values(RESIDENCY).flatMap((byProvider) => byProvider[provider] ?? []))].sort(),
  }));
}

export type RegionCheck =
  | { allowed: false; message: string }
  | { allowed: true; residency?: string; target?: TargetView; gitops?: { file: string; change: string; steps: string[] } };

/**
 * A provider + region checked against the tenant's residency before anything happens, with the runtime's own guard
 * (the message connect() would refuse with). Allowed: the ready profile for that provider when there is one, else the
 * GitOps path that provisions it — shown, never run.
 */
export async function checkProviderRegion(
  ctx: ConsoleContext,
  tenant: string,
  spec: TenantSpec | undefined,
  provider: string,
  region: string,
): Promise<RegionCheck> {
  if (!PROVIDER_REGISTRY.names.includes(provider as ProviderName))
    throw new Error(`unknown provider ${JSON.stringify(provider)} (one of ${PROVIDER_REGISTRY.names.join(', ')})`);
  if (!region.trim()) throw new Error('name a region');
  try {
    assertProfileResidency({ tenant, provider: provider as ProviderName, region: region.trim(), residency: spec?.residency, database: tenant });
  } catch (error) {
    return { allowed: false, message: (error as Error).message };
  }
  const active = await ctx.profile(tenant);
  const ready = (await readyTargets(ctx, tenant, active)).find((t) => t.provider === provider && (!t.region || t.region === region.trim()));
  if (ready) return { allowed: true, residency: spec?.residency, target: ready };
  const stackFile = join(ctx.options.stacksDir, `Pulumi.${tenant}.yaml`);
  const file = relative(process.cwd(), stackFile).startsWith('..') ? stackFile : relative(process.cwd(), stackFile);
  const change = [
    `   byos:tenant:`,
    `     tenant: ${tenant}`,
    `-    provider: ${spec?.provider ?? '…'}`,
    `+    provider: ${provider}`,
    `-    region: ${spec?.region ?? '…'}`,
    `+    region: ${region.trim()}`,
  ].join('\n');
  return {
    allowed: true,
    residency: spec?.residency,
    gitops: {
      file,
      change,
      steps: [
        `change provider and region in ${file} as shown, and commit it`,
        'the fleet workflow (or you) runs byos reconcile: it provisions the new database and moves the tenant there with the same switch',
        `or, once the database exists, add its profile as ${tenant}.${provider}.json in the profiles folder and move it from here`,
      ],
    },
  };
}
