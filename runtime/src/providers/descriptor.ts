import { z } from 'zod';
import type { ConnectionProfile, DialectName } from '../contracts/connection-profile.ts';
import type { Jurisdiction } from '../contracts/jurisdictions.ts';

/**
 * Everything about one provider that is data: one descriptor per provider (descriptors/<name>.ts), listed once in
 * list.ts. PROVIDERS, PROVIDER_TRAITS, the kit notes, the residency table, host recognition, URL defaults and the
 * offline answers for Pulumi's mock runtime are all built from that list (registry.ts). The Pulumi resources cannot
 * live here (the runtime never imports Pulumi): they are pulumi/providers/<name>.ts, registered from a list there.
 */
export interface ProviderDescriptor<Name extends string = string, Settings extends SettingsSchema = SettingsSchema> {
  readonly name: Name;
  readonly traits: ProviderTraits;
  /** The provider a URL of this dialect means when neither `?provider=` nor its host names one (at most one per dialect). */
  readonly urlDefaultFor?: DialectName;
  /** Storage can be encrypted with a key the tenant controls (KMS, Key Vault, Cloud KMS). */
  readonly customerManagedKey: boolean;
  /** What an application developer must know to reach the provider; printed as comments in the Connection Kit. */
  readonly kitNotes: readonly string[];
  /**
   * Where data pinned to each jurisdiction may live, in the provider's own region names (lower case). A jurisdiction
   * left out has no region of this provider. guard/residency/regions.ts explains how regions are assigned.
   */
  readonly regions: Readonly<Partial<Record<Jurisdiction, readonly string[]>>>;
  /** Spells a trimmed, lower-cased region name as `regions` does (Azure display names lose their spaces). */
  readonly normalizeRegion?: (region: string) => string;
  /** Stack settings (`byos:<key>`) the provider's Pulumi module reads; parses the config strings Pulumi hands over. */
  readonly settings: Settings;
  /** Plain answers for Pulumi's mock runtime, so the provider's program runs offline (tests, `byos policy check`). */
  readonly offline: ProviderOffline;
}

/** Keeps the name's literal type (the list derives ProviderName from it) and checks the descriptor's shape. */
export function defineProvider<const Name extends string, Settings extends SettingsSchema>(
  descriptor: ProviderDescriptor<Name, Settings>,
): ProviderDescriptor<Name, Settings> {
  return descriptor;
}

/** How the runtime treats a provider's databases. */
export interface ProviderTraits {
  dialect: DialectName;
  /** A managed cloud service: TLS with a verified certificate is mandatory. */
  cloud: boolean;
  defaultPort?: number;
  /** Host name suffixes that identify the provider in a connection URL. */
  hostSuffixes: readonly string[];
  /**
   * Runs before the dialect opens its pool: may start what the profile needs (an embedded server) and fill in
   * host/port. connect() calls `release` after the pool closes, or at once when opening fails.
   */
  prepare?: (profile: ConnectionProfile) => Promise<PreparedProfile>;
}

/** A profile ready to open, and how to undo what preparing it started. */
export interface PreparedProfile {
  profile: ConnectionProfile;
  release(): Promise<void>;
}

// ---- Stack settings ------------------------------------------------------------------------------------------

export type SettingsSchema = z.ZodObject<z.ZodRawShape>;

/** A setting holding a credential: the Pulumi program reads it with getSecret, so it stays a secret output. */
export type SecretSetting = string & z.$brand<'SecretSetting'>;

const SECRET_SETTINGS = new WeakSet<z.ZodType>();

/** A credential (`pulumi config set --secret byos:<key> …`); never parsed in clear by the program. */
export function secretSetting() {
  const schema = z.string().brand<'SecretSetting'>().optional();
  SECRET_SETTINGS.add(schema);
  return schema;
}

export function isSecretSetting(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && SECRET_SETTINGS.has(schema as z.ZodType);
}

/** A plain text setting, as Pulumi stores it. */
export function textSetting() {
  return z.string().optional();
}

/** A structured setting: Pulumi hands it over as JSON text; a value that is not JSON fails `schema` with its message. */
export function jsonSetting<T extends z.ZodType>(schema: T) {
  return z.preprocess((raw) => (typeof raw === 'string' ? jsonOrText(raw) : raw), schema).optional();
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A TCP port, given as text (`6543`) or a number. */
export function portSetting() {
  const error = (issue: { input?: unknown }) => `must be a port number from 1 to 65535, got "${String(issue.input)}"`;
  return z
    .preprocess(
      (raw) => (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw),
      z.number({ error }).int({ error }).min(1, { error }).max(65535, { error }),
    )
    .optional();
}

// ---- Offline answers -----------------------------------------------------------------------------------------

export type OfflineValues = Record<string, any>;

/** Outputs a resource would have after creation, beyond its inputs, and its id. */
export type OfflineResource = (name: string, inputs: OfflineValues) => { id: string; outputs: OfflineValues };

export interface ProviderOffline {
  /** Per Pulumi resource type token the provider's module declares: what the cloud would compute (hosts, ARNs, ids). */
  readonly resources?: Readonly<Record<string, OfflineResource>>;
  /** Per data-source invoke token the module calls: its answer. */
  readonly invokes?: Readonly<Record<string, (inputs: OfflineValues) => OfflineValues>>;
  /** Placeholder settings (keys of `settings`) so the program runs without real credentials; they reach no API. */
  readonly config?: Readonly<Record<string, string>>;
}
