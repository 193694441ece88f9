import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantDb } from '../../connect.ts';
import type { Finding } from '../../contracts/finding.ts';
import type { TableChecksum } from '../../dialects/backup.ts';

export interface BackupVerifyOptions {
  /** Folder holding the dump and restore tools (default: BYOS_PG_BIN, then PATH). */
  binDir?: string;
  /** Called as each step starts (CLI progress). */
  onStep?: (label: string) => void;
}

/** One table: the live side and the restored side. */
export interface BackupTableCheck {
  table: string;
  sourceRows: number;
  restoredRows: number;
  sourceChecksum: string;
  restoredChecksum: string;
  equal: boolean;
}

export interface BackupVerifyResult {
  ok: boolean;
  tables: BackupTableCheck[];
  /** Restore errors, a scratch database that cannot be opened, missing tables, row count and checksum mismatches (all errors). */
  findings: Finding[];
  tools: { dump: string; restore: string; toolMajor: number; serverMajor: number };
  dumpBytes: number;
}

const CONTROLS = ['SOC2 A1.2', 'SOC2 A1.3', 'HIPAA 164.308(a)(7)(ii)(D)'];
const FRAMEWORKS: Finding['frameworks'] = ['soc2', 'hipaa'];

/**
 * Proves a logical backup restores: dump the tenant database, restore the dump into a scratch database on the same
 * server, compare every table's row count and content checksum, drop the scratch database. The dump is written to
 * a private temporary folder and removed afterwards.
 */
export async function verifyBackup(tenant: TenantDb, options: BackupVerifyOptions = {}): Promise<BackupVerifyResult> {
  const dialect = tenant.dialect;
  const backup = dialect.backup;
  if (!backup) throw new Error(`backup verify needs dump and restore tools; the ${dialect.name} dialect has none here (use the provider's snapshot restore)`);
  const step = options.onStep ?? (() => {});
  step('checking pg_dump and the server version');
  const tools = await backup.tools(tenant, options.binDir);
  const work = await mkdtemp(join(tmpdir(), 'byos-backup-verify-'));
  try {
    const file = join(work, 'tenant.dump');
    step('dumping the tenant database');
    await backup.dump(tenant, tools, file);
    const dumpBytes = (await stat(file)).size;
    step('restoring into a scratch database');
    const scratch = await backup.restore(tenant, tools, file);
    try {
      step('comparing row counts and checksums');
      const findings: Finding[] = scratch.errors.map((message) => ({
        rule: 'backup-restore-error',
        severity: 'error',
        subject: scratch.name,
        message: `restore reported: ${message}`,
        frameworks: FRAMEWORKS,
        controls: CONTROLS,
        remediation: 'Fix what the restore tripped on (often a function whose body relies on search_path, or a missing extension), then verify again.',
      }));
      if (scratch.connectionError !== undefined) {
        // Nothing can be compared; every table would otherwise be reported missing.
        findings.push({
          rule: 'backup-scratch-connection',
          severity: 'error',
          subject: scratch.name,
          message: `cannot connect to the scratch database ${scratch.name}: ${scratch.connectionError}`,
          frameworks: FRAMEWORKS,
          controls: CONTROLS,
          remediation:
            'Let the tenant user connect to databases it creates on this server (pg_hba.conf, connection limits, login triggers), then verify again.',
        });
        return { ok: false, tables: [], findings, tools, dumpBytes };
      }
      const model = await dialect.introspect(tenant.db);
      const tables: BackupTableCheck[] = [];
      for (const table of model.tables) {
        const name = table.schema === model.defaultSchema ? table.name : `${table.schema}.${table.name}`;
        const [live, restored] = await Promise.all([backup.checksum(tenant.db, table), backup.checksum(scratch.db, table)]);
        const check: BackupTableCheck = {
          table: name,
          sourceRows: live.rows,
          restoredRows: restored.rows,
          sourceChecksum: live.checksum,
          restoredChecksum: restored.checksum,
          equal: !live.error && !restored.error && live.rows === restored.rows && live.checksum === restored.checksum,
        };
        tables.push(check);
        const finding = tableFinding(name, live, restored);
        if (finding) findings.push(finding);
      }
      return { ok: findings.length === 0, tables, findings, tools, dumpBytes };
    } finally {
      step('dropping the scratch database');
      await scratch.drop();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function tableFinding(table: string, live: TableChecksum, restored: TableChecksum): Finding | undefined {
  const base = { severity: 'error' as const, subject: table, frameworks: FRAMEWORKS, controls: CONTROLS };
  if (live.error) return { ...base, rule: 'backup-source-unreadable', message: `cannot read ${table} on the live database: ${live.error}` };
  if (restored.error) return { ...base, rule: 'backup-table-missing', message: `${table} is missing from the restored database: ${restored.error}` };
  if (live.rows !== restored.rows) {
    return { ...base, rule: 'backup-row-count', message: `${table} has ${live.rows} rows live but ${restored.rows} after restore` };
  }
  if (live.checksum !== restored.checksum) {
    return {
      ...base,
      rule: 'backup-checksum',
      message: `${table} content differs after restore (checksum ${live.checksum} live, ${restored.checksum} restored)`,
    };
  }
  return undefined;
}
