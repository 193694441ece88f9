import type { ProviderName } from '../runtime/src/contracts/index.ts';
import { awsProvider } from './aws.ts';
import { localPostgresProvider, localSqliteProvider } from './local.ts';
import type { ProviderModule } from './types.ts';

/** The module that declares each provider's resources. Adding a provider means adding a file and a line here. */
export const PROVIDER_MODULES: Readonly<Partial<Record<ProviderName, ProviderModule>>> = {
  aws: awsProvider,
  'local-sqlite': localSqliteProvider,
  'local-postgres': localPostgresProvider,
};

export type { ProviderContext, ProviderModule, ProviderResult, ProviderSettings, ConnectionParts } from './types.ts';
