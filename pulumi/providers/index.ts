import type { ProviderName } from '@byos/runtime';
import { PROVIDERS } from '@byos/runtime';
import { awsProvider } from './aws.ts';
import { azurePostgresProvider } from './azure-postgres.ts';
import { azureSqlProvider } from './azure-sql.ts';
import { gcpProvider } from './gcp.ts';
import { localPostgresProvider, localSqliteProvider } from './local.ts';
import { neonProvider } from './neon.ts';
import { supabaseProvider } from './supabase.ts';
import type { ProviderModule } from './types.ts';

/**
 * The module that declares each provider's resources. Everything about a provider that is data (name, dialect,
 * regions, settings, offline answers) is its descriptor in the runtime (runtime/src/providers/list.ts); a new
 * provider is a descriptor there plus a module file here and one line in this list.
 */
export const PROVIDER_MODULE_LIST: readonly ProviderModule[] = [
  awsProvider,
  azureSqlProvider,
  azurePostgresProvider,
  gcpProvider,
  supabaseProvider,
  neonProvider,
  localSqliteProvider,
  localPostgresProvider,
];

export const PROVIDER_MODULES: Readonly<Record<ProviderName, ProviderModule>> = modulesByProvider(PROVIDER_MODULE_LIST, PROVIDERS);

/** Keys the modules by provider; refuses a descriptor without a module, a module without a descriptor, or one listed twice. */
export function modulesByProvider<N extends string>(modules: readonly ProviderModule[], providers: readonly N[]): Record<N, ProviderModule> {
  const byProvider = new Map<string, ProviderModule>();
  for (const module of modules) {
    if (byProvider.has(module.provider)) throw new Error(`provider ${module.provider} has two Pulumi modules in pulumi/providers/index.ts`);
    if (!(providers as readonly string[]).includes(module.provider)) {
      throw new Error(`Pulumi module for provider ${module.provider} has no descriptor in runtime/src/providers/list.ts`);
    }
    byProvider.set(module.provider, module);
  }
  const missing = providers.filter((name) => !byProvider.has(name));
  if (missing.length) throw new Error(`no Pulumi module for provider ${missing.join(', ')}: add it to the list in pulumi/providers/index.ts`);
  return Object.fromEntries(providers.map((name) => [name, byProvider.get(name)!])) as Record<N, ProviderModule>;
}

export type { ConnectionParts, ProviderContext, ProviderModule, ProviderResult, ProviderSettings } from './types.ts';
