import { randomUUID } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createFieldEncryption, FieldCryptoError, isCiphertext, openLocalKeyFile } from '@byos/runtime/guard/crypto';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';
import { createCustomers, customersRule, freshKeyFile } from './helpers.ts';

for (const dialect of DIALECTS) {
  describe(`field encryption (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, 'fle');
    const keyFile = await freshKeyFile();
    await createCustomers(tenant.db);
    const fe = await createFieldEncryption(tenant.db, {
      config: { tenant: 'acme', keyProvider: { type: 'local-file', path: keyFile }, tables: [customersRule()] },
    });
    const ann = randomUUID();
    const bob = randomUUID();
    await fe.db
      .insertInto('customers')
      .values([
        { id: ann, name: 'Ann', email: 'Ann@Example.com', ssn: '123-45-6789', score: 42.5 },
        { id: bob, name: 'Bob', email: 'bob@example.com', ssn: '987-65-4320', score: null },
      ])
      .execute();

    it('stores only ciphertext in the configured columns, with a blind index, and reads plaintext back', async () => {
      const raw = await tenant.db.selectFrom('customers').selectAll().where('id', '=', ann).executeTakeFirstOrThrow();
      expect(raw.name).toBe('Ann');
      for (const column of ['email', 'ssn', 'score']) {
        expect(isCiphertext(raw[column])).toBe(true);
        expect(raw[column]).toMatch(new RegExp(`^byos:v2:${fe.keyring.active.id}:`));
      }
      expect(raw.email).not.toContain('Example');
      expect(raw.email_bidx).toMatch(/^[0-9a-f]{64}$/);
      const rows = await fe.db.selectFrom('customers').select(['id', 'email', 'ssn', 'score']).orderBy('name').execute();
      expect(rows).toEqual([
        { id: ann, email: 'Ann@Example.com', ssn: '123-45-6789', score: 42.5 },
        { id: bob, email: 'bob@example.com', ssn: '987-65-4320', score: null },
      ]);
    });

    it('encrypts the same value differently each time (random nonce)', async () => {
      const again = fe.encryptField('customers', 'ssn', [ann], '123-45-6789');
      const stored = (await tenant.db.selectFrom('customers').select('ssn').where('id', '=', ann).executeTakeFirstOrThrow()).ssn;
      expect(again).not.toBe(stored);
      expect(fe.decryptField('customers', 'ssn', [ann], again)).toBe('123-45-6789');
    });

    it('updates by primary key re-encrypt and refresh the blind index; RETURNING and aliases decrypt', async () => {
      const returned = await fe.db
        .updateTable('customers')
        .set({ email: 'ann.new@example.com' })
        .where('id', '=', ann)
        .returning(['id', 'email'])
        .executeTakeFirstOrThrow();
      expect(returned).toEqual({ id: ann, email: 'ann.new@example.com' });
      const aliased = await fe.db.selectFrom('customers as c').select(['c.id', 'c.email as mail']).where('c.id', '=', ann).executeTakeFirstOrThrow();
      expect(aliased.mail).toBe('ann.new@example.com');
      const found = await fe.db
        .selectFrom('customers')
        .select(['id'])
        .where(...fe.blindIndexFilter('customers', 'email', '  ANN.new@example.com '))
        .execute();
      expect(found).toEqual([{ id: ann }]);
      const old = await fe.db
        .selectFrom('customers')
        .select(['id'])
        .where(...fe.blindIndexFilter('customers', 'email', 'Ann@Example.com'))
        .execute();
      expect(old).toEqual([]);
    });

    it('a ciphertext swapped between rows fails to decrypt, naming table.column and key', async () => {
      const other = randomUUID();
      await fe.db.insertInto('customers').values({ id: other, name: 'Cy', email: 'cy@example.com', ssn: '111-22-3333', score: 1 }).execute();
      const annSsn = (await tenant.db.selectFrom('customers').select('ssn').where('id', '=', ann).executeTakeFirstOrThrow()).ssn;
      await tenant.db.updateTable('customers').set({ ssn: annSsn }).where('id', '=', other).execute();
      const read = fe.db.selectFrom('customers').select(['id', 'ssn']).where('id', '=', other).execute();
      await expect(read).rejects.toThrow(FieldCryptoError);
      await expect(read).rejects.toThrow(new RegExp(`customers\\.ssn with key ${fe.keyring.active.id}: authentication failed`));
      // Moved to another column of the same row: also refused.
      await tenant.db.updateTable('customers').set({ email: annSsn }).where('id', '=', ann).execute();
      await expect(fe.db.selectFrom('customers').select(['id', 'email']).where('id', '=', ann).execute()).rejects.toThrow(/customers\.email/);
      await tenant.db.deleteFrom('customers').where('id', '=', other).execute();
      await fe.db.updateTable('customers').set({ email: 'ann@example.com' }).where('id', '=', ann).execute();
    });

    it('a tampered ciphertext fails closed and returns nothing', async () => {
      const stored = (await tenant.db.selectFrom('customers').select('ssn').where('id', '=', bob).executeTakeFirstOrThrow()).ssn as string;
      const last = stored.at(-5)!;
      const tampered = `${stored.slice(0, -5)}${last === 'A' ? 'B' : 'A'}${stored.slice(-4)}`;
      await tenant.db.updateTable('customers').set({ ssn: tampered }).where('id', '=', bob).execute();
      let rows: unknown;
      await expect((async () => (rows = await fe.db.selectFrom('customers').selectAll().execute()))()).rejects.toThrow(/cannot decrypt customers\.ssn/);
      expect(rows).toBeUndefined();
      expect(() => fe.decryptField('customers', 'ssn', [bob], 'byos:v1:dk_0000:AAAA')).toThrow(/key dk_0000 is not in the tenant's key ring/);
      expect(() => fe.decryptField('customers', 'ssn', [bob], '123-45-6789')).toThrow(/not in the byos ciphertext format/);
      await tenant.db.updateTable('customers').set({ ssn: stored }).where('id', '=', bob).execute();
    });

    it('refuses writes and filters it cannot encrypt, with the reason', async () => {
      await expect(fe.db.insertInto('customers').values({ name: 'No key', email: 'x@example.com' }).execute()).rejects.toThrow(
        /primary key \(id\) is bound into each ciphertext .* does not set id/,
      );
      await expect(fe.db.updateTable('customers').set({ ssn: '000-00-0000' }).where('name', '=', 'Ann').execute()).rejects.toThrow(/WHERE id = value/);
      await expect(fe.db.updateTable('customers').set({ email: sql<string>`lower(name)` }).where('id', '=', ann).execute()).rejects.toThrow(/SQL expression/);
      await expect(fe.db.selectFrom('customers').select('id').where('email', '=', 'ann@example.com').execute()).rejects.toThrow(
        /blindIndexFilter\('customers', 'email'/,
      );
      await expect(fe.db.selectFrom('customers').select(['email']).execute()).rejects.toThrow(/select its primary key \(id\)/);
      // Raw SQL through the plugin: the ciphertext is not attributed to a column, so it is refused, not returned.
      await expect(sql`select ssn from customers`.execute(fe.db)).rejects.toThrow(/result column ssn holds a ciphertext/);
      const unchanged = await tenant.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(unchanged.n)).toBe(2);
    });

    it('refuses a key file others can read', async () => {
      await chmod(keyFile, 0o644);
      await expect(openLocalKeyFile(keyFile)).rejects.toThrow(/readable by group or others \(mode 644\)/);
      await chmod(keyFile, 0o600);
    });
  });
}
