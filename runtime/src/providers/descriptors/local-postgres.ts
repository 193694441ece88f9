import { z } from 'zod';
import { portSetting, type ProviderDescriptor } from '../descriptor.ts';
import { LOCAL_REGIONS } from './local.ts';

const settings = z.object({
  /** Port of the embedded server (`byos:localPostgresPort`), default 5432. */
  localPostgresPort: portSetting(),
});

/**
 * PostgreSQL on the developer's machine: embedded in a data folder, or self-managed (pulumi/providers/local.ts).
 * Typed explicitly rather than through defineProvider: `prepare` takes a ConnectionProfile, whose type depends on
 * the provider names this descriptor contributes, and inference would go round that circle.
 */
export const localPostgres: ProviderDescriptor<'local-postgres', typeof settings> = {
  name: 'local-postgres',
  traits: {
    dialect: 'postgres',
    cloud: false,
    defaultPort: 5432,
    hostSuffixes: [],
    // With dataDir, an embedded server started on demand; without, a self-managed server at host/port.
    prepare: async (profile) => (await import('../local-postgres-prepare.ts')).prepareLocalPostgres(profile),
  },
  // A Postgres URL whose host names no provider is a self-managed server.
  urlDefaultFor: 'postgres',
  customerManagedKey: false,
  kitNotes: ['Local PostgreSQL for development: plaintext on loopback is allowed; never use this profile in production.'],
  regions: LOCAL_REGIONS,
  settings,
  offline: {},
};
