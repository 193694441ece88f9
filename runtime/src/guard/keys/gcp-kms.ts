import { contextBytes, type KeyProvider, type WrapContext } from './provider.ts';
import { loadOptionalPeer } from '../../util/optional-peer.ts';

export interface GcpKmsSettings {
  /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`. */
  keyName: string;
  apiEndpoint?: string;
  /** Extra client options (credentials, `fallback: true` for HTTP/JSON instead of gRPC, an auth client). */
  clientOptions?: Record<string, unknown>;
}

/**
 * Google Cloud KMS: data keys are wrapped with `encrypt` and unwrapped with `decrypt` on a symmetric crypto key,
 * the tenant and key id as additional authenticated data. Credentials come from Application Default Credentials.
 */
export async function gcpKmsProvider(settings: GcpKmsSettings): Promise<KeyProvider> {
  const { KeyManagementServiceClient } = await loadOptionalPeer('@google-cloud/kms', 'the Google Cloud KMS key provider', () => import('@google-cloud/kms'));
  const client = new KeyManagementServiceClient({ ...(settings.apiEndpoint ? { apiEndpoint: settings.apiEndpoint } : {}), ...settings.clientOptions });
  const fail = (what: string, context: WrapContext, error: unknown) =>
    new Error(`Cloud KMS ${what} of data key ${context.keyId} (tenant ${context.tenant}, key ${settings.keyName}) failed: ${(error as Error).message}`);
  const bytes = (value: Uint8Array | string | null | undefined) => (typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.from(value ?? []));
  return {
    name: 'gcp-kms',
    kekId: settings.keyName,
    async wrap(dataKey, context) {
      try {
        const [out] = await client.encrypt({ name: settings.keyName, plaintext: dataKey, additionalAuthenticatedData: contextBytes(context) });
        if (!out.ciphertext) throw new Error('no ciphertext in the response');
        return bytes(out.ciphertext).toString('base64');
      } catch (error) {
        throw fail('encrypt', context, error);
      }
    },
    async unwrap(wrapped, context) {
      try {
        const [out] = await client.decrypt({
          name: settings.keyName,
          ciphertext: Buffer.from(wrapped, 'base64'),
          additionalAuthenticatedData: contextBytes(context),
        });
        if (!out.plaintext) throw new Error('no plaintext in the response');
        return bytes(out.plaintext);
      } catch (error) {
        throw fail('decrypt', context, error);
      }
    },
  };
}
