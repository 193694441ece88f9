import type { TenantDb } from '../../connect.ts';
import { AUDIT_TABLE, recordAudit } from '../audit/trail.ts';
import type { BackupVerifyResult } from './verify.ts';

export const BACKUP_VERIFY_ACTION = 'backup.verify';

/** Whether the verification went into the tenant's audit trail, and why not when it did not. */
export type BackupRecord = { recorded: true; seq: number } | { recorded: false; reason: string };

/**
 * Leaves a verification where the tenant keeps its administrative history: an audit entry (`backup.verify`) in the
 * database it verified. Only when that database already has the audit trail: the tables are not created just for this.
 * The details are counts, table names and finding rules, never a connection setting.
 */
export async function recordBackupVerification(
  tenant: Pick<TenantDb, 'dialect' | 'db'>,
  result: BackupVerifyResult,
  who: { actor: string; subject: string },
): Promise<BackupRecord> {
  const tables = await tenant.db.introspection.getTables();
  if (!tables.some((t) => t.name === AUDIT_TABLE)) return { recorded: false, reason: `the tenant has no audit trail (${AUDIT_TABLE})` };
  const entry = await recordAudit(tenant, {
    actor: who.actor,
    action: BACKUP_VERIFY_ACTION,
    subject: who.subject,
    details: {
      ok: result.ok,
      tables: result.tables.length,
      differing: result.tables.filter((t) => !t.equal).map((t) => t.table),
      findings: [...new Set(result.findings.map((f) => f.rule))],
      dumpBytes: result.dumpBytes,
      pgDump: result.tools.toolMajor,
      server: result.tools.serverMajor,
    },
  });
  return { recorded: true, seq: entry.seq };
}
