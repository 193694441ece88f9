import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { ciphertextKeyId, createFieldEncryption } from '@byos/runtime/guard/crypto';
import { runCli } from '../../helpers/cli.ts';
import { runByos } from './run-byos.ts';
import { freshPostgresDatabase } from '../../helpers/databases.ts';
import { createCustomers, customersRule } from './helpers.ts';

describe('byos keys (postgres)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'byos-keys-cli-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const url = await freshPostgresDatabase('keyscli');
  const kek = join(dir, 'kek.key');
  const configFile = join(dir, 'acme.encryption.json');

  it('init-local writes a 0600 KEK and refuses to overwrite it', async () => {
    expect((await runByos(['keys', 'init-local', '--out', kek])).code).toBe(0);
    expect((await stat(kek)).mode & 0o777).toBe(0o600);
    const again = await runByos(['keys', 'init-local', '--out', kek]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; refusing to overwrite a KEK/);
  });

  it('rotate re-encrypts every row, records the rotation in the audit trail, and list shows the states', async () => {
    const config = { tenant: 'acme', keyProvider: { type: 'local-file', path: kek }, tables: [customersRule()] };
    await writeFile(configFile, JSON.stringify(config));
    const tenant = await connect(url);
    try {
      await createCustomers(tenant.db);
      const fe = await createFieldEncryption(tenant.db, { config: config as never });
      for (let i = 0; i < 30; i++)
        await fe.db
          .insertInto('customers')
          .values({ id: randomUUID(), name: `n${i}`, email: `u${i}@example.com`, ssn: `${i}`, score: i })
          .execute();
      const oldKey = fe.keyring.active.id;

      const run = await runCli(['keys', 'rotate', '--url', url, '--config', configFile, '--batch-size', '7', '--actor', 'ops@acme', '--json']);
      expect(run.stderr).not.toMatch(/postgres:\/\/[^*]*:[^*]*@/);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({ retiredKeyIds: [oldKey], resumed: false, tables: [{ table: 'customers', rows: 30, reencrypted: 30 }] });
      const raw = await tenant.db.selectFrom('customers').select(['email', 'ssn', 'score']).execute();
      for (const row of raw) for (const v of Object.values(row)) expect(ciphertextKeyId(v)).toBe(report.newKeyId);

      const list = JSON.parse((await runByos(['keys', 'list', '--url', url, '--json'])).stdout);
      expect(list.map((k: { purpose: string; state: string }) => `${k.purpose}:${k.state}`).sort()).toEqual([
        'blind-index:active',
        'data:active',
        'data:retired',
      ]);
      expect(JSON.stringify(list)).not.toContain('wrapped_key');

      const audit = await tenant.db.selectFrom('byos_audit').select(['actor', 'action', 'subject', 'details']).execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: 'ops@acme', action: 'keys.rotate', subject: 'acme' });
      expect(JSON.parse(audit[0]!.details as string).newKeyId).toBe(report.newKeyId);
    } finally {
      await tenant.close();
    }
  });

  it('rotate without --config, or with a bad batch size, is a usage error', async () => {
    expect((await runByos(['keys', 'rotate', '--url', url])).code).toBe(2);
    const bad = await runByos(['keys', 'rotate', '--url', url, '--config', configFile, '--batch-size', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--batch-size must be a positive integer/);
  });
});

describe('demoFieldEncryption (sqlite)', async () => {
  const { demoFieldEncryption } = await import('../../../cli/src/demo/encryption.ts');
  const { freshTenantDb } = await import('../../helpers/databases.ts');
  it('encrypts, finds by blind index, rotates and verifies the audit trail', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byos-demo-fle-'));
    afterAll(() => rm(dir, { recursive: true, force: true }));
    const tenant = await freshTenantDb('sqlite', 'demo');
    const lines: string[] = [];
    const result = await demoFieldEncryption(tenant, { workDir: dir, info: (l) => lines.push(l) });
    expect(result.auditOk).toBe(true);
    expect(lines.join('\n')).toMatch(/stored NRIC: byos:v2:dk_/);
    expect(lines.join('\n')).toMatch(/blind-index lookup of " Priya@Example.SG ": Priya Nair G5872776N/);
    expect(lines.join('\n')).not.toMatch(/S1234567D/);
    const raw = await tenant.db.selectFrom('demo_patients').select('nric').execute();
    for (const r of raw) expect(ciphertextKeyId(r.nric)).toBe(result.newKeyId);
  });
});
