import type { Kysely } from 'kysely';
import { type Keyring, loadKeyring } from '../keys/keyring.ts';
import { type KeyProvider, type KeyProviderConfig, openKeyProvider } from '../keys/provider.ts';
import { blindIndexer } from './blind-index.ts';
import { type ColumnRule, type EncryptionConfigInput, resolveEncryption, type ResolvedEncryption, type TableRule } from './config.ts';
import { decryptField, encryptField, FieldContext } from './envelope.ts';
import { FieldEncryptionPlugin } from './plugin.ts';
import type { ColumnCipher } from './write-transform.ts';

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
  const keyOf = (id: string) => keyring.get(id);
  // Everything about a column that does not change per value (its associated-data prefix, blind-index prefix and
  // normalisation) is built once here, not per row; the key ring is read at call time, so refresh() takes effect.
  const ciphers = new WeakMap<ColumnRule, ColumnCipher>();
  const columnCipher = (tableName: string, spec: ColumnRule): ColumnCipher => {
    let cipher = ciphers.get(spec);
    if (!cipher) {
      const field = new FieldContext(rules.tenant, tableName, spec.name);
      const index = spec.blindIndex && blindIndexer(tableName, spec.name, spec.blindIndex.normalize);
      cipher = {
        encrypt: (primaryKey, value) => encryptField(keyring.active, value, field, primaryKey),
        decrypt: (primaryKey, stored) => decryptField(keyOf, stored, field, primaryKey),
        blindIndex: index ? (value) => index(keyring.blindIndexKey, value) : undefined,
      };
      ciphers.set(spec, cipher);
    }
    return cipher;
  };
  // The explicit API also takes columns outside the config (the plugin never does).
  const forColumn = (table: string, column: string): ColumnCipher => {
    const spec = ruleFor(table)?.columns.get(column);
    return columnCipher(table, spec ?? { name: column });
  };
  const blindIndex = (table: string, column: string, value: unknown) => {
    const spec = ruleFor(table)?.columns.get(column);
    return spec?.blindIndex ? columnCipher(table, spec).blindIndex!(value) : blindIndexer(table, column)(keyring.blindIndexKey, value);
  };
  const refresh = async () => {
    keyring = await loadKeyring(db, rules.tenant, provider, { create: false });
  };
  const plugin = new FieldEncryptionPlugin(rules, { column: (rule, column) => columnCipher(rule.table, rule.columns.get(column)!), refresh });
  return {
    plugin,
    db: db.withPlugin(plugin),
    rules,
    get keyring() {
      return keyring;
    },
    encryptField: (table, column, primaryKey, value) => (value === null || value === undefined ? null : forColumn(table, column).encrypt(primaryKey, value)),
    decryptField: (table, column, primaryKey, stored) =>
      stored === null || stored === undefined ? null : forColumn(table, column).decrypt(primaryKey, stored),
    blindIndex,
    blindIndexFilter: (table, column, value) => {
      const spec = ruleFor(table)?.columns.get(column)?.blindIndex;
      if (!spec) throw new Error(`${table}.${column} has no blind index in the encryption config`);
      return [spec.column, '=', blindIndex(table, column, value)];
    },
    refresh,
  };
}
