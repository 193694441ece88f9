import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { installAuditCapture, sealAudit } from '@byos/runtime/guard/audit';
import { ciphertextKeyId, createFieldEncryption, isCiphertext, listKeys, openLocalKeyFile, resolveEncryption, rotateDataKey } from '@byos/runtime/guard/crypto';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';
import { createCustomers, customersRule, freshKeyFile } from './helpers.ts';

const ROWS = 130;

for (const dialect of DIALECTS) {
  describe(`key rotation (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, 'rotate');
    const keyFile = await freshKeyFile();
    const provider = await openLocalKeyFile(keyFile);
    await createCustomers(tenant.db);
    const config = { tenant: 'acme', tables: [customersRule()] };
    const rules = resolveEncryption(config);
    const fe = await createFieldEncryption(tenant.db, { config, provider });
    const plain = Array.from({ length: ROWS }, (_, i) => ({
      id: randomUUID(),
      name: `n${i}`,
      email: `user${i}@example.com`,
      ssn: `000-00-${String(i).padStart(4, '0')}`,
      score: i % 7 === 0 ? null : i,
    }));
    for (let i = 0; i < ROWS; i += 50)
      await fe.db
        .insertInto('customers')
        .values(plain.slice(i, i + 50))
        .execute();
    const firstKey = fe.keyring.active.id;
    // Every write from here on is captured by the audit triggers, so "no plaintext ever written" can be checked on
    // the rows as written, not only on the final state.
    await installAuditCapture(tenant, ['customers']);

    const scan = async () => {
      const rows = await tenant.db.selectFrom('customers').select(['id', 'email', 'ssn', 'score']).execute();
      for (const row of rows)
        for (const c of ['email', 'ssn', 'score'] as const) if (row[c] !== null) expect(isCiphertext(row[c]), `${c} of ${row.id}`).toBe(true);
      return rows;
    };

    it('is resumable: a rotation interrupted after two batches picks up its next key and finishes', async () => {
      let batches = 0;
      await expect(
        rotateDataKey(tenant.db, rules, provider, {
          batchSize: 25,
          onBatch: async () => {
            await scan();
            if (++batches === 2) throw new Error('simulated crash');
          },
        }),
      ).rejects.toThrow('simulated crash');
      const pending = (await listKeys(tenant.db)).filter((k) => k.purpose === 'data' && k.state === 'next');
      expect(pending).toHaveLength(1);
      const half = (await scan()).filter((r) => ciphertextKeyId(r.email) === pending[0]!.key_id);
      expect(half).toHaveLength(50);

      const progress: number[] = [];
      const report = await rotateDataKey(tenant.db, rules, provider, {
        batchSize: 25,
        onBatch: async (p) => {
          await scan();
          progress.push(p.rows);
        },
      });
      expect(report).toMatchObject({ newKeyId: pending[0]!.key_id, retiredKeyIds: [firstKey], resumed: true });
      expect(report.tables).toEqual([{ table: 'customers', rows: ROWS, reencrypted: ROWS - 50, encryptedPlaintext: 0 }]);
      expect(progress.at(-1)).toBe(ROWS);
      const keys = await listKeys(tenant.db);
      expect(
        keys
          .filter((k) => k.purpose === 'data')
          .map((k) => [k.key_id, k.state])
          .sort(),
      ).toEqual(
        [
          [firstKey, 'retired'],
          [report.newKeyId, 'active'],
        ].sort(),
      );

      const rows = await scan();
      for (const row of rows) for (const c of ['email', 'ssn', 'score'] as const) if (row[c] !== null) expect(ciphertextKeyId(row[c])).toBe(report.newKeyId);
    });

    it('never wrote a plaintext value: every captured write holds ciphertext only', async () => {
      await sealAudit(tenant);
      const entries = await tenant.db.selectFrom('byos_audit').select(['action', 'details']).where('subject', '=', 'customers').execute();
      expect(entries.length).toBeGreaterThanOrEqual(ROWS);
      for (const e of entries) {
        expect(e.action).toBe('data.update');
        const written = JSON.parse(e.details as string).new;
        for (const c of ['email', 'ssn', 'score']) if (written[c] !== null) expect(isCiphertext(written[c])).toBe(true);
        expect(JSON.stringify(written)).not.toMatch(/@example\.com|000-00-/);
      }
    });

    it('reads every row back after rotation, also through a plugin loaded before it (refreshes its keys)', async () => {
      expect(fe.keyring.active.id).toBe(firstKey);
      const rows = await fe.db.selectFrom('customers').select(['id', 'name', 'email', 'ssn', 'score']).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const p of plain) expect(byId.get(p.id)).toEqual(p);
      expect(fe.keyring.get(fe.keyring.records.find((r) => r.state === 'active' && r.purpose === 'data')!.key_id)).toBeDefined();
      const found = await fe.db
        .selectFrom('customers')
        .select(['id', 'email'])
        .where(...fe.blindIndexFilter('customers', 'email', 'USER7@example.com'))
        .execute();
      expect(found).toEqual([{ id: plain[7]!.id, email: 'user7@example.com' }]);
      const fresh = await createFieldEncryption(tenant.db, { config, provider });
      expect(fresh.keyring.active.id).not.toBe(firstKey);
    });

    it('refuses plaintext left in an encrypted column unless told to encrypt it', async () => {
      const id = randomUUID();
      await tenant.db.insertInto('customers').values({ id, name: 'legacy', email: 'legacy@example.com', ssn: null, score: null }).execute();
      await expect(rotateDataKey(tenant.db, rules, provider)).rejects.toThrow(/customers\.email .* not a byos ciphertext; rerun with encryptPlaintext/);
      const report = await rotateDataKey(tenant.db, rules, provider, { encryptPlaintext: true });
      expect(report.tables[0]!.encryptedPlaintext).toBe(1);
      await scan();
      expect(() => fe.decryptField('customers', 'email', [id], 'byos:v1:dk_feedfeedfeedfeed:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toThrow(
        /refresh\(\) them/,
      );
      await fe.refresh();
      expect(
        fe.decryptField(
          'customers',
          'email',
          [id],
          (await tenant.db.selectFrom('customers').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email,
        ),
      ).toBe('legacy@example.com');
    });
  });
}
