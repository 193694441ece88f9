import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ciphertextKeyId, decryptValue, encryptValue, isCiphertext, NoncePool } from '@byos/runtime/guard/crypto';

interface Encoded {
  t: 'json' | 'bigint' | 'date' | 'bytes';
  v: unknown;
}
const decode = ({ t, v }: Encoded): unknown =>
  t === 'bigint' ? BigInt(v as string) : t === 'date' ? new Date(v as string) : t === 'bytes' ? Buffer.from(v as string, 'hex') : v;

// Written by the v1 code before the v2 format existed (commit ca0e46d); never regenerate it with newer code.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/v1-ciphertexts.json', import.meta.url), 'utf8')) as {
  key: { id: string; material: string };
  cases: { where: { tenant: string; table: string; column: string; primaryKey: Encoded[] }; value: Encoded; stored: string }[];
};
const v1Key = { id: fixture.key.id, material: Buffer.from(fixture.key.material, 'hex') };
const whereOf = (c: (typeof fixture.cases)[number]) => ({ ...c.where, primaryKey: c.where.primaryKey.map(decode) });

describe('ciphertext format versions', () => {
  it('still reads byos:v1 values written by the old code, for every type and primary-key shape', () => {
    expect(fixture.cases.length).toBe(44);
    for (const c of fixture.cases) {
      expect(c.stored.startsWith(`byos:v1:${v1Key.id}:`)).toBe(true);
      expect(isCiphertext(c.stored)).toBe(true);
      expect(ciphertextKeyId(c.stored)).toBe(v1Key.id);
      expect(decryptValue(() => v1Key, c.stored, whereOf(c))).toEqual(decode(c.value));
    }
  });

  it('keeps v1 values bound to their row, column and tenant', () => {
    const c = fixture.cases[1]!;
    const where = whereOf(c);
    for (const moved of [
      { ...where, tenant: 'globex' },
      { ...where, column: 'email' },
      { ...where, primaryKey: [6] },
    ]) {
      expect(() => decryptValue(() => v1Key, c.stored, moved)).toThrow(/authentication failed/);
    }
    const flipped = `${c.stored.slice(0, -2)}${c.stored.endsWith('A') ? 'B' : 'A'}${c.stored.slice(-1)}`;
    expect(() => decryptValue(() => v1Key, flipped, where)).toThrow(/authentication failed/);
  });

  it('writes v2, and a value relabelled with the other version does not authenticate', () => {
    const where = { tenant: 'acme', table: 'people', column: 'ssn', primaryKey: [5] };
    const v2 = encryptValue(v1Key, 'S1234567D', where);
    expect(v2).toMatch(/^byos:v2:dk_fixture01:[A-Za-z0-9_-]+$/);
    expect(decryptValue(() => v1Key, v2, where)).toBe('S1234567D');
    expect(() => decryptValue(() => v1Key, v2.replace('byos:v2:', 'byos:v1:'), where)).toThrow(/authentication failed/);
    const v1 = fixture.cases[0]!;
    expect(() => decryptValue(() => v1Key, v1.stored.replace('byos:v1:', 'byos:v2:'), whereOf(v1))).toThrow(/authentication failed/);
  });

  it('length-prefixes the associated data, so shifting text between fields does not collide', () => {
    // With plain concatenation these two locations would give the same bytes.
    const a = { tenant: 'ac', table: 'me', column: 'ssn', primaryKey: ['1'] };
    const b = { tenant: 'acm', table: 'e', column: 'ssn', primaryKey: ['1'] };
    expect(() => decryptValue(() => v1Key, encryptValue(v1Key, 'x', a), b)).toThrow(/authentication failed/);
    const pk2 = { tenant: 't', table: 't', column: 'c', primaryKey: ['a', 'bc'] };
    expect(() => decryptValue(() => v1Key, encryptValue(v1Key, 'x', pk2), { ...pk2, primaryKey: ['ab', 'c'] })).toThrow(/authentication failed/);
    expect(() => decryptValue(() => v1Key, encryptValue(v1Key, 'x', pk2), { ...pk2, primaryKey: ['a', 'bc', ''] })).toThrow(/authentication failed/);
    expect(() => decryptValue(() => v1Key, encryptValue(v1Key, 'x', { ...pk2, column: 'c\u0000' }), pk2)).toThrow(/authentication failed/);
  });

  it('refuses malformed text that only resembles the format', () => {
    const good = encryptValue(v1Key, 'x', { tenant: 't', table: 't', column: 'c', primaryKey: [1] });
    for (const bad of [good.replace('byos:v2', 'byos:v3'), `${good}+`, good.replace(':dk_', ':dk/'), 'byos:v2::AAAA', `byos:v2:${'k'.repeat(65)}:AAAA`]) {
      expect(isCiphertext(bad), bad).toBe(false);
      expect(() => decryptValue(() => v1Key, bad, { tenant: 't', table: 't', column: 'c', primaryKey: [1] })).toThrow(/not in the byos ciphertext format/);
    }
  });
});

describe('nonce pool', () => {
  it('hands out each slice once and draws a fresh buffer when used up', () => {
    let refills = 0;
    // A counter as the "random" source makes any slot served twice, or a refill not taken, show up as a repeat.
    const pool = new NoncePool(36, (size) => {
      refills++;
      const buffer = Buffer.alloc(size);
      for (let i = 0; i < size; i += 4) buffer.writeUInt32BE(refills * 1000 + i, i);
      return buffer;
    });
    const held = Array.from({ length: 30 }, () => pool.next());
    const copies = held.map((n) => Buffer.from(n));
    expect(refills).toBe(10);
    expect(new Set(held.map((n) => n.toString('hex'))).size).toBe(30);
    // A refill allocates anew: nonces handed out earlier are not rewritten under their holders.
    held.forEach((n, i) => expect(n.equals(copies[i]!)).toBe(true));
    expect(held.every((n) => n.length === 12)).toBe(true);
  });

  it('gives unique nonces across many refills of CSPRNG output, and refuses a size that would split a nonce', () => {
    const pool = new NoncePool(12 * 8);
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(pool.next().toString('hex'));
    expect(seen.size).toBe(50_000);
    expect(() => new NoncePool(100)).toThrow(/multiple of 12/);
  });

  it('never gives two values the same nonce (every ciphertext starts with its own)', () => {
    const key = { id: 'dk_x', material: randomBytes(32) };
    const where = { tenant: 't', table: 't', column: 'c', primaryKey: [1] };
    const nonces = new Set(
      Array.from({ length: 2000 }, () =>
        Buffer.from(encryptValue(key, 'same', where).slice(13), 'base64url')
          .subarray(0, 12)
          .toString('hex'),
      ),
    );
    expect(nonces.size).toBe(2000);
  });
});
