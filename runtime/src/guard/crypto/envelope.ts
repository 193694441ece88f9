import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

/**
 * The stored form of one encrypted field: `byos:v1:<keyId>:<base64url(nonce | ciphertext | tag)>`, as text.
 * AES-256-GCM, a random 96-bit nonce per value, a 128-bit tag. The associated data binds the value to its tenant,
 * table, column, primary key and key id, so a ciphertext copied into another row or column fails to decrypt.
 */
export const CIPHERTEXT_PREFIX = 'byos:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const FORMAT = /^byos:v1:([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]+)$/;

/** A data-encryption key, unwrapped, in memory only. */
export interface DataKey {
  readonly id: string;
  readonly material: Buffer;
}

/** Where a value lives; all of it goes into the associated data. */
export interface FieldLocation {
  tenant: string;
  table: string;
  column: string;
  /** Primary-key values in key-column order; compared as text, so `5` and `'5'` are the same row. */
  primaryKey: readonly unknown[];
}

/** A value that cannot be encrypted or decrypted; names the field and key, never the value. */
export class FieldCryptoError extends Error {
  override name = 'FieldCryptoError';
}

export function assertKeyId(id: string): void {
  if (!KEY_ID.test(id)) throw new FieldCryptoError(`key id ${JSON.stringify(id)} must be 1-64 characters of A-Z a-z 0-9 _ -`);
}

/** True for text in the stored ciphertext format (any key id). */
export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && FORMAT.test(value);
}

/** The key id a stored ciphertext names, or undefined when the value is not in the format. */
export function ciphertextKeyId(value: unknown): string | undefined {
  return typeof value === 'string' ? FORMAT.exec(value)?.[1] : undefined;
}

function pkText(value: unknown): string {
  if (value === null || value === undefined) throw new FieldCryptoError('primary key value is missing');
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return String(value);
}

function associatedData(where: FieldLocation, keyId: string): Buffer {
  return Buffer.from(JSON.stringify(['byos:v1', where.tenant, where.table, where.column, where.primaryKey.map(pkText), keyId]), 'utf8');
}

// One type tag byte in front of the plaintext, so a number comes back a number and bytes come back bytes.
function encodePlain(value: unknown, field: string): Buffer {
  const tagged = (tag: string, body: Buffer | string) => Buffer.concat([Buffer.from(tag), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
  if (typeof value === 'string') return tagged('s', value);
  if (typeof value === 'number') return tagged('n', JSON.stringify(value));
  if (typeof value === 'boolean') return tagged('b', value ? '1' : '0');
  if (typeof value === 'bigint') return tagged('i', value.toString());
  if (value instanceof Date) return tagged('d', value.toISOString());
  if (value instanceof Uint8Array) return tagged('x', Buffer.from(value));
  if (typeof value === 'object' && value !== null) return tagged('j', JSON.stringify(value));
  throw new FieldCryptoError(`cannot encrypt ${field}: values of type ${typeof value} are not supported`);
}

function decodePlain(plain: Buffer): unknown {
  const tag = String.fromCharCode(plain[0] ?? 0);
  const body = plain.subarray(1);
  switch (tag) {
    case 's':
      return body.toString('utf8');
    case 'n':
      return JSON.parse(body.toString('utf8')) as number;
    case 'b':
      return body.toString('utf8') === '1';
    case 'i':
      return BigInt(body.toString('utf8'));
    case 'd':
      return new Date(body.toString('utf8'));
    case 'x':
      return Buffer.from(body);
    case 'j':
      return JSON.parse(body.toString('utf8')) as unknown;
    default:
      throw new FieldCryptoError(`unknown plaintext type tag ${JSON.stringify(tag)}`);
  }
}

// A KeyObject per key, made once: handing createCipheriv a raw Buffer re-imports the key on every call (about half
// the cost of encrypting a short field).
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObject(material: Buffer): KeyObject {
  let key = keyObjects.get(material);
  if (!key) keyObjects.set(material, (key = createSecretKey(material)));
  return key;
}

const label = (where: FieldLocation) => `${where.table}.${where.column}`;

/** Encrypts one value for one field of one row. `null`/`undefined` are not encrypted (callers pass them through). */
export function encryptValue(key: DataKey, value: unknown, where: FieldLocation): string {
  if (key.material.length !== 32) throw new FieldCryptoError(`data key ${key.id} is not a 256-bit key`);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyObject(key.material), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(where, key.id));
  const body = Buffer.concat([cipher.update(encodePlain(value, label(where))), cipher.final()]);
  return `${CIPHERTEXT_PREFIX}${key.id}:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/**
 * Decrypts one stored value. Fails closed: a malformed value, an unknown key, a value bound to another row or
 * column, or any tampering throws a FieldCryptoError naming table.column and the key id; nothing partial is returned.
 */
export function decryptValue(keys: (id: string) => DataKey | undefined, stored: unknown, where: FieldLocation): unknown {
  const match = typeof stored === 'string' ? FORMAT.exec(stored) : null;
  if (!match) throw new FieldCryptoError(`cannot decrypt ${label(where)}: the stored value is not in the byos:v1 ciphertext format`);
  const keyId = match[1]!;
  const key = keys(keyId);
  if (!key)
    throw new FieldCryptoError(
      `cannot decrypt ${label(where)}: key ${keyId} is not in the tenant's key ring (if it was created by a rotation since the keys were loaded, refresh() them)`,
    );
  const raw = Buffer.from(match[2]!, 'base64url');
  if (raw.length < NONCE_BYTES + TAG_BYTES + 1) throw new FieldCryptoError(`cannot decrypt ${label(where)} with key ${keyId}: the ciphertext is truncated`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyObject(key.material), raw.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(where, keyId));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    return decodePlain(plain);
  } catch (error) {
    if (error instanceof FieldCryptoError) throw error;
    throw new FieldCryptoError(
      `cannot decrypt ${label(where)} with key ${keyId}: authentication failed (tampered, or moved from another row, column or tenant)`,
    );
  }
}
