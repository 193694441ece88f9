import * as pulumi from '@pulumi/pulumi';
import type { ConnectionProfile, TenantSpec } from '@byos/runtime';
import { ContractError, TENANT_CONFIG_KEY, parseTenantSpec } from '@byos/runtime';
import { ProviderCapabilityError, ProviderSettingError, ResidencyError } from '../providers/errors.ts';
import type { ProviderSettings } from '../providers/types.ts';
import { TenantDatabase } from './tenant-database.ts';

/** Config namespace of the project (Pulumi.yaml `name: byos`). */
export const CONFIG_NAMESPACE = 'byos';

/**
 * Reads and validates `byos:tenant`. Pulumi hands structured config to the program as a JSON string; a missing key,
 * bad JSON or a bad field throws a ContractError naming the field (`backup.retentionDays: …`).
 */
export function readTenantSpec(config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE)): TenantSpec {
  const raw = config.get('tenant');
  return parseTenantSpec({ config: { [TENANT_CONFIG_KEY]: raw } }, `stack config ${TENANT_CONFIG_KEY}`);
}

/** Reads the optional per-provider stack settings (providers/types.ts documents each key). */
export function readProviderSettings(config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE)): ProviderSettings {
  const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;
  const subnetIds = config.getObject<unknown>('awsSubnetIds');
  if (subnetIds !== undefined && !(Array.isArray(subnetIds) && subnetIds.every((s) => typeof s === 'string' && s.length > 0))) {
    throw new ProviderSettingError(key('awsSubnetIds'), 'must be a list of subnet ids, e.g. ["subnet-0a1b", "subnet-0c2d"]');
  }
  const principalType = config.get('azureAdminPrincipalType');
  if (principalType !== undefined && !['User', 'Group', 'ServicePrincipal'].includes(principalType)) {
    throw new ProviderSettingError(key('azureAdminPrincipalType'), `must be User, Group or ServicePrincipal, got "${principalType}"`);
  }
  const port = config.getNumber('localPostgresPort', { min: 1, max: 65535 });
  return {
    awsVpcId: config.get('awsVpcId'),
    awsSubnetIds: subnetIds as string[] | undefined,
    azureAdminObjectId: config.get('azureAdminObjectId'),
    azureAdminLogin: config.get('azureAdminLogin'),
    azureAdminPrincipalType: principalType as ProviderSettings['azureAdminPrincipalType'],
    gcpProject: config.get('gcpProject'),
    gcpNetwork: config.get('gcpNetwork'),
    supabaseAccessToken: config.getSecret('supabaseAccessToken'),
    supabaseOrganization: config.get('supabaseOrganization'),
    supabaseApiUrl: config.get('supabaseApiUrl'),
    neonApiKey: config.getSecret('neonApiKey'),
    neonOrgId: config.get('neonOrgId'),
    neonApiUrl: config.get('neonApiUrl'),
    localPostgresPort: port,
  };
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
  const settings = readProviderSettings(config);
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
