import { aws } from './descriptors/aws.ts';
import { azurePostgres } from './descriptors/azure-postgres.ts';
import { azureSql } from './descriptors/azure-sql.ts';
import { gcp } from './descriptors/gcp.ts';
import { localPostgres } from './descriptors/local-postgres.ts';
import { localSqlite } from './descriptors/local-sqlite.ts';
import { neon } from './descriptors/neon.ts';
import { supabase } from './descriptors/supabase.ts';
import { buildProviderRegistry } from './registry.ts';

/**
 * The providers, one descriptor each (descriptors/<name>.ts). Every per-provider table of the runtime is built from
 * this list; the Pulumi side lists its resource modules in pulumi/providers/index.ts. The order is the order of
 * PROVIDERS (messages list them in it).
 */
export const PROVIDER_DESCRIPTORS = [aws, azureSql, azurePostgres, gcp, supabase, neon, localSqlite, localPostgres] as const;

export type ProviderDescriptors = (typeof PROVIDER_DESCRIPTORS)[number];

export const PROVIDER_REGISTRY = buildProviderRegistry(PROVIDER_DESCRIPTORS);

export const PROVIDERS = PROVIDER_REGISTRY.names;
