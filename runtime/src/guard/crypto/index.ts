export { createFieldEncryption, type FieldEncryption, type FieldEncryptionOptions } from './field-encryption.ts';
export { FieldEncryptionPlugin } from './plugin.ts';
export { EncryptionConfig, readEncryptionConfig, resolveEncryption, type EncryptionConfigInput, type ResolvedEncryption } from './config.ts';
export {
  CIPHERTEXT_PREFIX,
  ciphertextKeyId,
  decryptField,
  decryptValue,
  encryptField,
  encryptValue,
  FieldContext,
  FieldCryptoError,
  isCiphertext,
  UnknownKeyError,
  type DataKey,
  type FieldLocation,
} from './envelope.ts';
export { blindIndexer, computeBlindIndex, normalizeForIndex, type BlindIndexNormalize } from './blind-index.ts';
export { NoncePool } from './nonce-pool.ts';
export { rotateDataKey, type RotateOptions, type RotationReport } from './rotate.ts';
export { KeyProviderConfig, openKeyProvider, type KeyProvider, type WrapContext } from '../keys/provider.ts';
export { createLocalKeyFile, openLocalKeyFile } from '../keys/local-key-file.ts';
export { KEY_TABLE, listKeys, type KeyRecord } from '../keys/key-store.ts';
export { loadKeyring, type Keyring } from '../keys/keyring.ts';
