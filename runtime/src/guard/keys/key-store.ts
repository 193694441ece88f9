import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { assertKeyId, type DataKey } from '../crypto/envelope.ts';
import type { KeyProvider } from './provider.ts';

/** The table, in the tenant's own database, that holds its wrapped keys. */
export const KEY_TABLE = 'byos_keys';

/** `data` keys encrypt fields; the one `blind-index` key computes HMAC lookups and is not rotated with them. */
export type KeyPurpose = 'data' | 'blind-index';
/** `next`: created by a rotation in progress; `active`: encrypts new values; `retired`: decrypts old ones only. */
export type KeyState = 'next' | 'active' | 'retired';

export interface KeyRecord {
  key_id: string;
  purpose: KeyPurpose;
  provider: string;
  kek_id: string;
  wrapped_key: string;
  created_at: string;
  state: KeyState;
}

/** Creates `byos_keys` when missing; portable DDL (varchar only), so it works on every dialect. */
export async function ensureKeyTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable(KEY_TABLE)
    .ifNotExists()
    .addColumn('key_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('kek_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('wrapped_key', 'varchar(4000)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .execute();
}

export async function listKeys(db: Kysely<any>): Promise<KeyRecord[]> {
  return (await db.selectFrom(KEY_TABLE).selectAll().orderBy('created_at').orderBy('key_id').execute()) as KeyRecord[];
}

export function newKeyId(purpose: KeyPurpose): string {
  const id = `${purpose === 'data' ? 'dk' : 'bk'}_${randomBytes(8).toString('hex')}`;
  assertKeyId(id);
  return id;
}

/** Generates a 256-bit key, wraps it with the provider and stores the wrapped form; returns the key in memory. */
export async function createKey(
  db: Kysely<any>,
  tenant: string,
  provider: KeyProvider,
  purpose: KeyPurpose,
  state: KeyState,
): Promise<{ record: KeyRecord; key: DataKey }> {
  const id = newKeyId(purpose);
  const material = randomBytes(32);
  const record: KeyRecord = {
    key_id: id,
    purpose,
    provider: provider.name,
    kek_id: provider.kekId,
    wrapped_key: await provider.wrap(material, { tenant, keyId: id }),
    created_at: new Date().toISOString(),
    state,
  };
  await db.insertInto(KEY_TABLE).values(record).execute();
  return { record, key: { id, material } };
}

export async function unwrapRecord(record: KeyRecord, tenant: string, provider: KeyProvider): Promise<DataKey> {
  if (record.provider !== provider.name) {
    throw new Error(`key ${record.key_id} was wrapped by ${record.provider} (${record.kek_id}), but the configured key provider is ${provider.name}`);
  }
  const material = await provider.unwrap(record.wrapped_key, { tenant, keyId: record.key_id });
  if (material.length !== 32) throw new Error(`key ${record.key_id} unwrapped to ${material.length} bytes, expected 32`);
  return { id: record.key_id, material };
}
