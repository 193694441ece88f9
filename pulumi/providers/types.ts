import type * as pulumi from '@pulumi/pulumi';
import type { ConnectionProfileInput, ProviderName, ProviderSettingValues, SecretSetting, TenantSpec } from '@byos/runtime';

/**
 * Stack settings that are not part of the tenant's spec: where to put the database in an existing network, who
 * administers it, and the API credentials of the services Pulumi has no bridged provider for. Each provider's keys
 * (`byos:<key>`), their meaning and their validation are its descriptor's `settings` schema
 * (runtime/src/providers/descriptors/<name>.ts); components/program.ts reads them with it. Every key is optional
 * unless the provider's module says otherwise; a secret setting arrives as a Pulumi secret output.
 */
export type ProviderSettings<N extends ProviderName = ProviderName> = StackSettings<ProviderSettingValues<N>>;

type StackSettings<T> = { [K in keyof T]: NonNullable<T[K]> extends SecretSetting ? pulumi.Output<string> | undefined : T[K] };

/** Non-secret connection facts a provider module reports; the component adds tenant, provider, region, residency. */
export type ConnectionParts = Omit<ConnectionProfileInput, 'password' | 'tenant' | 'provider' | 'dialect' | 'region' | 'residency'>;

/** What a provider module hands back to the TenantDatabase component. */
export interface ProviderResult {
  /** Host, port, database, user, TLS: plain outputs (nothing here may hold a credential). */
  connection: pulumi.Output<ConnectionParts>;
  /** The database password, a Pulumi secret; absent for SQLite. */
  password?: pulumi.Output<string>;
  /** The resource holding the data (instance, cluster, server, project), when there is one. */
  database?: pulumi.Resource;
}

/** Everything a provider module needs to declare one tenant's database. */
export interface ProviderContext<N extends ProviderName = ProviderName> {
  spec: TenantSpec;
  settings: ProviderSettings<N>;
  /** The TenantDatabase component; every child is created with `{ parent }`. */
  parent: pulumi.ComponentResource;
  /** Tags (AWS, Azure) or labels (GCP) every taggable resource carries (components/tenant-tags.ts). */
  tags: Record<string, string>;
}

/** One module per provider, all with this shape (providers/<provider>.ts), listed in providers/index.ts. */
export interface ProviderModule<N extends ProviderName = ProviderName> {
  readonly provider: N;
  createDatabase(context: ProviderContext<N>): ProviderResult;
}
