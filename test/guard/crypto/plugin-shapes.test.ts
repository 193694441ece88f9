import { describe, expect, it } from 'vitest';
import { ciphertextKeyId, createFieldEncryption, openLocalKeyFile, resolveEncryption, rotateDataKey } from '@byos/runtime/guard/crypto';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';
import { freshKeyFile } from './helpers.ts';

for (const dialect of DIALECTS) {
  describe(`plugin on other query shapes (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, 'shapes');
    const provider = await openLocalKeyFile(await freshKeyFile());
    await tenant.db.schema
      .createTable('readings')
      .addColumn('site', 'varchar(20)', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addColumn('value', 'varchar(400)')
      .addPrimaryKeyConstraint('readings_pk', ['site', 'n'])
      .execute();
    await tenant.db.schema
      .createTable('sites')
      .addColumn('site', 'varchar(20)', (c) => c.primaryKey())
      .addColumn('label', 'varchar(50)')
      .execute();
    const config = { tenant: 'acme', tables: [{ table: 'readings', primaryKey: ['site', 'n'], columns: ['value'] }] };
    const fe = await createFieldEncryption(tenant.db, { config, provider });
    await tenant.db
      .insertInto('sites')
      .values([
        { site: 'north', label: 'North' },
        { site: 'south', label: 'South' },
      ])
      .execute();
    const rows = ['north', 'south'].flatMap((site) => Array.from({ length: 11 }, (_, n) => ({ site, n, value: `${site}-${n}` })));
    await fe.db.insertInto('readings').values(rows).execute();

    it('binds a composite primary key; updates need every key column in the WHERE', async () => {
      expect(await fe.db.selectFrom('readings').select(['site', 'n', 'value']).where('site', '=', 'south').where('n', '=', 3).executeTakeFirst()).toEqual({
        site: 'south',
        n: 3,
        value: 'south-3',
      });
      await expect(fe.db.updateTable('readings').set({ value: 'x' }).where('site', '=', 'south').execute()).rejects.toThrow(/WHERE site = value AND n = value/);
      await fe.db.updateTable('readings').set({ value: 'south-3b' }).where('site', '=', 'south').where('n', '=', 3).execute();
      // Same n, other site: the ciphertext does not carry over.
      const moved = (await tenant.db.selectFrom('readings').select('value').where('site', '=', 'south').where('n', '=', 3).executeTakeFirstOrThrow()).value;
      expect(() => fe.decryptField('readings', 'value', ['north', 3], moved)).toThrow(/authentication failed/);
      expect(fe.decryptField('readings', 'value', ['south', 3], moved)).toBe('south-3b');
    });

    it('decrypts through a join with an unencrypted table', async () => {
      const joined = await fe.db
        .selectFrom('readings as r')
        .innerJoin('sites as s', 's.site', 'r.site')
        .select(['r.site', 'r.n', 'r.value', 's.label'])
        .where('r.n', '=', 5)
        .orderBy('r.site')
        .execute();
      expect(joined).toEqual([
        { site: 'north', n: 5, value: 'north-5', label: 'North' },
        { site: 'south', n: 5, value: 'south-5', label: 'South' },
      ]);
    });

    it('allows an upsert that keeps excluded.value on its own primary key, refuses other upserts', async () => {
      await fe.db
        .insertInto('readings')
        .values({ site: 'north', n: 1, value: 'north-1b' })
        .onConflict((oc) => oc.columns(['site', 'n']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
        .execute();
      expect((await fe.db.selectFrom('readings').select(['site', 'n', 'value']).where('site', '=', 'north').where('n', '=', 1).executeTakeFirst())?.value).toBe(
        'north-1b',
      );
      await expect(
        fe.db
          .insertInto('readings')
          .values({ site: 'north', n: 1, value: 'v' })
          .onConflict((oc) => oc.columns(['site', 'n']).doUpdateSet({ value: 'other' }))
          .execute(),
      ).rejects.toThrow(/an upsert may only set it to excluded\.value/);
    });

    it('rotates with keyset batches over the composite key', async () => {
      const report = await rotateDataKey(tenant.db, resolveEncryption(config), provider, { batchSize: 4 });
      expect(report.tables).toEqual([{ table: 'readings', rows: 22, reencrypted: 22, encryptedPlaintext: 0 }]);
      const raw = await tenant.db.selectFrom('readings').select('value').execute();
      expect(raw.every((r) => ciphertextKeyId(r.value) === report.newKeyId)).toBe(true);
      const all = await fe.db.selectFrom('readings').select(['site', 'n', 'value']).orderBy('site').orderBy('n').execute();
      expect(all.map((r) => r.value)).toEqual(
        rows.map((r) => (r.site === 'south' && r.n === 3 ? 'south-3b' : r.site === 'north' && r.n === 1 ? 'north-1b' : r.value)),
      );
    });
  });
}
