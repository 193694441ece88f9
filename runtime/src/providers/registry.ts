import type { DialectName } from '../contracts/connection-profile.ts';
import { JURISDICTIONS, type Jurisdiction } from '../contracts/jurisdictions.ts';
import type { OfflineResource, OfflineValues, ProviderDescriptor, ProviderTraits } from './descriptor.ts';
import { isSecretSetting } from './descriptor.ts';

/**
 * Every per-provider table the runtime and the Pulumi side read, built from one list of descriptors. list.ts builds
 * the registry of the real list; tests build one from a list with an extra descriptor to prove nothing is kept
 * elsewhere.
 */
export interface ProviderRegistry<D extends ProviderDescriptor> {
  /** Provider names in list order (PROVIDERS). */
  readonly names: readonly D['name'][];
  descriptor<N extends D['name']>(name: N): Extract<D, { name: N }>;
  readonly traits: Readonly<Record<D['name'], ProviderTraits>>;
  readonly kitNotes: Readonly<Record<D['name'], readonly string[]>>;
  /** Jurisdiction → provider → allowed regions; every provider appears under every jurisdiction ([] for none). */
  readonly residency: Readonly<Record<Jurisdiction, Readonly<Record<D['name'], readonly string[]>>>>;
  /** A region as `residency` spells it: trimmed, lower case, then the provider's own normalisation. */
  normalizeRegion(provider: D['name'], region: string): string;
  /** The provider a host name belongs to, when one of its host suffixes says so. */
  providerForHost(host: string): D['name'] | undefined;
  /** The provider a URL of `dialect` means when nothing else names one. */
  urlDefault(dialect: DialectName): D['name'] | undefined;
  /** Providers that can encrypt storage with a key the tenant controls. */
  readonly customerKeyProviders: readonly D['name'][];
  readonly offline: OfflineAnswers;
}

/** The offline answers of every descriptor, merged (a type or token answered twice must be answered by one function). */
export interface OfflineAnswers {
  readonly resources: Readonly<Record<string, OfflineResource>>;
  readonly invokes: Readonly<Record<string, (inputs: OfflineValues) => OfflineValues>>;
  /** Placeholder stack settings, `byos:<key>` → value. */
  readonly config: Readonly<Record<string, string>>;
  /** `byos:<key>` of every secret setting. */
  readonly secretConfigKeys: readonly string[];
}

/** Config namespace of the Pulumi project (Pulumi.yaml `name: byos`); settings are `byos:<key>`. */
export const SETTINGS_NAMESPACE = 'byos';

export function buildProviderRegistry<const L extends readonly ProviderDescriptor[]>(list: L): ProviderRegistry<L[number]> {
  type Name = L[number]['name'];
  assertWellFormed(list);
  const byName = new Map<string, L[number]>(list.map((d) => [d.name, d]));
  const table = <T>(pick: (d: L[number]) => T) => Object.fromEntries(list.map((d) => [d.name, pick(d)])) as Record<Name, T>;
  const residency = Object.fromEntries(JURISDICTIONS.map((j) => [j, table((d) => d.regions[j] ?? [])])) as Record<
    Jurisdiction,
    Record<Name, readonly string[]>
  >;
  return {
    names: list.map((d) => d.name),
    descriptor: (name) => {
      const found = byName.get(name);
      if (!found) throw new Error(`unknown provider "${name}" (one of ${list.map((d) => d.name).join(', ')})`);
      return found as never;
    },
    traits: table((d) => d.traits),
    kitNotes: table((d) => d.kitNotes),
    residency,
    normalizeRegion(provider, region) {
      const lower = region.trim().toLowerCase();
      const own = byName.get(provider)?.normalizeRegion;
      return own ? own(lower) : lower;
    },
    providerForHost(host) {
      const lower = host.toLowerCase();
      return list.find((d) => d.traits.hostSuffixes.some((suffix) => lower.endsWith(suffix)))?.name;
    },
    urlDefault: (dialect) => list.find((d) => d.urlDefaultFor === dialect)?.name,
    customerKeyProviders: list.filter((d) => d.customerManagedKey).map((d) => d.name),
    offline: mergeOffline(list),
  };
}

/** Refuses a list two registries would disagree on: a name, a URL default or a host suffix claimed twice. */
function assertWellFormed(list: readonly ProviderDescriptor[]): void {
  const claimed = new Map<string, string>();
  const claim = (what: string, by: string) => {
    const earlier = claimed.get(what);
    if (earlier !== undefined) throw new Error(`provider descriptors ${earlier} and ${by} both claim ${what}`);
    claimed.set(what, by);
  };
  for (const d of list) {
    claim(`the name ${d.name}`, d.name);
    if (d.urlDefaultFor) claim(`the default provider of ${d.urlDefaultFor} URLs`, d.name);
    for (const suffix of d.traits.hostSuffixes) claim(`the host suffix ${suffix}`, d.name);
    for (const [jurisdiction, regions] of Object.entries(d.regions)) {
      const bad = regions?.find((r) => r !== r.trim().toLowerCase());
      if (bad !== undefined) throw new Error(`provider ${d.name}: region "${bad}" (${jurisdiction}) must be spelled trimmed and lower case`);
    }
  }
}

function mergeOffline(list: readonly ProviderDescriptor[]): OfflineAnswers {
  const resources: Record<string, OfflineResource> = {};
  const invokes: Record<string, (inputs: OfflineValues) => OfflineValues> = {};
  const config: Record<string, string> = {};
  const secretConfigKeys: string[] = [];
  const settingOwners = new Map<string, { provider: string; schema: unknown }>();
  const merge = <T>(into: Record<string, T>, from: Readonly<Record<string, T>> | undefined, kind: string, provider: string) => {
    for (const [key, answer] of Object.entries(from ?? {})) {
      if (key in into && into[key] !== answer)
        throw new Error(`provider ${provider} answers the ${kind} ${key} offline, which another provider answers differently`);
      into[key] = answer;
    }
  };
  for (const d of list) {
    merge(resources, d.offline.resources, 'resource type', d.name);
    merge(invokes, d.offline.invokes, 'invoke', d.name);
    for (const [key, value] of Object.entries(d.offline.config ?? {})) {
      if (!(key in d.settings.shape)) throw new Error(`provider ${d.name}: offline config ${key} is not one of its settings`);
      config[`${SETTINGS_NAMESPACE}:${key}`] = value;
    }
    for (const [key, schema] of Object.entries(d.settings.shape)) {
      // One `byos:<key>` means one thing: providers sharing a setting (the Azure administrator) share its schema.
      const owner = settingOwners.get(key);
      if (owner && owner.schema !== schema) throw new Error(`providers ${owner.provider} and ${d.name} both define the setting ${key}, differently`);
      settingOwners.set(key, { provider: d.name, schema });
      const qualified = `${SETTINGS_NAMESPACE}:${key}`;
      if (isSecretSetting(schema) && !secretConfigKeys.includes(qualified)) secretConfigKeys.push(qualified);
    }
  }
  return { resources, invokes, config, secretConfigKeys };
}
