import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type AuditCheckpoint, createCheckpoint, entryHash, installAuditCapture, recordAudit, sealAudit, verifyAudit } from '@byos/runtime/guard/audit';
import type { TenantDb } from '@byos/runtime';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';

/** A tenant with a captured table, a few data changes and admin actions sealed, and a checkpoint taken. */
async function seeded(dialect: (typeof DIALECTS)[number]): Promise<{ tenant: TenantDb; checkpoint: AuditCheckpoint }> {
  const tenant = await freshTenantDb(dialect, 'audit');
  await tenant.db.schema
    .createTable('orders')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('item', 'varchar(50)')
    .addColumn('qty', 'integer')
    .execute();
  await installAuditCapture(tenant, ['orders']);
  await recordAudit(tenant, { actor: 'ops@acme', action: 'migration.apply', subject: '0001_orders', details: { ops: 1 } });
  await tenant.db
    .insertInto('orders')
    .values([
      { id: 1, item: 'pen', qty: 2 },
      { id: 2, item: 'ink', qty: 1 },
      { id: 3, item: 'pad', qty: 5 },
    ])
    .execute();
  await tenant.db.updateTable('orders').set({ qty: 3 }).where('id', '=', 1).execute();
  await tenant.db.deleteFrom('orders').where('id', '=', 2).execute();
  await recordAudit(tenant, { actor: 'ops@acme', action: 'keys.rotate', subject: 'acme', details: { newKeyId: 'dk_1', retired: ['dk_0'] } });
  const checkpoint = await createCheckpoint(tenant, { tenantId: 'acme' });
  return { tenant, checkpoint };
}

/** Plays an attacker with DDL rights: drops the append-only guard first. */
async function asAttacker(tenant: TenantDb, work: (db: Kysely<any>) => Promise<unknown>): Promise<void> {
  for (const statement of tenant.dialect.audit.dropAppendOnlyGuard()) await sql.raw(statement).execute(tenant.db);
  await work(tenant.db);
}

const rules = (findings: { rule: string }[]) => [...new Set(findings.map((f) => f.rule))].sort();

