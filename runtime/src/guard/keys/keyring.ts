import type { Kysely } from 'kysely';
import type { DataKey } from '../crypto/envelope.ts';
import { createKey, ensureKeyTable, type KeyRecord, listKeys, unwrapRecord } from './key-store.ts';
import type { KeyProvider } from './provider.ts';

/** A tenant's keys, unwrapped once up front, so encrypting inside a (synchronous) query transform needs no I/O. */
export interface Keyring {
  readonly tenant: string;
  /** The key new values are encrypted with. */
  readonly active: DataKey;
  /** Any data key of the tenant (active, retired, or the next one of a rotation in progress). */
  get(id: string): DataKey | undefined;
  readonly blindIndexKey: Buffer;
  readonly records: readonly KeyRecord[];
}

export interface LoadKeyringOptions {
  /** Create the key table, a first data key and the blind-index key when missing (default true). */
  create?: boolean;
}

/** Loads (and on first use creates) a tenant's key ring from `byos_keys`, unwrapping every key with the provider. */
export async function loadKeyring(db: Kysely<any>, tenant: string, provider: KeyProvider, options: LoadKeyringOptions = {}): Promise<Keyring> {
  const create = options.create ?? true;
  if (create) await ensureKeyTable(db);
  let records = await listKeys(db);
  if (create && !records.some((r) => r.purpose === 'data' && r.state === 'active')) {
    await createKey(db, tenant, provider, 'data', 'active');
    records = await listKeys(db);
  }
  if (create && !records.some((r) => r.purpose === 'blind-index')) {
    await createKey(db, tenant, provider, 'blind-index', 'active');
    records = await listKeys(db);
  }
  const data = new Map<string, DataKey>();
  let active: DataKey | undefined;
  let blindIndexKey: Buffer | undefined;
  for (const record of records) {
    const key = await unwrapRecord(record, tenant, provider);
    if (record.purpose === 'blind-index') {
      blindIndexKey ??= key.material;
      continue;
    }
    data.set(key.id, key);
    // Records are ordered by creation, so the newest active key wins if two writers raced on the first key.
    if (record.state === 'active') active = key;
  }
  if (!active) throw new Error(`tenant ${tenant} has no active data key in byos_keys`);
  if (!blindIndexKey) throw new Error(`tenant ${tenant} has no blind-index key in byos_keys`);
  return { tenant, active, get: (id) => data.get(id), blindIndexKey, records };
}
