import { z } from 'zod';
import type { Jurisdiction } from '../../contracts/jurisdictions.ts';
import type { OfflineValues, ProviderOffline } from '../descriptor.ts';
import { textSetting } from '../descriptor.ts';
import { MOCK_AZURE_OBJECT, MOCK_AZURE_SUBSCRIPTION, MOCK_AZURE_TENANT, str } from './offline-values.ts';

/** What Azure SQL and Flexible Server share: Azure's regions, the Entra administrator settings, the common resources. */

// Microsoft Learn, "Azure geographies".
const AZURE_EU: readonly string[] = [
  'westeurope',
  'northeurope',
  'francecentral',
  'francesouth',
  'germanywestcentral',
  'germanynorth',
  'swedencentral',
  'swedensouth',
  'norwayeast',
  'norwaywest',
  'italynorth',
  'polandcentral',
  'spaincentral',
];
const AZURE_US: readonly string[] = ['eastus', 'eastus2', 'centralus', 'northcentralus', 'southcentralus', 'westcentralus', 'westus', 'westus2', 'westus3'];

export const AZURE_REGIONS: Readonly<Partial<Record<Jurisdiction, readonly string[]>>> = {
  SG: ['southeastasia'],
  EU: AZURE_EU,
  UK: ['uksouth', 'ukwest'],
  US: AZURE_US,
  AU: ['australiaeast', 'australiasoutheast', 'australiacentral', 'australiacentral2'],
  JP: ['japaneast', 'japanwest'],
  IN: ['centralindia', 'southindia', 'westindia'],
  CA: ['canadacentral', 'canadaeast'],
  KR: ['koreacentral', 'koreasouth'],
  BR: ['brazilsouth', 'brazilsoutheast'],
  CH: ['switzerlandnorth', 'switzerlandwest'],
  HK: ['eastasia'],
  ID: ['indonesiacentral'],
};

/** Azure display names (`West Europe`) lose their spaces. */
export function normalizeAzureRegion(region: string): string {
  return region.replace(/\s+/g, '');
}

const PRINCIPAL_TYPE = (issue: { input?: unknown }) => `must be User, Group or ServicePrincipal, got "${String(issue.input)}"`;

/** The Entra administrator of the server (pulumi/providers/azure-common.ts). */
export const AZURE_ADMIN_SETTINGS = {
  /** The Microsoft Entra principal made server administrator (`byos:azureAdminObjectId`); absent means the identity running `pulumi up`. */
  azureAdminObjectId: textSetting(),
  /** Display name / login of that principal (`byos:azureAdminLogin`). */
  azureAdminLogin: textSetting(),
  /** `User`, `Group` or `ServicePrincipal` (`byos:azureAdminPrincipalType`). */
  azureAdminPrincipalType: z.enum(['User', 'Group', 'ServicePrincipal'], { error: PRINCIPAL_TYPE }).optional(),
};

/** An Azure resource id in the mock resource group. */
export function azureId(inputs: OfflineValues, kind: string, resourceName: string): string {
  return `/subscriptions/${MOCK_AZURE_SUBSCRIPTION}/resourceGroups/${str(inputs.resourceGroupName, 'rg')}/providers/${kind}/${resourceName}`;
}

/** Offline answers for the resources both Azure modules declare (resource group, Key Vault, identity, audit workspace). */
export const AZURE_OFFLINE: Required<Pick<ProviderOffline, 'resources' | 'invokes'>> = {
  resources: {
    'azure-native:resources:ResourceGroup': (name, inputs) => ({
      id: `/subscriptions/${MOCK_AZURE_SUBSCRIPTION}/resourceGroups/${str(inputs.resourceGroupName, name)}`,
      outputs: { name: str(inputs.resourceGroupName, name) },
    }),
    'azure-native:keyvault:Vault': (name, inputs) => {
      const vault = str(inputs.vaultName, name);
      return {
        id: azureId(inputs, 'Microsoft.KeyVault/vaults', vault),
        outputs: { name: vault, properties: { ...inputs.properties, vaultUri: `https://${vault}.vault.azure.net/` } },
      };
    },
    'azure-native:keyvault:Key': (name, inputs) => {
      const keyUri = `https://${str(inputs.vaultName, 'vault')}.vault.azure.net/keys/${str(inputs.keyName, name)}`;
      return {
        id: azureId(inputs, 'Microsoft.KeyVault/vaults/keys', str(inputs.keyName, name)),
        outputs: { name: str(inputs.keyName, name), keyUri, keyUriWithVersion: `${keyUri}/0123456789abcdef0123456789abcdef` },
      };
    },
    'azure-native:managedidentity:UserAssignedIdentity': (name, inputs) => ({
      id: azureId(inputs, 'Microsoft.ManagedIdentity/userAssignedIdentities', str(inputs.resourceName, name)),
      outputs: { principalId: '33333333-3333-3333-3333-333333333333', clientId: '44444444-4444-4444-4444-444444444444', tenantId: MOCK_AZURE_TENANT },
    }),
    'azure-native:operationalinsights:Workspace': (name, inputs) => ({
      id: azureId(inputs, 'Microsoft.OperationalInsights/workspaces', str(inputs.workspaceName, name)),
      outputs: { customerId: '55555555-5555-5555-5555-555555555555' },
    }),
  },
  invokes: {
    'azure-native:authorization:getClientConfig': () => ({
      clientId: '66666666-6666-6666-6666-666666666666',
      objectId: MOCK_AZURE_OBJECT,
      subscriptionId: MOCK_AZURE_SUBSCRIPTION,
      tenantId: MOCK_AZURE_TENANT,
    }),
  },
};