for (const dialect of DIALECTS) {
  describe(`audit trail (${dialect})`, () => {
    it('chains data changes from triggers and recorded admin actions; verify passes on the untouched log', async () => {
      const { tenant, checkpoint } = await seeded(dialect);
      const rows = await tenant.db.selectFrom('byos_audit').selectAll().orderBy('seq').execute();
      expect(rows.map((r) => `${r.action} ${r.subject}`)).toEqual([
        'migration.apply 0001_orders',
        'data.insert orders',
        'data.insert orders',
        'data.insert orders',
        'data.update orders',
        'data.delete orders',
        'keys.rotate acme',
      ]);
      const update = JSON.parse(rows[4]!.details as string);
      expect(update.old).toMatchObject({ id: 1, item: 'pen', qty: 2 });
      expect(update.new).toMatchObject({ id: 1, item: 'pen', qty: 3 });
      expect(JSON.parse(rows[5]!.details as string)).toMatchObject({ old: { id: 2, item: 'ink' }, new: null });
      for (const [i, row] of rows.entries()) {
        expect(row.prev_hash).toBe(i === 0 ? '0'.repeat(64) : rows[i - 1]!.hash);
        expect(Number(row.seq)).toBe(i + 1);
      }
      expect(entryHash(String(rows[0]!.prev_hash), { ...rows[0]!, seq: 1, details: JSON.parse(rows[0]!.details as string) } as never)).toBe(rows[0]!.hash);
      expect(checkpoint).toMatchObject({ seq: 7, hash: rows[6]!.hash });
      // More entries after the checkpoint keep it valid.
      await tenant.db.insertInto('orders').values({ id: 4, item: 'cap', qty: 1 }).execute();
      await sealAudit(tenant);
      const result = await verifyAudit(tenant, { checkpoint });
      expect(result).toMatchObject({ ok: true, entries: 8, findings: [] });
    });

    it('keeps one contiguous chain when many writers record and seal at once', async () => {
      const { tenant, checkpoint } = await seeded(dialect);
      const entries = await Promise.all(
        Array.from({ length: 12 }, (_, i) => recordAudit(tenant, { actor: `worker-${i}`, action: 'import.csv', subject: `batch-${i}`, details: { i } })),
      );
      expect(new Set(entries.map((e) => e.seq)).size).toBe(12);
      for (const [i, e] of entries.entries()) expect(e).toMatchObject({ actor: `worker-${i}`, subject: `batch-${i}`, details: { i } });
      const result = await verifyAudit(tenant, { checkpoint });
      expect(result).toMatchObject({ ok: true, entries: 7 + 12 });
      expect(result.head.seq).toBe(19);
    });

    it('refuses UPDATE and DELETE on the chain table while the guard is in place', async () => {
      const { tenant } = await seeded(dialect);
      await expect(tenant.db.updateTable('byos_audit').set({ actor: 'mallory' }).where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
      await expect(tenant.db.deleteFrom('byos_audit').where('seq', '=', 2).execute()).rejects.toThrow(/append-only/);
    });

    it('detects a modified entry', async () => {
      const { tenant, checkpoint } = await seeded(dialect);
      await asAttacker(tenant, (db) =>
        db.updateTable('byos_audit').set({ details: '{"old":null,"new":{"id":1,"item":"gold","qty":2}}' }).where('seq', '=', 2).execute(),
      );
      const result = await verifyAudit(tenant, { checkpoint });
      expect(result.ok).toBe(false);
      expect(rules(result.findings)).toEqual(['audit-entry-modified']);
      expect(result.findings[0]!.subject).toBe('byos_audit seq 2');
    });

    it('detects a deleted entry', async () => {
      const { tenant, checkpoint } = await seeded(dialect);
      await asAttacker(tenant, (db) => db.deleteFrom('byos_audit').where('seq', '=', 5).execute());
      const result = await verifyAudit(tenant, { checkpoint });
      expect(rules(result.findings)).toContain('audit-entry-deleted');
      expect(result.findings.find((f) => f.rule === 'audit-entry-deleted')!.message).toMatch(/entries 5\.\.5 are missing/);
    });

    it('detects reordered entries', async () => {
      const { tenant, checkpoint } = await seeded(dialect);
      await asAttacker(tenant, async (db) => {
        await db.updateTable('byos_audit').set({ seq: -1 }).where('seq', '=', 3).execute();
        await db.updateTable('byos_audit').set({ seq: 3 }).where('seq', '=', 4).execute();
        await db.updateTable('byos_audit').set({ seq: 4 }).where('seq', '=', -1).execute();
      });
      const result = await verifyAudit(tenant, { checkpoint });
      expect(result.ok).toBe(false);
      expect(rules(result.findings)).toContain('audit-entries-reordered');
    });

    it('detects truncation since the checkpoint (only the checkpoint can tell)', async () => {
      const { tenant, checkpoint } = await seeded(dialect);
      await asAttacker(tenant, (db) => db.deleteFrom('byos_audit').where('seq', '>', 5).execute());
      expect((await verifyAudit(tenant)).ok).toBe(true);
      const result = await verifyAudit(tenant, { checkpoint });
      expect(rules(result.findings)).toEqual(['audit-truncated']);
      expect(result.findings[0]!.message).toMatch(/ends at seq 5, .* recorded seq 7/);
    });

    it('detects a history rewritten with recomputed hashes, by the checkpoint', async () => {
      const { tenant, checkpoint } = await seeded(dialect);
      await asAttacker(tenant, async (db) => {
        const rows = await db.selectFrom('byos_audit').selectAll().orderBy('seq').execute();
        let prev = '0'.repeat(64);
        for (const row of rows) {
          const details = Number(row.seq) === 6 ? '{}' : String(row.details);
          const hash = entryHash(prev, {
            seq: Number(row.seq),
            at: row.at,
            actor: row.actor,
            action: row.action,
            subject: row.subject,
            details: JSON.parse(details),
          });
          await db.updateTable('byos_audit').set({ details, prev_hash: prev, hash }).where('seq', '=', row.seq).execute();
          prev = hash;
        }
      });
      expect((await verifyAudit(tenant)).ok).toBe(true);
      const result = await verifyAudit(tenant, { checkpoint });
      expect(rules(result.findings)).toEqual(['audit-checkpoint-mismatch']);
    });

    it('checks the checkpoint signature when an HMAC key is given', async () => {
      const { tenant } = await seeded(dialect);
      const key = Buffer.alloc(32, 7);
      const signed = await createCheckpoint(tenant, { tenantId: 'acme', hmacKey: key });
      expect((await verifyAudit(tenant, { checkpoint: signed, hmacKey: key })).ok).toBe(true);
      const forged = { ...signed, seq: signed.seq - 1 };
      expect(rules((await verifyAudit(tenant, { checkpoint: forged, hmacKey: key })).findings)).toContain('audit-checkpoint-signature');
    });
  });
}
