import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** Token text starts with this, so a token is recognisable and its format can change later. */
export const TOKEN_PREFIX = 'tok1_';

/** The three independent keys a masking key is stretched into (HKDF-SHA256, one label each). */
export interface MaskingKeys {
  /** AES-256-CTR key of the token. */
  enc: Buffer;
  /** HMAC-SHA256 key whose tag over the plaintext is the token's synthetic IV. */
  siv: Buffer;
  /** HMAC-SHA256 key of the `hash` rule (separate, so a hash never reveals a token's IV). */
  hash: Buffer;
}

/**
 * Stretches the caller's key into the masking keys. A string key is taken as UTF-8 and must hold at least 32
 * characters; a binary key at least 32 bytes.
 */
export function deriveMaskingKeys(key: string | Uint8Array): MaskingKeys {
  const material = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
  if (material.length < 32) throw new Error(`masking key is too short: ${material.length} bytes, at least 32 needed`);
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `byos-mask:${label}`, 32));
  return { enc: derive('token-enc'), siv: derive('token-siv'), hash: derive('hash') };
}

function syntheticIv(keys: MaskingKeys, plaintext: Buffer): Buffer {
  return createHmac('sha256', keys.siv).update(plaintext).digest().subarray(0, 16);
}

/**
 * Deterministic, reversible token (the SIV construction, as in RFC 5297 with HMAC-SHA256 for S2V): the IV is a
 * MAC of the plaintext, and the plaintext is encrypted with AES-256-CTR under that IV. Equal values give equal
 * tokens (joins and group-bys survive masking); the IV doubles as the integrity tag, so detokenize recomputes it
 * from the decrypted text and refuses a token that was changed. It reveals equality and length, nothing else.
 */
export function tokenize(keys: MaskingKeys, value: string): string {
  const plaintext = Buffer.from(value, 'utf8');
  const iv = syntheticIv(keys, plaintext);
  const cipher = createCipheriv('aes-256-ctr', keys.enc, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `${TOKEN_PREFIX}${Buffer.concat([iv, body]).toString('base64url')}`;
}

/** Inverts tokenize; throws when the token is malformed, was made with another key or was altered. */
export function detokenize(keys: MaskingKeys, token: string): string {
  if (!token.startsWith(TOKEN_PREFIX)) throw new Error(`not a masking token (expected the ${TOKEN_PREFIX} prefix)`);
  const encoded = token.slice(TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) throw new Error('masking token is not base64url');
  const raw = Buffer.from(encoded, 'base64url');
  if (raw.length < 16) throw new Error('masking token is truncated');
  const iv = raw.subarray(0, 16);
  const decipher = createDecipheriv('aes-256-ctr', keys.enc, iv);
  const plaintext = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]);
  if (!timingSafeEqual(syntheticIv(keys, plaintext), iv)) {
    throw new Error('masking token failed its integrity check (altered, or made with another key)');
  }
  return plaintext.toString('utf8');
}

/** Keyed hash of the `hash` rule: HMAC-SHA256, hex or base64url. Not reversible; equal values hash equal. */
export function keyedHash(keys: MaskingKeys, value: string, encoding: 'hex' | 'base64url'): string {
  return createHmac('sha256', keys.hash).update(value, 'utf8').digest(encoding);
}
