import * as authorization from '@pulumi/azure-native/authorization/index.js';
import * as keyvault from '@pulumi/azure-native/keyvault/index.js';
import * as managedidentity from '@pulumi/azure-native/managedidentity/index.js';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights/index.js';
import * as resources from '@pulumi/azure-native/resources/index.js';
import * as pulumi from '@pulumi/pulumi';
import { logicalName, tenantNames } from './naming.ts';
import type { ProviderContext } from './types.ts';

/**
 * What Azure SQL and Flexible Server share: the tenant's resource group, the Entra administrator, the Key Vault
 * holding the customer-managed key, and the Log Analytics workspace audit logs go to. All of it sits in the
 * spec's region, so audit logs and keys stay under the same residency as the data.
 */

export interface AzureBase {
  location: string;
  resourceGroup: resources.ResourceGroup;
  /** Entra tenant id of the subscription. */
  tenantId: pulumi.Output<string>;
  /** The principal made server administrator, its login name and kind (default: a service principal, as in CI). */
  admin: { objectId: pulumi.Output<string>; login: string; principalType: 'User' | 'Group' | 'ServicePrincipal' };
}

export function createAzureBase({ spec, settings, parent, tags }: ProviderContext<'azure-sql' | 'azure-postgres'>): AzureBase {
  const names = tenantNames(spec.tenant);
  const location = spec.region;
  const resourceGroup = new resources.ResourceGroup(
    logicalName(spec.tenant, 'rg'),
    { resourceGroupName: names.azureResourceGroup, location, tags },
    { parent },
  );
  const client = authorization.getClientConfigOutput({ parent });
  return {
    location,
    resourceGroup,
    tenantId: client.tenantId,
    admin: {
      objectId: settings.azureAdminObjectId ? pulumi.output(settings.azureAdminObjectId) : client.objectId,
      login: settings.azureAdminLogin ?? 'byos-entra-admin',
      principalType: settings.azureAdminPrincipalType ?? 'ServicePrincipal',
    },
  };
}

export interface AzureCustomerKey {
  /** User-assigned identity the server uses to reach the key. */
  identity: managedidentity.UserAssignedIdentity;
  vault: keyvault.Vault;
  key: keyvault.Key;
  vaultName: string;
  keyName: string;
}

/** Key rotation every 365 days, expiry after two years; Key Vault notifies 30 days before expiry. */
export const AZURE_KEY_ROTATION = { rotateAfter: 'P365D', expireAfter: 'P2Y', notifyBefore: 'P30D' } as const;

/**
 * A customer-managed key for TDE / Flexible Server data encryption: a premium (HSM-backed) vault with soft delete
 * and purge protection (both required by Azure SQL TDE), firewall closed except to trusted Azure services, an
 * RSA-HSM 3072 key with a rotation policy, and an access policy granting the server's identity get, wrapKey and
 * unwrapKey only.
 */
export function createAzureCustomerKey(context: ProviderContext, base: AzureBase): AzureCustomerKey {
  const { spec, parent, tags } = context;
  const names = tenantNames(spec.tenant);
  const child = { parent };
  const identity = new managedidentity.UserAssignedIdentity(
    logicalName(spec.tenant, 'identity'),
    { resourceName: `id-${names.azureServer}`, resourceGroupName: base.resourceGroup.name, location: base.location, tags },
    child,
  );
  const vault = new keyvault.Vault(
    logicalName(spec.tenant, 'vault'),
    {
      vaultName: names.azureKeyVault,
      resourceGroupName: base.resourceGroup.name,
      location: base.location,
      tags,
      properties: {
        tenantId: base.tenantId,
        sku: { family: 'A', name: 'premium' },
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        enableRbacAuthorization: false,
        networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny' },
        accessPolicies: [
          {
            tenantId: base.tenantId,
            objectId: identity.principalId,
            permissions: { keys: ['get', 'wrapKey', 'unwrapKey'] },
          },
          {
            tenantId: base.tenantId,
            objectId: base.admin.objectId,
            permissions: { keys: ['get', 'list', 'create', 'update', 'getrotationpolicy', 'setrotationpolicy', 'rotate'] },
          },
        ],
      },
    },
    child,
  );
  const keyName = `${names.azureServer}-tde`;
  const key = new keyvault.Key(
    logicalName(spec.tenant, 'key'),
    {
      keyName,
      vaultName: vault.name,
      resourceGroupName: base.resourceGroup.name,
      tags,
      properties: {
        kty: 'RSA-HSM',
        keySize: 3072,
        keyOps: ['wrapKey', 'unwrapKey'],
        rotationPolicy: {
          attributes: { expiryTime: AZURE_KEY_ROTATION.expireAfter },
          lifetimeActions: [
            { action: { type: 'rotate' }, trigger: { timeAfterCreate: AZURE_KEY_ROTATION.rotateAfter } },
            { action: { type: 'notify' }, trigger: { timeBeforeExpiry: AZURE_KEY_ROTATION.notifyBefore } },
          ],
        },
      },
    },
    child,
  );
  return { identity, vault, key, vaultName: names.azureKeyVault, keyName };
}

/** Log Analytics workspace in the tenant's region; audit logs are kept a year. */
export function createAuditWorkspace({ spec, parent, tags }: ProviderContext, base: AzureBase): operationalinsights.Workspace {
  return new operationalinsights.Workspace(
    logicalName(spec.tenant, 'audit-logs'),
    {
      workspaceName: `log-${tenantNames(spec.tenant).azureServer}`,
      resourceGroupName: base.resourceGroup.name,
      location: base.location,
      retentionInDays: 365,
      sku: { name: 'PerGB2018' },
      tags,
    },
    { parent },
  );
}
