import { randomBytes } from 'node:crypto';

export const NONCE_BYTES = 12;
// 341 nonces per refill: one randomBytes call costs about as much as an AES-GCM encryption, so a call per value was
// most of encryptValue's time.
const POOL_BYTES = NONCE_BYTES * 341;

/**
 * 96-bit GCM nonces sliced from a buffer of CSPRNG output, refilled with a fresh buffer when used up. Each slice is
 * handed out once and the buffer is never rewritten (a refill allocates a new one), so a nonce a caller still holds
 * cannot change underneath it. As random as `randomBytes(12)` per value: the same generator, in larger reads.
 */
export class NoncePool {
  #pool: Buffer = Buffer.alloc(0);
  #at = 0;
  readonly #bytes: number;
  readonly #fill: (size: number) => Buffer;

  constructor(bytes = POOL_BYTES, fill: (size: number) => Buffer = randomBytes) {
    if (bytes < NONCE_BYTES || bytes % NONCE_BYTES) throw new Error(`nonce pool size must be a multiple of ${NONCE_BYTES} bytes`);
    this.#bytes = bytes;
    this.#fill = fill;
  }

  next(): Buffer {
    if (this.#at + NONCE_BYTES > this.#pool.length) {
      this.#pool = this.#fill(this.#bytes);
      this.#at = 0;
    }
    const nonce = this.#pool.subarray(this.#at, this.#at + NONCE_BYTES);
    this.#at += NONCE_BYTES;
    return nonce;
  }
}
