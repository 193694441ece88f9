import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { NONCE_BYTES, NoncePool } from './nonce-pool.ts';

/**
 * The stored form of one encrypted field: `byos:v2:<keyId>:<base64url(nonce | ciphertext | tag)>`, as text.
 * AES-256-GCM, a random 96-bit nonce per value, a 128-bit tag. The associated data binds the value to its tenant,
 * table, column, primary key and key id, so a ciphertext copied into another row or column fails to decrypt.
 * v2 differs from v1 only in how the associated data is serialised (length-prefixed bytes instead of JSON); v1 values
 * are still read, and the version is part of both serialisations, so relabelling one as the other fails too.
 */
export const CIPHERTEXT_PREFIX = 'byos:v2:';
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BODY = /[A-Za-z0-9_-]+$/y;
const COLON = 58;

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

/** The value names a key this process has not loaded (perhaps created by a rotation elsewhere since). */
export class UnknownKeyError extends FieldCryptoError {
  readonly keyId: string;

  constructor(keyId: string, label: string) {
    super(`cannot decrypt ${label}: key ${keyId} is not in the tenant's key ring (if it was created by a rotation since the keys were loaded, refresh() them)`);
    this.keyId = keyId;
  }
}

export function assertKeyId(id: string): void {
  if (!KEY_ID.test(id)) throw new FieldCryptoError(`key id ${JSON.stringify(id)} must be 1-64 characters of A-Z a-z 0-9 _ -`);
}

/** `{ version, keyId, body }` of text in a stored ciphertext format, or undefined. Hand-parsed: this runs per value. */
function parse(value: unknown): { version: 1 | 2; keyId: string; body: number } | undefined {
  if (typeof value !== 'string' || !value.startsWith('byos:v')) return undefined;
  const v = value.charCodeAt(6);
  const version = v === 50 ? 2 : v === 49 ? 1 : 0;
  if (!version || value.charCodeAt(7) !== COLON) return undefined;
  const colon = value.indexOf(':', 8);
  if (colon < 9 || colon > 72) return undefined;
  const keyId = value.slice(8, colon);
  BODY.lastIndex = colon + 1;
  if (!KEY_ID.test(keyId) || !BODY.test(value)) return undefined;
  return { version, keyId, body: colon + 1 };
}

/** True for text in a stored ciphertext format (any version, any key id). */
export function isCiphertext(value: unknown): value is string {
  return parse(value) !== undefined;
}

/** The key id a stored ciphertext names, or undefined when the value is not in the format. */
export function ciphertextKeyId(value: unknown): string | undefined {
  return parse(value)?.keyId;
}

function pkText(value: unknown): string {
  if (value === null || value === undefined) throw new FieldCryptoError('primary key value is missing');
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return String(value);
}

const lengthPrefixed = (text: string) => {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(4 + bytes.length);
  out.writeUInt32BE(bytes.length, 0);
  bytes.copy(out, 4);
  return out;
};

/**
 * One encrypted column of one tenant: its label for errors and the fixed part of its v2 associated data, built once
 * (per key id) instead of per value.
 */
export class FieldContext {
  readonly tenant: string;
  readonly table: string;
  readonly column: string;
  readonly label: string;
  readonly #prefixes = new Map<string, Buffer>();

  constructor(tenant: string, table: string, column: string) {
    this.tenant = tenant;
    this.table = table;
    this.column = column;
    this.label = `${table}.${column}`;
  }

  /** `"byos:v2" ‖ lp(tenant) ‖ lp(table) ‖ lp(column) ‖ lp(keyId)`, lp = 4-byte big-endian length ‖ UTF-8. */
  prefix(keyId: string): Buffer {
    let prefix = this.#prefixes.get(keyId);
    if (!prefix) {
      prefix = Buffer.concat([Buffer.from('byos:v2', 'latin1'), ...[this.tenant, this.table, this.column, keyId].map(lengthPrefixed)]);
      this.#prefixes.set(keyId, prefix);
    }
    return prefix;
  }
}

// The v2 associated data is assembled in this buffer and handed straight to setAAD, which copies it synchronously.
let scratch = Buffer.allocUnsafe(512);

/** prefix ‖ 4-byte count ‖ lp(primary-key value as text)… */
function associatedDataV2(prefix: Buffer, primaryKey: readonly unknown[]): Buffer {
  // Texts first, so no user code (a key's toString) runs while the shared buffer is being filled.
  const texts = primaryKey.length === 1 ? [pkText(primaryKey[0])] : primaryKey.map(pkText);
  let need = prefix.length + 4;
  for (const text of texts) need += 4 + 3 * text.length;
  if (scratch.length < need) scratch = Buffer.allocUnsafe(2 * need);
  scratch.set(prefix, 0);
  let at = scratch.writeUInt32BE(texts.length, prefix.length);
  for (const text of texts) {
    const n = scratch.write(text, at + 4, 'utf8');
    scratch.writeUInt32BE(n, at);
    at += 4 + n;
  }
  return scratch.subarray(0, at);
}

function associatedDataV1(field: FieldContext, keyId: string, primaryKey: readonly unknown[]): Buffer {
  return Buffer.from(JSON.stringify(['byos:v1', field.tenant, field.table, field.column, primaryKey.map(pkText), keyId]), 'utf8');
}

