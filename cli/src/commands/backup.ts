import type { Command } from 'commander';
import { redactText } from '@byos/runtime';
import { type BackupRecord, type BackupVerifyResult, recordBackupVerification, verifyBackup } from '@byos/runtime/guard/backup';
import { type ConnectionFlags, openDatabase, profileFromFlags, withConnectionOptions } from '../connection-options.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK } from '../output.ts';
import { createProgress } from '../progress.ts';

interface VerifyFlags extends ConnectionFlags {
  pgBin?: string;
  actor?: string;
  json?: boolean;
}

export function registerBackup(program: Command): void {
  const backup = program.command('backup').description('backups of tenant databases');
  withConnectionOptions(
    backup
      .command('verify')
      .description('prove a logical backup restores: pg_dump, restore into a scratch database on the same server, compare every table')
      .option('--pg-bin <dir>', "folder of pg_dump and pg_restore (default: $BYOS_PG_BIN, then PATH); their major version must be at least the server's")
      .option('--actor <name>', 'who verifies, for the audit trail', process.env.USER ?? 'byos')
      .option('--json', 'print the result (tables, findings, tools, record) as JSON'),
  )
    .addHelpText(
      'after',
      '\nThe tenant user needs CREATEDB (the scratch database is created and dropped on the same server).\n' +
        'When the tenant database has the audit trail (byos_audit), each completed verification is recorded there as a\n' +
        'backup.verify entry (ok, table count, differing tables, finding rules; no connection settings), which the\n' +
        "console's fleet view reads. Without an audit trail nothing is recorded (the tables are not created for this).\n" +
        'Exit codes: 0 every table restored with equal row count and checksum, 1 a mismatch or restore error (or the\n' +
        'tools are missing or too old), 2 usage.\n\nExamples:\n  byos backup verify --url postgres://admin@db.example.com/acme\n  BYOS_PG_BIN=/usr/lib/postgresql/18/bin byos backup verify --profile acme.profile.json --json',
    )
    .action(async (flags: VerifyFlags) => {
      const out = createOutput(Boolean(flags.json));
      const profile = await profileFromFlags(flags);
      const progress = createProgress({ total: 7, json: out.json });
      progress.step(`connecting to ${profile.provider} database ${profile.database}`);
      const tenant = await openDatabase(profile);
      let result: BackupVerifyResult;
      let record: BackupRecord;
      try {
        result = await verifyBackup(tenant, { ...(flags.pgBin ? { binDir: flags.pgBin } : {}), onStep: (label) => progress.step(label) });
        progress.step('recording the verification in the audit trail');
        const subject = profile.tenant ?? profile.database;
        record = await recordBackupVerification(tenant, result, { actor: flags.actor || 'byos', subject }).catch((error: Error) => ({
          recorded: false as const,
          reason: `cannot write the audit entry: ${redactText(error.message.split('\n')[0] ?? '')}`,
        }));
      } finally {
        progress.done();
        await tenant.close();
      }
      out.result({ ...result, record });
      if (!out.json) out.info(`${formatBackupReport(result)}\n${formatRecord(record)}`);
      process.exitCode = result.ok ? EXIT_OK : EXIT_FAILURE;
    });
}

function formatRecord(record: BackupRecord): string {
  return record.recorded ? `recorded in the audit trail as entry ${record.seq} (backup.verify)` : `not recorded: ${record.reason}`;
}

export function formatBackupReport(result: BackupVerifyResult): string {
  const width = Math.max(5, ...result.tables.map((t) => t.table.length));
  const lines = [
    `pg_dump ${result.tools.toolMajor} against PostgreSQL ${result.tools.serverMajor}; dump ${result.dumpBytes} bytes`,
    `${'table'.padEnd(width)}  live rows  restored  checksum`,
    ...result.tables.map(
      (t) => `${t.table.padEnd(width)}  ${String(t.sourceRows).padStart(9)}  ${String(t.restoredRows).padStart(8)}  ${t.equal ? 'equal' : 'DIFFERS'}`,
    ),
    '',
  ];
  for (const f of result.findings) lines.push(`✗ ${f.rule} ${f.subject}: ${f.message}`);
  lines.push(
    result.ok ? `backup verified: ${result.tables.length} tables restored identically` : `backup verification failed: ${result.findings.length} findings`,
  );
  return lines.join('\n');
}
