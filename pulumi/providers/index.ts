import type { ProviderName } from '@byos/runtime';
import { awsProvider } from './aws.ts';
import { azurePostgresProvider } from './azure-postgres.ts';
import { azureSqlProvider } from './azure-sql.ts';
import { gcpProvider } from './gcp.ts';
import { localPostgresProvider, localSqliteProvider } from './local.ts';
import { neonProvider } from './neon.ts';
import { supabaseProvider } from './supabase.ts';
import type { ProviderModule } from './types.ts';

/** The module that declares each provider's resources. Adding a provider means adding a file and a line here. */
export const PROVIDER_MODULES: Readonly<Record<ProviderName, ProviderModule>> = {
  aws: awsProvider,
  'azure-sql': azureSqlProvider,
  'azure-postgres': azurePostgresProvider,
  gcp: gcpProvider,
  supabase: supabaseProvider,
  neon: neonProvider,
  'local-sqlite': localSqliteProvider,
  'local-postgres': localPostgresProvider,
};

export type { ConnectionParts, ProviderContext, ProviderModule, ProviderResult, ProviderSettings } from './types.ts';
