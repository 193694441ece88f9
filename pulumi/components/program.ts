import * as pulumi from '@pulumi/pulumi';
import type { ConnectionProfile, ProviderName, SettingsSchema, TenantSpec } from '@byos/runtime';
import { ContractError, SETTINGS_NAMESPACE, TENANT_CONFIG_KEY, isSecretSetting, parseTenantSpec, providerDescriptor } from '@byos/runtime';
import { ProviderCapabilityError, ProviderSettingError, ResidencyError } from '../providers/errors.ts';
import type { ProviderSettings } from '../providers/types.ts';
import { TenantDatabase } from './tenant-database.ts';

/** Config namespace of the project (Pulumi.yaml `name: byos`). */
export const CONFIG_NAMESPACE = SETTINGS_NAMESPACE;

/**
 * Reads and validates `byos:tenant`. Pulumi hands structured config to the program as a JSON string; a missing key,
 * bad JSON or a bad field throws a ContractError naming the field (`backup.retentionDays: …`).
 */
export function readTenantSpec(config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE)): TenantSpec {
  const raw = config.get('tenant');
  return parseTenantSpec({ config: { [TENANT_CONFIG_KEY]: raw } }, `stack config ${TENANT_CONFIG_KEY}`);
}

/**
 * Reads the stack settings of `provider` (`byos:<key>`), validated by its descriptor's schema; a bad value throws a
 * ProviderSettingError naming the key. Secret settings are read with getSecret and stay secret outputs.
 */
export function readProviderSettings<N extends ProviderName>(provider: N, config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE)): ProviderSettings<N> {
  return readSettingsWith(providerDescriptor(provider).settings, config) as ProviderSettings<N>;
}

/** Reads the keys of a settings schema from the stack config: secret ones as secret outputs, the rest parsed by the schema. */
export function readSettingsWith(schema: SettingsSchema, config: pulumi.Config): Record<string, unknown> {
  const plain: Record<string, string> = {};
  const secrets: Record<string, pulumi.Output<string>> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const value = isSecretSetting(field) ? config.getSecret(key) : config.get(key);
    if (typeof value === 'string') plain[key] = value;
    else if (value !== undefined) secrets[key] = value;
  }
  const parsed = schema.safeParse(plain);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProviderSettingError(`${CONFIG_NAMESPACE}:${String(issue.path[0])}`, issue.message);
  }
  return { ...parsed.data, ...secrets };
}

/** The stack's outputs: the profile (secret) and plain facts for dashboards and scripts. */
export interface TenantProgramOutputs {
  tenant: string;
  provider: string;
  region: string;
  residency: string | undefined;
  dialect: string;
  profile: pulumi.Output<ConnectionProfile>;
  host: pulumi.Output<string | undefined>;
  port: pulumi.Output<number | undefined>;
  database: pulumi.Output<string>;
}

export interface TenantProgramOptions {
  /** See TenantDatabaseArgs.enforceResidency; only the offline policy gate sets it to false. */
  enforceResidency?: boolean;
}

/** The whole Pulumi program: config → spec → TenantDatabase → outputs. index.ts runs it; so does the mock harness. */
export function runTenantProgram(options: TenantProgramOptions = {}): TenantProgramOutputs {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const spec = readTenantSpec(config);
  const settings = readProviderSettings(spec.provider, config);
  const db = new TenantDatabase(spec.tenant, { spec, settings, enforceResidency: options.enforceResidency });
  return {
    tenant: spec.tenant,
    provider: spec.provider,
    region: spec.region,
    residency: spec.residency,
    dialect: db.dialect,
    profile: db.profile,
    host: db.host,
    port: db.port,
    database: db.databaseName,
  };
}

/**
 * Errors the user can fix (a bad spec field, a missing setting) become `pulumi.RunError`s, which the CLI prints
 * without a stack trace; anything else propagates unchanged.
 */
export function asRunError(error: unknown): unknown {
  const fixable = [ContractError, ProviderSettingError, ResidencyError, ProviderCapabilityError].some((kind) => error instanceof kind);
  return fixable ? new pulumi.RunError((error as Error).message) : error;
}
