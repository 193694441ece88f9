import * as pulumi from '@pulumi/pulumi';
import type { ConnectionProfile, DialectName, TenantSpec } from '@byos/runtime';
import { parseConnectionProfile } from '@byos/runtime';
import { PROVIDER_TRAITS } from '@byos/runtime';
import { PROVIDER_MODULES } from '../providers/index.ts';
import { assertResidency } from '../providers/residency.ts';
import type { ConnectionParts, ProviderSettings } from '../providers/types.ts';
import { tenantTags } from './tenant-tags.ts';

export interface TenantDatabaseArgs {
  /** The tenant's validated spec (runtime/src/contracts/tenant-spec.ts); decides provider, region and every control. */
  spec: TenantSpec;
  /** Stack settings of the spec's provider: networks, administrators, API credentials (readProviderSettings). */
  settings?: ProviderSettings;
  /**
   * Refuse a region outside the spec's residency before declaring anything (default true). Only the offline policy
   * gate turns this off, so the policy pack can see the resources and report residency as a finding.
   */
  enforceResidency?: boolean;
}

/**
 * One tenant's database on its provider. Checks residency, delegates the resources to providers/<provider>.ts,
 * and exposes the ConnectionProfile the runtime connects with. The profile holds the password, so the whole
 * profile is a Pulumi secret; host, port and database are also exported on their own as plain outputs.
 */
export class TenantDatabase extends pulumi.ComponentResource {
  /** Everything `connect()` needs; secret because it holds the password. */
  public readonly profile: pulumi.Output<ConnectionProfile>;
  /** Host name (absent for SQLite). */
  public readonly host: pulumi.Output<string | undefined>;
  public readonly port: pulumi.Output<number | undefined>;
  /** Database name, or the file path for SQLite. */
  public readonly databaseName: pulumi.Output<string>;
  public readonly dialect: DialectName;

  constructor(name: string, args: TenantDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('byos:index:TenantDatabase', name, {}, opts);
    const { spec } = args;
    if (args.enforceResidency !== false) assertResidency(spec);

    const providerModule = PROVIDER_MODULES[spec.provider];
    const result = providerModule.createDatabase({ spec, settings: args.settings ?? {}, parent: this, tags: tenantTags(spec) });
    this.dialect = PROVIDER_TRAITS[spec.provider].dialect;

    const password = result.password ?? pulumi.output(undefined);
    this.profile = pulumi.secret(pulumi.all([result.connection, password]).apply(([parts, secret]) => buildProfile(spec, parts, secret)));
    this.host = result.connection.apply((parts) => parts.host);
    this.port = result.connection.apply((parts) => parts.port);
    this.databaseName = result.connection.apply((parts) => parts.database);

    this.registerOutputs({ profile: this.profile, host: this.host, port: this.port, databaseName: this.databaseName });
  }
}

/** Assembles and validates the ConnectionProfile: a provider that reported something malformed fails here, named. */
export function buildProfile(spec: TenantSpec, parts: ConnectionParts, password: string | undefined): ConnectionProfile {
  return parseConnectionProfile(
    {
      ...parts,
      tenant: spec.tenant,
      provider: spec.provider,
      dialect: PROVIDER_TRAITS[spec.provider].dialect,
      region: spec.region,
      ...(spec.residency ? { residency: spec.residency } : {}),
      ...(password === undefined ? {} : { password }),
    },
    `profile of tenant ${spec.tenant}`,
  );
}
