import { z } from 'zod';

/**
 * A key provider wraps and unwraps per-tenant data keys (DEKs) with a key-encryption key (KEK) it holds: a local
 * file for development, or a cloud KMS. The wrapped form is opaque text stored in the tenant's `byos_keys` table;
 * the unwrapped key only ever lives in memory.
 */
export interface KeyProvider {
  /** `local-file`, `aws-kms`, `azure-key-vault`, `gcp-kms`; recorded next to every key it wrapped. */
  readonly name: string;
  /** Which KEK (file fingerprint, key ARN, key URL, key resource name); recorded with each key. */
  readonly kekId: string;
  wrap(dataKey: Buffer, context: WrapContext): Promise<string>;
  /** Throws when the wrapped key was not produced by this KEK for this context. */
  unwrap(wrapped: string, context: WrapContext): Promise<Buffer>;
}

/** Bound to the wrapped key (as AAD or KMS encryption context), so a wrapped key cannot be moved to another tenant. */
export interface WrapContext {
  tenant: string;
  keyId: string;
}

/** Which provider to use and its settings; the `keyProvider` part of an encryption config file. */
export const KeyProviderConfig = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('local-file'),
    /** Path of the 0600 file holding the base64 KEK (create it with `byos keys init-local`). */
    path: z.string().min(1),
  }),
  z.object({
    type: z.literal('aws-kms'),
    /** Key ARN, key id or alias (`alias/byos-acme`). */
    keyId: z.string().min(1),
    region: z.string().min(1),
    /** Endpoint override (VPC endpoint, FIPS endpoint, a local fake). */
    endpoint: z.string().url().optional(),
  }),
  z.object({
    type: z.literal('azure-key-vault'),
    /** Key identifier URL: `https://<vault>.vault.azure.net/keys/<name>[/<version>]`. */
    keyUrl: z.string().url(),
    /** Wrap algorithm for an RSA key (RSA-OAEP-256 by default). */
    algorithm: z.enum(['RSA-OAEP-256', 'RSA-OAEP', 'A256KW']).default('RSA-OAEP-256'),
  }),
  z.object({
    type: z.literal('gcp-kms'),
    /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`. */
    keyName: z.string().regex(/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/, 'a Cloud KMS crypto key resource name'),
    /** Endpoint override (regional or private endpoint, a local fake). */
    apiEndpoint: z.string().min(1).optional(),
  }),
]);
export type KeyProviderConfig = z.input<typeof KeyProviderConfig>;

/** Opens the configured provider; cloud SDKs are imported only when their provider is used. */
export async function openKeyProvider(input: KeyProviderConfig): Promise<KeyProvider> {
  const config = KeyProviderConfig.parse(input);
  switch (config.type) {
    case 'local-file':
      return (await import('./local-key-file.ts')).openLocalKeyFile(config.path);
    case 'aws-kms':
      return (await import('./aws-kms.ts')).awsKmsProvider(config);
    case 'azure-key-vault':
      return (await import('./azure-key-vault.ts')).azureKeyVaultProvider(config);
    case 'gcp-kms':
      return (await import('./gcp-kms.ts')).gcpKmsProvider(config);
  }
}

/** The encryption context as the cloud KMS APIs take it (string map / AAD bytes). */
export function contextMap(context: WrapContext): Record<string, string> {
  return { 'byos:tenant': context.tenant, 'byos:key': context.keyId };
}

export function contextBytes(context: WrapContext): Buffer {
  return Buffer.from(JSON.stringify(['byos-dek:v1', context.tenant, context.keyId]), 'utf8');
}
