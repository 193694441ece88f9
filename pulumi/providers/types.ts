import type * as pulumi from '@pulumi/pulumi';
import type { ConnectionProfileInput, ProviderName, TenantSpec } from '@byos/runtime';

/**
 * Stack settings that are not part of the tenant's spec: where to put the database in an existing network, who
 * administers it, and the API credentials of the services Pulumi has no bridged provider for. Read from the
 * stack config (`byos:<key>`) by the program; every field is optional unless its provider needs it.
 */
export interface ProviderSettings {
  /**
   * aws: VPC to place the instance in (`byos:awsVpcId`). With `awsSubnetIds`; both absent means the account's
   * default VPC and its subnets. The security group admits the VPC's CIDR block when the spec lists no CIDRs.
   */
  awsVpcId?: string;
  /** aws: at least two subnets in different Availability Zones for the DB subnet group (`byos:awsSubnetIds`). */
  awsSubnetIds?: string[];
  /**
   * azure-sql, azure-postgres: the Microsoft Entra principal made server administrator (`byos:azureAdminObjectId`).
   * Absent means the identity running `pulumi up` (authorization.getClientConfig).
   */
  azureAdminObjectId?: string;
  /** azure-sql, azure-postgres: display name / login of that principal (`byos:azureAdminLogin`). */
  azureAdminLogin?: string;
  /** azure-sql, azure-postgres: `User`, `Group` or `ServicePrincipal` (`byos:azureAdminPrincipalType`). */
  azureAdminPrincipalType?: 'User' | 'Group' | 'ServicePrincipal';
  /** gcp: project to create resources in (`byos:gcpProject`); absent means the provider's `gcp:project`. */
  gcpProject?: string;
  /**
   * gcp: self link of a VPC that already has private services access (`byos:gcpNetwork`). Absent means the program
   * creates a VPC, a /16 range and the service networking peering Cloud SQL's private IP needs.
   */
  gcpNetwork?: string;
  /** supabase: Management API personal access token (`byos:supabaseAccessToken`, secret). */
  supabaseAccessToken?: pulumi.Output<string>;
  /** supabase: organisation slug that owns the project (`byos:supabaseOrganization`). */
  supabaseOrganization?: string;
  /** supabase: API base URL (`byos:supabaseApiUrl`), default https://api.supabase.com. */
  supabaseApiUrl?: string;
  /** neon: API key (`byos:neonApiKey`, secret). */
  neonApiKey?: pulumi.Output<string>;
  /** neon: organisation id (`byos:neonOrgId`); required with an organisation API key. */
  neonOrgId?: string;
  /** neon: API base URL (`byos:neonApiUrl`), default https://console.neon.tech/api/v2. */
  neonApiUrl?: string;
  /** local-postgres: port of the embedded server (`byos:localPostgresPort`), default 5432. */
  localPostgresPort?: number;
}

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
export interface ProviderContext {
  spec: TenantSpec;
  settings: ProviderSettings;
  /** The TenantDatabase component; every child is created with `{ parent }`. */
  parent: pulumi.ComponentResource;
  /** Tags (AWS, Azure) or labels (GCP) every taggable resource carries (components/tenant-tags.ts). */
  tags: Record<string, string>;
}

/** One module per provider, all with this shape (providers/<provider>.ts). */
export interface ProviderModule {
  readonly provider: ProviderName;
  createDatabase(context: ProviderContext): ProviderResult;
}
