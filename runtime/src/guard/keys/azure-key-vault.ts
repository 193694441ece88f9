import type { TokenCredential } from '@azure/identity';
import type { KeyProvider, WrapContext } from './provider.ts';
import { loadOptionalPeer } from '../../util/optional-peer.ts';

export interface AzureKeyVaultSettings {
  /** `https://<vault>.vault.azure.net/keys/<name>[/<version>]`. */
  keyUrl: string;
  algorithm?: 'RSA-OAEP-256' | 'RSA-OAEP' | 'A256KW';
  /** Defaults to DefaultAzureCredential (managed identity, environment, Azure CLI). */
  credential?: TokenCredential;
  /** Passed to the SDK client (tests point the pipeline at a local fake). */
  clientOptions?: Record<string, unknown>;
}

/**
 * Azure Key Vault: data keys are wrapped with `wrapKey` and unwrapped with `unwrapKey` by a CryptographyClient on
 * the vault key (RSA-OAEP-256 by default; A256KW for Managed HSM AES keys). Key Vault's wrap has no associated data,
 * so the tenant binding of a wrapped key rests on the byos_keys row; the field ciphertexts still bind the tenant.
 */
export async function azureKeyVaultProvider(settings: AzureKeyVaultSettings): Promise<KeyProvider> {
  const { CryptographyClient } = await loadOptionalPeer('@azure/keyvault-keys', 'the Azure Key Vault key provider', () => import('@azure/keyvault-keys'));
  // @azure/identity only for the default credential: an application that passes its own need not install it.
  const credential =
    settings.credential ??
    new (
      await loadOptionalPeer('@azure/identity', 'the Azure Key Vault key provider without a credential', () => import('@azure/identity'))
    ).DefaultAzureCredential();
  const client = new CryptographyClient(settings.keyUrl, credential, settings.clientOptions);
  const algorithm = settings.algorithm ?? 'RSA-OAEP-256';
  const fail = (what: string, context: WrapContext, error: unknown) =>
    new Error(`Azure Key Vault ${what} of data key ${context.keyId} (tenant ${context.tenant}, key ${settings.keyUrl}) failed: ${(error as Error).message}`);
  return {
    name: 'azure-key-vault',
    kekId: settings.keyUrl,
    async wrap(dataKey, context) {
      try {
        return Buffer.from((await client.wrapKey(algorithm, dataKey)).result).toString('base64');
      } catch (error) {
        throw fail('wrapKey', context, error);
      }
    },
    async unwrap(wrapped, context) {
      try {
        return Buffer.from((await client.unwrapKey(algorithm, Buffer.from(wrapped, 'base64'))).result);
      } catch (error) {
        throw fail('unwrapKey', context, error);
      }
    },
  };
}
