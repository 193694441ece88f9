import type { Kysely } from 'kysely';
import { type Keyring, loadKeyring } from '../keys/keyring.ts';
import { type KeyProvider, type KeyProviderConfig, openKeyProvider } from '../keys/provider.ts';
import { computeBlindIndex } from './blind-index.ts';
import { type EncryptionConfigInput, resolveEncryption, type ResolvedEncryption, type TableRule } from './config.ts';
import { decryptValue, encryptValue } from './envelope.ts';
import { FieldEncryptionPlugin } from './plugin.ts';

export interface FieldEncryptionOptions {
  /** The tenant id bound into every ciphertext, and the encrypted tables and columns. */
  config: Omit<EncryptionConfigInput, 'keyProvider'> & { keyProvider?: KeyProviderConfig };
  /** An opened provider; otherwise `config.keyProvider` is opened. */
  provider?: KeyProvider;
}

/** Encrypted fields of one tenant: the Kysely plugin, a Kysely handle using it, and the explicit API. */
export interface FieldEncryption {
  readonly plugin: FieldEncryptionPlugin;
  /** `tenant.db.withPlugin(plugin)`: writes through it are encrypted, reads decrypted. */
  readonly db: Kysely<any>;
  readonly rules: ResolvedEncryption;
  /** The current key ring (the active key id is `keyring.active.id`). */
  readonly keyring: Keyring;
  /** Ciphertext for one field of one row, for writes the plugin cannot see (raw SQL, INSERT ... SELECT, bulk loads). */
  encryptField(table: string, column: string, primaryKey: readonly unknown[], value: unknown): string | null;
  /** Plaintext of a stored ciphertext; throws (naming table.column and key) when it does not authenticate. */
  decryptField(table: string, column: string, primaryKey: readonly unknown[], stored: unknown): unknown;
  /** HMAC-SHA256 blind index of a value, normalised as the column's config says. */
  blindIndex(table: string, column: string, value: unknown): string;
  /** `[indexColumn, '=', digest]`, to spread into `.where(...)`. */
  blindIndexFilter(table: string, column: string, value: unknown): [string, '=', string];
  /** Reloads keys from byos_keys (after a rotation by another process). */
  refresh(): Promise<void>;
}

/**
 * Loads the tenant's key ring (creating `byos_keys`, a data key and a blind-index key on first use) and returns the
 * plugin and explicit API. Keys are unwrapped here, before any query, because Kysely's transformQuery is synchronous.
 */
export async function createFieldEncryption(db: Kysely<any>, options: FieldEncryptionOptions): Promise<FieldEncryption> {
  const rules = resolveEncryption(options.config);
  const provider = options.provider ?? (options.config.keyProvider ? await openKeyProvider(options.config.keyProvider) : undefined);
  if (!provider) throw new Error('field encryption needs a key provider: give config.keyProvider or an opened provider');
  let keyring = await loadKeyring(db, rules.tenant, provider);
  const ruleFor = (table: string): TableRule | undefined => rules.tables.get(table);
  const normalizeOf = (table: string, column: string) => ruleFor(table)?.columns.get(column)?.blindIndex?.normalize;
  const encrypt = (table: string, column: string, primaryKey: readonly unknown[], value: unknown) =>
    encryptValue(keyring.active, value, { tenant: rules.tenant, table, column, primaryKey });
  const decrypt = (table: string, column: string, primaryKey: readonly unknown[], stored: unknown) =>
    decryptValue((id) => keyring.get(id), stored, { tenant: rules.tenant, table, column, primaryKey });
  const blindIndex = (table: string, column: string, value: unknown) =>
    computeBlindIndex(keyring.blindIndexKey, table, column, value, normalizeOf(table, column));
  const refresh = async () => {
    keyring = await loadKeyring(db, rules.tenant, provider, { create: false });
  };
  const plugin = new FieldEncryptionPlugin(rules, {
    encrypt: (rule, column, pk, value) => encrypt(rule.table, column, pk, value),
    blindIndex: (rule, column, value) => blindIndex(rule.table, column, value),
    decrypt,
    hasKey: (id) => keyring.get(id) !== undefined,
    refresh,
  });
  return {
    plugin,
    db: db.withPlugin(plugin),
    rules,
    get keyring() {
      return keyring;
    },
    encryptField: (table, column, primaryKey, value) => (value === null || value === undefined ? null : encrypt(table, column, primaryKey, value)),
    decryptField: (table, column, primaryKey, stored) => (stored === null || stored === undefined ? null : decrypt(table, column, primaryKey, stored)),
    blindIndex,
    blindIndexFilter: (table, column, value) => {
      const spec = ruleFor(table)?.columns.get(column)?.blindIndex;
      if (!spec) throw new Error(`${table}.${column} has no blind index in the encryption config`);
      return [spec.column, '=', blindIndex(table, column, value)];
    },
    refresh,
  };
}