// One type tag byte in front of the plaintext, so a number comes back a number and bytes come back bytes.
function encodePlain(value: unknown, field: FieldContext): Buffer {
  if (typeof value === 'string') return Buffer.from(`s${value}`, 'utf8');
  if (typeof value === 'number') return Buffer.from(`n${JSON.stringify(value)}`, 'utf8');
  if (typeof value === 'boolean') return Buffer.from(value ? 'b1' : 'b0', 'utf8');
  if (typeof value === 'bigint') return Buffer.from(`i${value}`, 'utf8');
  if (value instanceof Date) return Buffer.from(`d${value.toISOString()}`, 'utf8');
  if (value instanceof Uint8Array) return Buffer.concat([Buffer.from('x'), value]);
  if (typeof value === 'object' && value !== null) return Buffer.from(`j${JSON.stringify(value)}`, 'utf8');
  throw new FieldCryptoError(`cannot encrypt ${field.label}: values of type ${typeof value} are not supported`);
}

function decodePlain(plain: Buffer): unknown {
  switch (plain[0]) {
    case 0x73: // s
      return plain.toString('utf8', 1);
    case 0x6e: // n
      return JSON.parse(plain.toString('utf8', 1)) as number;
    case 0x62: // b
      return plain.toString('utf8', 1) === '1';
    case 0x69: // i
      return BigInt(plain.toString('utf8', 1));
    case 0x64: // d
      return new Date(plain.toString('utf8', 1));
    case 0x78: // x
      return Buffer.from(plain.subarray(1));
    case 0x6a: // j
      return JSON.parse(plain.toString('utf8', 1)) as unknown;
    default:
      throw new FieldCryptoError(`unknown plaintext type tag ${JSON.stringify(String.fromCharCode(plain[0] ?? 0))}`);
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

const nonces = new NoncePool();

/** Encrypts one value of a column (v2 format). `null`/`undefined` are not encrypted (callers pass them through). */
export function encryptField(key: DataKey, value: unknown, field: FieldContext, primaryKey: readonly unknown[]): string {
  if (key.material.length !== 32) throw new FieldCryptoError(`data key ${key.id} is not a 256-bit key`);
  const plain = encodePlain(value, field);
  const ad = associatedDataV2(field.prefix(key.id), primaryKey);
  const nonce = nonces.next();
  const cipher = createCipheriv('aes-256-gcm', keyObject(key.material), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(ad);
  const body = cipher.update(plain);
  const tail = cipher.final(); // empty for GCM, kept for form
  const out = Buffer.allocUnsafe(NONCE_BYTES + body.length + tail.length + TAG_BYTES);
  out.set(nonce, 0);
  out.set(body, NONCE_BYTES);
  out.set(tail, NONCE_BYTES + body.length);
  out.set(cipher.getAuthTag(), NONCE_BYTES + body.length + tail.length);
  return `${CIPHERTEXT_PREFIX}${key.id}:${out.toString('base64url')}`;
}

/**
 * Decrypts one stored value of a column (v2, or v1 written before). Fails closed: a malformed value, an unknown key
 * (UnknownKeyError), a value bound to another row or column, or any tampering throws a FieldCryptoError naming
 * table.column and the key id; nothing partial is returned.
 */
export function decryptField(keys: (id: string) => DataKey | undefined, stored: unknown, field: FieldContext, primaryKey: readonly unknown[]): unknown {
  const parsed = parse(stored);
  if (!parsed) throw new FieldCryptoError(`cannot decrypt ${field.label}: the stored value is not in the byos ciphertext format`);
  const { version, keyId } = parsed;
  const key = keys(keyId);
  if (!key) throw new UnknownKeyError(keyId, field.label);
  const raw = Buffer.from((stored as string).slice(parsed.body), 'base64url');
  if (raw.length < NONCE_BYTES + TAG_BYTES + 1) throw new FieldCryptoError(`cannot decrypt ${field.label} with key ${keyId}: the ciphertext is truncated`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyObject(key.material), raw.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(version === 2 ? associatedDataV2(field.prefix(keyId), primaryKey) : associatedDataV1(field, keyId, primaryKey));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const head = decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES));
    const tail = decipher.final();
    return decodePlain(tail.length ? Buffer.concat([head, tail]) : head);
  } catch (error) {
    if (error instanceof FieldCryptoError) throw error;
    throw new FieldCryptoError(
      `cannot decrypt ${field.label} with key ${keyId}: authentication failed (tampered, or moved from another row, column or tenant)`,
    );
  }
}

/** Encrypts one value for one field of one row (see encryptField; this one builds the column's context each call). */
export function encryptValue(key: DataKey, value: unknown, where: FieldLocation): string {
  return encryptField(key, value, new FieldContext(where.tenant, where.table, where.column), where.primaryKey);
}

/** Decrypts one stored value (see decryptField; this one builds the column's context each call). */
export function decryptValue(keys: (id: string) => DataKey | undefined, stored: unknown, where: FieldLocation): unknown {
  return decryptField(keys, stored, new FieldContext(where.tenant, where.table, where.column), where.primaryKey);
}
