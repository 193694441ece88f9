import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { type ConnectionProfile, type ConnectionProfileInput, parseConnectionProfile } from './contracts/connection-profile.ts';
import type { ProviderName } from './contracts/tenant-spec.ts';
import type { SchemaModel } from './contracts/schema-model.ts';
import { type Dialect, type DialectCapabilities, loadDialect } from './dialects/index.ts';
import { assertProfileResidency } from './guard/residency/enforce.ts';
import { PROVIDER_TRAITS, type PreparedProfile } from './providers/index.ts';
import { redactError, redactText } from './redact.ts';
import { profileFromUrl } from './url.ts';
import { ConnectionError, InputError } from './errors.ts';

export { ConnectionError };

export interface ConnectOptions {
  /**
   * A database that does not exist yet may be created (a new SQLite file). Default true, as an application opening
   * its tenant expects; commands that only read pass false, so a mistyped path is refused instead of becoming an
   * empty database.
   */
  create?: boolean;
}

/**
 * One tenant's database, open. `db` is the Kysely handle applications query through; `dialect` is the loaded
 * dialect (its `name` is the one to print), so code working on the tenant needs no second lookup by name.
 */
export interface TenantDb<DB = any> {
  readonly dialect: Dialect;
  readonly provider: ProviderName;
  readonly capabilities: DialectCapabilities;
  readonly db: Kysely<DB>;
  /** The profile connected with, password removed. */
  readonly profile: Omit<ConnectionProfile, 'password'>;
  /** The driver's own handle (see OpenedDatabase.native); for dialect code only. */
  readonly native: unknown;
  close(): Promise<void>;
}

/** Refuses profiles that would be unsafe, cannot work or break the tenant's residency, before any network traffic. */
export function assertProfileAllowed(profile: ConnectionProfile): void {
  const traits = PROVIDER_TRAITS[profile.provider];
  if (traits.dialect !== profile.dialect) {
    throw new Error(`provider ${profile.provider} serves ${traits.dialect} databases, but the profile says dialect ${profile.dialect}`);
  }
  if (traits.cloud && profile.tls?.mode === 'disable') {
    throw new Error(
      `refusing a plaintext connection to ${profile.provider}${profile.host ? ` (${profile.host})` : ''}: ` +
        'cloud databases require TLS with a verified certificate (set tls.mode to verify-full and give the provider CA)',
    );
  }
  assertProfileResidency(profile);
}

/** Reads `passwordRef` (`env:NAME` or `file:PATH`) into `password`. */
export async function resolvePassword(profile: ConnectionProfile): Promise<ConnectionProfile> {
  if (profile.password !== undefined || !profile.passwordRef) return profile;
  const [kind, ...rest] = profile.passwordRef.split(':');
  const target = rest.join(':');
  if (kind === 'env') {
    const value = process.env[target];
    if (value === undefined) throw new Error(`password reference env:${target} is not set in the environment`);
    return { ...profile, password: value };
  }
  if (kind === 'pulumi') {
    throw new Error(
      `password reference ${profile.passwordRef} names a Pulumi stack output: byos plan and reconcile resolve it; elsewhere give the password with env:NAME or file:PATH`,
    );
  }
  try {
    return { ...profile, password: (await readFile(target, 'utf8')).replace(/\r?\n$/, '') };
  } catch (error) {
    throw new Error(`cannot read the password file named by passwordRef (${target}): ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/**
 * Opens a tenant's database from a ConnectionProfile (or a URL). TLS is enforced for cloud providers, the
 * password is resolved from its reference, and any error is scrubbed of credentials before it is thrown.
 */
export async function connect<DB = any>(input: ConnectionProfileInput | ConnectionProfile | string, options: ConnectOptions = {}): Promise<TenantDb<DB>> {
  const parsed = typeof input === 'string' ? profileFromUrl(input) : parseConnectionProfile(input);
  assertProfileAllowed(parsed);
  const resolved = await resolvePassword(parsed);
  const traits = PROVIDER_TRAITS[resolved.provider];
  const dialect = await loadDialect(resolved.dialect);
  const failure = (error: unknown, profile: ConnectionProfile) => {
    // Bad input (a database file that is not there) says so itself; it is not a connection failure.
    if (error instanceof InputError) return new InputError(redactText(error.message, [profile.password]), error.failure);
    const where = profile.host ? `${profile.host}:${profile.port ?? traits.defaultPort ?? ''}/${profile.database}` : profile.database;
    const redacted = redactError(error, [profile.password], `cannot connect to ${profile.provider} database ${where}`);
    return new ConnectionError(redacted.message, redacted.code);
  };
  let prepared: PreparedProfile = { profile: resolved, release: async () => {} };
  if (traits.prepare) {
    try {
      prepared = await traits.prepare(resolved);
    } catch (error) {
      throw failure(error, resolved);
    }
  }
  const profile = prepared.profile;
  let opened;
  try {
    opened = await dialect.open(profile, { requiresTls: traits.cloud, defaultPort: traits.defaultPort, create: options.create ?? true });
  } catch (error) {
    await prepared.release().catch(() => {});
    throw failure(error, profile);
  }
  const { password: _password, ...publicProfile } = profile;
  const db = opened;
  return {
    dialect,
    provider: profile.provider,
    capabilities: dialect.capabilities,
    db: db.db as Kysely<DB>,
    profile: publicProfile,
    native: db.native,
    close: async () => {
      try {
        await db.close();
      } finally {
        await prepared.release();
      }
    },
  };
}

/** Reads the live schema of an open tenant database. */
export async function introspect(tenant: Pick<TenantDb, 'dialect' | 'db'>): Promise<SchemaModel> {
  return tenant.dialect.introspect(tenant.db);
}
