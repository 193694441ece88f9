import { z } from 'zod';
import { defineProvider } from '../descriptor.ts';
import { AZURE_ADMIN_SETTINGS, AZURE_OFFLINE, AZURE_REGIONS, azureId, normalizeAzureRegion } from './azure-shared.ts';
import { str } from './offline-values.ts';

/** Azure SQL Database (Pulumi resources: pulumi/providers/azure-sql.ts). */
export const azureSql = defineProvider({
  name: 'azure-sql',
  traits: { dialect: 'mssql', cloud: true, defaultPort: 1433, hostSuffixes: ['.database.windows.net'] },
  // A SQL Server URL whose host names no provider is taken for Azure SQL, so TLS stays mandatory.
  urlDefaultFor: 'mssql',
  customerManagedKey: true,
  kitNotes: [
    'Azure SQL Database: encrypt is always on and the certificate is verified (trustServerCertificate: false).',
    'Set tls.strict (TDS 8.0) to encrypt before login; it is the only way to negotiate TLS 1.3 with tedious.',
  ],
  regions: AZURE_REGIONS,
  normalizeRegion: normalizeAzureRegion,
  settings: z.object(AZURE_ADMIN_SETTINGS),
  offline: {
    resources: {
      ...AZURE_OFFLINE.resources,
      'azure-native:sql:Server': (name, inputs) => ({
        id: azureId(inputs, 'Microsoft.Sql/servers', str(inputs.serverName, name)),
        outputs: { name: str(inputs.serverName, name), fullyQualifiedDomainName: `${str(inputs.serverName, name)}.database.windows.net` },
      }),
      'azure-native:sql:Database': (name, inputs) => ({
        id: azureId(inputs, 'Microsoft.Sql/servers/databases', str(inputs.databaseName, name)),
        outputs: { name: str(inputs.databaseName, name) },
      }),
      'azure-native:sql:ServerKey': (name, inputs) => ({
        id: azureId(inputs, 'Microsoft.Sql/servers/keys', str(inputs.keyName, name)),
        outputs: { name: str(inputs.keyName, name) },
      }),
    },
    invokes: AZURE_OFFLINE.invokes,
  },
});
