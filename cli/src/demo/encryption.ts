import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { TenantDb } from '@byos/runtime';
import { createCheckpoint, installAuditCapture, recordAudit, verifyAudit } from '@byos/runtime/guard/audit';
import { createFieldEncryption, createLocalKeyFile, openKeyProvider, resolveEncryption, rotateDataKey } from '@byos/runtime/guard/crypto';
import { formatRotation } from '../commands/keys.ts';

/**
 * For `byos demo`: on an open tenant, creates `demo_patients` with an encrypted, blind-indexed email and an encrypted
 * NRIC, captures its changes in the audit trail, shows a stored ciphertext, finds a row by its blind index, rotates the
 * data key and verifies the audit chain against a checkpoint. `workDir` receives the local KEK file.
 */
export async function demoFieldEncryption(
  tenant: TenantDb,
  options: { workDir: string; info(line: string): void },
): Promise<{ newKeyId: string; auditOk: boolean }> {
  const keyFile = join(options.workDir, 'demo-kek.key');
  await createLocalKeyFile(keyFile);
  await tenant.db.schema
    .createTable('demo_patients')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)')
    .addColumn('email', 'varchar(400)')
    .addColumn('email_bidx', 'varchar(64)')
    .addColumn('nric', 'varchar(400)')
    .execute();
  await installAuditCapture(tenant, ['demo_patients']);
  const config = {
    tenant: 'demo',
    tables: [{ table: 'demo_patients', primaryKey: ['id'], columns: [{ name: 'email', blindIndex: { normalize: 'email' as const } }, 'nric'] }],
  };
  const fe = await createFieldEncryption(tenant.db, { config: { ...config, keyProvider: { type: 'local-file', path: keyFile } } });
  const people = [
    { id: randomUUID(), name: 'Tan Wei Ming', email: 'weiming.tan@example.sg', nric: 'S1234567D' },
    { id: randomUUID(), name: 'Priya Nair', email: 'priya@example.sg', nric: 'G5872776N' },
  ];
  await fe.db.insertInto('demo_patients').values(people).execute();
  const raw = await tenant.db.selectFrom('demo_patients').select(['nric']).where('id', '=', people[0]!.id).executeTakeFirstOrThrow();
  options.info(`stored NRIC: ${String(raw.nric).slice(0, 48)}…`);
  const found = await fe.db
    .selectFrom('demo_patients')
    .select(['id', 'name', 'nric'])
    .where(...fe.blindIndexFilter('demo_patients', 'email', ' Priya@Example.SG '))
    .execute();
  options.info(`blind-index lookup of " Priya@Example.SG ": ${found.map((r) => `${r.name} ${r.nric}`).join(', ')}`);
  const report = await rotateDataKey(tenant.db, resolveEncryption(config), await openKeyProvider({ type: 'local-file', path: keyFile }));
  await recordAudit(tenant, { actor: 'byos demo', action: 'keys.rotate', subject: 'demo', details: { ...report } });
  options.info(formatRotation(report));
  const checkpoint = await createCheckpoint(tenant, { tenantId: 'demo' });
  const verified = await verifyAudit(tenant, { checkpoint });
  options.info(
    `audit trail: ${verified.entries} entries, ${verified.ok ? 'intact' : `${verified.findings.length} findings`} (checkpoint seq ${checkpoint.seq})`,
  );
  return { newKeyId: report.newKeyId, auditOk: verified.ok };
}
