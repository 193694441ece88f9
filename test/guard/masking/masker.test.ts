import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMasker, parseMaskSpec, REDACTED, TOKEN_PREFIX } from '@byos/runtime/guard/masking';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';

const KEY = `${'k'.repeat(16)}masking-test-key-0123456789`;
const OTHER_KEY = `${'o'.repeat(16)}masking-test-key-0123456789`;

describe('masking rules', () => {
  const masker = createMasker({
    key: KEY,
    rules: { 'c.email': 'hash', 'c.card': 'partial', 'c.nric': 'token', 'c.notes': 'redact', 'crm.c.card': 'redact' },
  });

  it('redact, partial (last four, separators kept), nulls untouched', () => {
    expect(masker.maskValue('redact', 'anything')).toBe(REDACTED);
    expect(masker.maskValue('partial', '4111 1111 1111 1234')).toBe('**** **** **** 1234');
    expect(masker.maskValue('partial', 'S1234567D')).toBe('*****567D');
    expect(masker.maskValue('partial', 'abc')).toBe('***');
    expect(masker.maskValue('partial', null)).toBeNull();
    expect(masker.maskValue('token', undefined)).toBeNull();
  });

  it('hash is a keyed HMAC: stable, key-dependent, hex or base64url', () => {
    const h = masker.maskValue('hash', 'ana@example.com')!;
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(masker.maskValue('hash', 'ana@example.com')).toBe(h);
    expect(createMasker({ key: OTHER_KEY, rules: {} }).maskValue('hash', 'ana@example.com')).not.toBe(h);
    expect(createMasker({ key: KEY, rules: {}, hashEncoding: 'base64url' }).maskValue('hash', 'ana@example.com')).toBe(
      Buffer.from(h, 'hex').toString('base64url'),
    );
  });

  it('tokens are deterministic and detokenize inverts them (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ maxLength: 60 }), (a, b) => {
        const ta = masker.maskValue('token', a)!;
        expect(ta.startsWith(TOKEN_PREFIX)).toBe(true);
        expect(masker.maskValue('token', a)).toBe(ta);
        expect(masker.detokenize(ta)).toBe(a);
        if (a !== b) expect(masker.maskValue('token', b)).not.toBe(ta);
      }),
    );
  });

  it('a token changed in any character, made with another key or cut short fails to detokenize (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.nat(), fc.integer({ min: 1, max: 63 }), (value, at, delta) => {
        const token = masker.maskValue('token', value)!;
        const body = token.slice(TOKEN_PREFIX.length);
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        // The last base64url character may carry unused bits; change one of the others.
        const i = at % (body.length - 1);
        const changed = alphabet[(alphabet.indexOf(body[i]!) + delta) % 64]!;
        const tampered = `${TOKEN_PREFIX}${body.slice(0, i)}${changed}${body.slice(i + 1)}`;
        expect(() => masker.detokenize(tampered)).toThrow(/integrity check|truncated/);
      }),
    );
    const token = masker.maskValue('token', 'S1234567D')!;
    expect(() => createMasker({ key: OTHER_KEY, rules: {} }).detokenize(token)).toThrow('integrity check');
    expect(() => masker.detokenize(token.slice(0, TOKEN_PREFIX.length + 10))).toThrow('truncated');
    expect(() => masker.detokenize('S1234567D')).toThrow('not a masking token');
  });

  it('maskRow applies the table rules; schema.table.column wins over table.column', () => {
    const row = { id: 7, email: 'ana@example.com', card: '4111111111111234', nric: 'S1234567D', notes: 'likes cats', other: 'kept' };
    const masked = masker.maskRow('c', row);
    expect(masked.id).toBe(7);
    expect(masked.other).toBe('kept');
    expect(masked.notes).toBe(REDACTED);
    expect(masked.card).toBe('************1234');
    expect(masker.detokenize(masked.nric)).toBe('S1234567D');
    expect(masker.maskRow('c', row, 'crm').card).toBe(REDACTED);
    expect(row.email).toBe('ana@example.com'); // the input row is not changed
  });

  it('bad rules and keys are refused by name', () => {
    expect(() => createMasker({ rules: { 'c.email': 'hash' } })).toThrow('mask rules c.email=hash need a masking key');
    expect(() => createMasker({ rules: { email: 'redact' } })).toThrow('mask rule "email": name a column as table.column');
    expect(() => createMasker({ rules: { 'c.email': 'scramble' as never } })).toThrow('unknown kind "scramble"');
    expect(() => createMasker({ key: 'short', rules: {} })).toThrow('masking key is too short: 5 bytes');
    expect(parseMaskSpec('c.email=hash, c.card=partial')).toEqual({ 'c.email': 'hash', 'c.card': 'partial' });
    expect(() => parseMaskSpec('c.email')).toThrow('--mask entry "c.email": expected table.column=kind');
    expect(() => parseMaskSpec('c.email=hash,c.email=token')).toThrow('--mask names c.email twice');
  });
});

describe.each(DIALECTS)('masking rows read from %s', (dialect) => {
  it('no plaintext survives; tokens come back to the stored values', async () => {
    const tenant = await freshTenantDb(dialect, 'mask');
    await tenant.db.schema
      .createTable('customers')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('email', 'text')
      .addColumn('nric', 'text')
      .addColumn('born', 'date')
      .execute();
    const source = [
      { id: 1, email: 'ana@example.com', nric: 'S1234567D', born: '1980-02-29' },
      { id: 2, email: 'wei@example.sg', nric: 'G5872776N', born: null },
      { id: 3, email: 'ana@example.com', nric: 'M1234567K', born: '1975-06-30' },
    ];
    await tenant.db.insertInto('customers').values(source).execute();
    const rows = await tenant.db.selectFrom('customers').selectAll().orderBy('id').execute();
    const masker = createMasker({ key: KEY, rules: { 'customers.email': 'hash', 'customers.nric': 'token', 'customers.born': 'redact' } });
    const masked = rows.map((r) => masker.maskRow('customers', r));
    const text = JSON.stringify(masked);
    for (const s of source) {
      expect(text).not.toContain(s.email);
      expect(text).not.toContain(s.nric);
    }
    expect(masked[0]!.email).toBe(masked[2]!.email);
    expect(masked.map((r) => r.born)).toEqual([REDACTED, null, REDACTED]);
    expect(masked.map((r) => masker.detokenize(r.nric as string))).toEqual(source.map((s) => s.nric));
  });
});
