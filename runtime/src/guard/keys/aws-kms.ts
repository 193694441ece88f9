import { contextMap, type KeyProvider, type WrapContext } from './provider.ts';
import { loadOptionalPeer } from '../../util/optional-peer.ts';

export interface AwsKmsSettings {
  keyId: string;
  region: string;
  endpoint?: string;
}

/**
 * AWS KMS: data keys are wrapped with `Encrypt` and unwrapped with `Decrypt` under a symmetric KMS key, the tenant
 * and key id as the encryption context (logged by CloudTrail, required to decrypt). Credentials come from the SDK's
 * default chain (environment, profile, instance or task role).
 */
export async function awsKmsProvider(settings: AwsKmsSettings): Promise<KeyProvider> {
  const { KMSClient, EncryptCommand, DecryptCommand } = await loadOptionalPeer(
    '@aws-sdk/client-kms',
    'the AWS KMS key provider',
    () => import('@aws-sdk/client-kms'),
  );
  const client = new KMSClient({ region: settings.region, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}) });
  const fail = (what: string, context: WrapContext, error: unknown) =>
    new Error(
      `AWS KMS ${what} of data key ${context.keyId} (tenant ${context.tenant}, KMS key ${settings.keyId}) failed: ${(error as Error).name}: ${(error as Error).message}`,
    );
  return {
    name: 'aws-kms',
    kekId: settings.keyId,
    async wrap(dataKey, context) {
      try {
        const out = await client.send(new EncryptCommand({ KeyId: settings.keyId, Plaintext: dataKey, EncryptionContext: contextMap(context) }));
        if (!out.CiphertextBlob) throw new Error('no CiphertextBlob in the response');
        return Buffer.from(out.CiphertextBlob).toString('base64');
      } catch (error) {
        throw fail('Encrypt', context, error);
      }
    },
    async unwrap(wrapped, context) {
      try {
        const out = await client.send(
          new DecryptCommand({ KeyId: settings.keyId, CiphertextBlob: Buffer.from(wrapped, 'base64'), EncryptionContext: contextMap(context) }),
        );
        if (!out.Plaintext) throw new Error('no Plaintext in the response');
        return Buffer.from(out.Plaintext);
      } catch (error) {
        throw fail('Decrypt', context, error);
      }
    },
  };
}
