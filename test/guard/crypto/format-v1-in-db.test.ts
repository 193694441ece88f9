import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ciphertextKeyId, createFieldEncryption, type DataKey, openLocalKeyFile, resolveEncryption, rotateDataKey } from '@byos/runtime/guard/crypto';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';
import { createCustomers, customersRule, freshKeyFile } from './helpers.ts';

/** The v1 writer as it was (strings only), so a table can hold values written before v2 under the tenant's own key. */
function encryptV1(key: DataKey, value: string, tenant: string, table: string, column: string, pk: string, nonce = randomBytes(12)): string {
  const cipher = createCipheriv('aes-256-gcm', key.material, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(JSON.stringify(['byos:v1', tenant, table, column, [pk], key.id]), 'utf8'));
  const body = Buffer.concat([cipher.update(Buffer.from(`s${value}`, 'utf8')), cipher.final()]);
  return `byos:v1:${key.id}:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
}

describe('the test-local v1 writer', () => {
  it('reproduces a ciphertext of the v1 code byte for byte (same key and nonce)', () => {
    const fixture = JSON.parse(readFileSync(new URL('./fixtures/v1-ciphertexts.json', import.meta.url), 'utf8'));
    const c = fixture.cases[11]; // people.email, a UUID key, 'S1234567D'
    expect(c.where.column).toBe('email');
    const key = { id: fixture.key.id, material: Buffer.from(fixture.key.material, 'hex') };
    const nonce = Buffer.from(c.stored.split(':')[3], 'base64url').subarray(0, 12);
    expect(encryptV1(key, c.value.v, c.where.tenant, c.where.table, c.where.column, c.where.primaryKey[0].v, nonce)).toBe(c.stored);
  });
});

for (const dialect of DIALECTS) {
  describe(`v1 values in a table (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, 'fmt');
    const provider = await openLocalKeyFile(await freshKeyFile());
    await createCustomers(tenant.db);
    const config = { tenant: 'acme', tables: [customersRule()] };
    const fe = await createFieldEncryption(tenant.db, { config, provider });
    const old = Array.from({ length: 5 }, (_, i) => ({ id: randomUUID(), ssn: `100-00-000${i}` }));
    await tenant.db
      .insertInto('customers')
      .values(old.map((r) => ({ id: r.id, name: 'old', ssn: encryptV1(fe.keyring.active, r.ssn, 'acme', 'customers', 'ssn', r.id) })))
      .execute();
    const fresh = { id: randomUUID(), ssn: '200-00-0000' };
    await fe.db.insertInto('customers').values({ id: fresh.id, name: 'new', ssn: fresh.ssn }).execute();

    it('reads v1 and v2 rows through the plugin in one result, and rotation rewrites them all as v2', async () => {
      const stored = await tenant.db.selectFrom('customers').select(['id', 'ssn']).execute();
      expect(stored.filter((r) => r.ssn.startsWith('byos:v1:')).length).toBe(5);
      expect(stored.filter((r) => r.ssn.startsWith('byos:v2:')).length).toBe(1);
      const read = async () => new Map((await fe.db.selectFrom('customers').select(['id', 'ssn']).execute()).map((r) => [r.id, r.ssn]));
      let byId = await read();
      for (const r of [...old, fresh]) expect(byId.get(r.id)).toBe(r.ssn);
      // A v1 value moved to another row still fails closed.
      await tenant.db
        .updateTable('customers')
        .set({ ssn: stored.find((r) => r.id === old[0]!.id)!.ssn })
        .where('id', '=', old[1]!.id)
        .execute();
      await expect(fe.db.selectFrom('customers').select(['id', 'ssn']).execute()).rejects.toThrow(/cannot decrypt customers\.ssn .*authentication failed/);
      await tenant.db
        .updateTable('customers')
        .set({ ssn: stored.find((r) => r.id === old[1]!.id)!.ssn })
        .where('id', '=', old[1]!.id)
        .execute();

      const report = await rotateDataKey(tenant.db, resolveEncryption(config), provider);
      const after = await tenant.db.selectFrom('customers').select('ssn').execute();
      for (const r of after) {
        expect(r.ssn.startsWith(`byos:v2:${report.newKeyId}:`)).toBe(true);
        expect(ciphertextKeyId(r.ssn)).toBe(report.newKeyId);
      }
      byId = await read();
      for (const r of [...old, fresh]) expect(byId.get(r.id)).toBe(r.ssn);
    });
  });
}
