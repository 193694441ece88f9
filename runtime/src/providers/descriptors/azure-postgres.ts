import { z } from 'zod';
import { defineProvider } from '../descriptor.ts';
import { AZURE_ADMIN_SETTINGS, AZURE_OFFLINE, AZURE_REGIONS, azureId, normalizeAzureRegion } from './azure-shared.ts';
import { str } from './offline-values.ts';

/** Azure Database for PostgreSQL Flexible Server (Pulumi resources: pulumi/providers/azure-postgres.ts). */
export const azurePostgres = defineProvider({
  name: 'azure-postgres',
  traits: { dialect: 'postgres', cloud: true, defaultPort: 5432, hostSuffixes: ['.postgres.database.azure.com'] },
  customerManagedKey: true,
  kitNotes: [
    'Azure Database for PostgreSQL Flexible Server: require_secure_transport is on.',
    'CA: DigiCert Global Root G2 and Microsoft RSA Root CA 2017 (combine them into BYOS_DB_CA_FILE).',
  ],
  regions: AZURE_REGIONS,
  normalizeRegion: normalizeAzureRegion,
  settings: z.object(AZURE_ADMIN_SETTINGS),
  offline: {
    resources: {
      ...AZURE_OFFLINE.resources,
      'azure-native:dbforpostgresql:Server': (name, inputs) => ({
        id: azureId(inputs, 'Microsoft.DBforPostgreSQL/flexibleServers', str(inputs.serverName, name)),
        outputs: { name: str(inputs.serverName, name), fullyQualifiedDomainName: `${str(inputs.serverName, name)}.postgres.database.azure.com` },
      }),
    },
    invokes: AZURE_OFFLINE.invokes,
  },
});
