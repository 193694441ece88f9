import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@byos/runtime/guard/audit';
import { ciphertextKeyId, computeBlindIndex, decryptValue, encryptValue, normalizeForIndex, resolveEncryption } from '@byos/runtime/guard/crypto';

const key = { id: 'dk_test', material: randomBytes(32) };
const at = { tenant: 'acme', table: 'people', column: 'ssn', primaryKey: [5] };

describe('ciphertext envelope', () => {
  it('round-trips every supported type, in the versioned format naming the key', () => {
    for (const value of [
      'S1234567D',
      '',
      'ünïcødé ✓',
      42.5,
      -0.1,
      true,
      false,
      12345678901234567890n,
      new Date('2026-11-25T09:00:00.000Z'),
      Buffer.from([0, 1, 255]),
      { a: [1, 'x'] },
    ]) {
      const stored = encryptValue(key, value, at);
      expect(stored).toMatch(/^byos:v2:dk_test:[A-Za-z0-9_-]+$/);
      expect(ciphertextKeyId(stored)).toBe('dk_test');
      expect(decryptValue(() => key, stored, at)).toEqual(value);
    }
    fc.assert(
      fc.property(fc.string(), (s) => decryptValue(() => key, encryptValue(key, s, at), at) === s),
      { numRuns: 200 },
    );
  });

  it('binds tenant, table, column and primary key (compared as text) into the associated data', () => {
    const stored = encryptValue(key, 'secret', at);
    expect(decryptValue(() => key, stored, { ...at, primaryKey: ['5'] })).toBe('secret');
    for (const moved of [
      { ...at, tenant: 'globex' },
      { ...at, table: 'staff' },
      { ...at, column: 'email' },
      { ...at, primaryKey: [6] },
    ]) {
      expect(() => decryptValue(() => key, stored, moved)).toThrow(
        new RegExp(`cannot decrypt ${moved.table}\\.${moved.column} with key dk_test: authentication failed`),
      );
    }
    // Relabelled with another key id: the key id is in the associated data too.
    const other = { id: 'dk_other', material: key.material };
    expect(() => decryptValue(() => other, stored.replace('dk_test', 'dk_other'), at)).toThrow(/authentication failed/);
  });

  it('refuses undefined and functions rather than storing something it cannot read back', () => {
    expect(() => encryptValue(key, undefined, at)).toThrow(/cannot encrypt people\.ssn: values of type undefined/);
    expect(() => encryptValue({ id: 'dk_short', material: randomBytes(16) }, 'x', at)).toThrow(/not a 256-bit key/);
  });
});

describe('blind index', () => {
  const k = randomBytes(32);
  it('normalises (NFKC, trim, lowercase for emails) before the HMAC', () => {
    expect(normalizeForIndex('  Ａnn@Example.COM ', 'email')).toBe('ann@example.com');
    expect(normalizeForIndex('  Ａnn  Lee ', 'text')).toBe('Ann  Lee');
    expect(normalizeForIndex(' a  b ', { collapseWhitespace: true })).toBe('a b');
    expect(normalizeForIndex(' x ', 'exact')).toBe(' x ');
    expect(computeBlindIndex(k, 'people', 'email', 'ANN@example.com ', 'email')).toBe(computeBlindIndex(k, 'people', 'email', 'ann@example.com', 'email'));
  });

  it('differs per column and per key, so indexes cannot be joined across columns or tenants', () => {
    const base = computeBlindIndex(k, 'people', 'email', 'ann@example.com', 'email');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(computeBlindIndex(k, 'people', 'backup_email', 'ann@example.com', 'email')).not.toBe(base);
    expect(computeBlindIndex(randomBytes(32), 'people', 'email', 'ann@example.com', 'email')).not.toBe(base);
    expect(() => computeBlindIndex(k, 'people', 'email', null, 'email')).toThrow(/values of type null cannot be indexed/);
  });
});

describe('encryption config', () => {
  it('resolves columns and blind-index columns', () => {
    const rules = resolveEncryption({
      tenant: 'acme',
      tables: [
        {
          table: 'people',
          primaryKey: ['id'],
          columns: ['ssn', { name: 'email', blindIndex: true }, { name: 'phone', blindIndex: { column: 'phone_hash', normalize: 'exact' } }],
        },
      ],
    });
    const people = rules.tables.get('people')!;
    expect([...people.columns.keys()]).toEqual(['ssn', 'email', 'phone']);
    expect(people.columns.get('email')!.blindIndex).toEqual({ column: 'email_bidx', normalize: 'text' });
    expect([...people.indexColumns]).toEqual([
      ['email_bidx', 'email'],
      ['phone_hash', 'phone'],
    ]);
  });

  it('names the problem and where', () => {
    expect(() => resolveEncryption({ tenant: 'acme', tables: [{ table: 'people', primaryKey: ['id'], columns: ['id'] }] })).toThrow(
      /people\.id is part of the primary key and cannot be encrypted/,
    );
    expect(() => resolveEncryption({ tenant: 'acme', tables: [{ table: 'people', primaryKey: [], columns: ['ssn'] }] })).toThrow(/tables\.0\.primaryKey/);
    expect(() => resolveEncryption({ tenant: '', tables: [] })).toThrow(/encryption config: tenant/);
    const twice = { table: 'people', primaryKey: ['id'], columns: ['ssn'] };
    expect(() => resolveEncryption({ tenant: 'acme', tables: [twice, twice] })).toThrow(/table people is listed twice/);
  });
});

describe('canonical JSON (audit hashing)', () => {
  it('is independent of key order and refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => canonicalJson(o) === canonicalJson(Object.fromEntries(Object.entries(o).reverse()))),
      { numRuns: 200 },
    );
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/cannot hold NaN/);
  });
});
