import type { Command } from 'commander';
import { recordAudit } from '@byos/runtime/guard/audit';
import {
  createLocalKeyFile,
  KEY_TABLE,
  listKeys,
  openKeyProvider,
  readEncryptionConfig,
  resolveEncryption,
  rotateDataKey,
  type RotationReport,
} from '@byos/runtime/guard/crypto';
import { type ConnectionFlags, openDatabase, profileFromFlags, withConnectionOptions } from '../connection-options.ts';
import { wholeNumber } from '../options.ts';
import { createOutput, EXIT_OK, UsageError } from '../output.ts';
import { createProgress } from '../progress.ts';

interface RotateFlags extends ConnectionFlags {
  config?: string;
  batchSize: number;
  encryptPlaintext?: boolean;
  actor?: string;
  json?: boolean;
}

async function loadConfig(file: string | undefined) {
  if (!file) throw new UsageError('give --config FILE (the encryption config: tenant, keyProvider, tables)');
  try {
    return await readEncryptionConfig(file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('field-encryption keys: a local development KEK, the key ring, rotation');

  keys
    .command('init-local')
    .description('create a local key-encryption key file (0600) for development')
    .requiredOption('--out <file>', 'where to write the KEK; an existing file is never overwritten')
    .action(async (flags: { out: string }) => {
      await createLocalKeyFile(flags.out);
      createOutput(false).info(`wrote a new 256-bit KEK to ${flags.out} (mode 0600); keep it out of git and backups of the database`);
      process.exitCode = EXIT_OK;
    });

  withConnectionOptions(
    keys.command('list').description("list the tenant's keys in byos_keys (never the key material)").option('--json', 'print the keys as JSON'),
  ).action(async (flags: ConnectionFlags & { json?: boolean }) => {
    const out = createOutput(Boolean(flags.json));
    const tenant = await openDatabase(await profileFromFlags(flags));
    try {
      const tables = await tenant.db.introspection.getTables();
      if (!tables.some((t) => t.name === KEY_TABLE))
        throw new Error(`${KEY_TABLE} not found in ${tenant.profile.database}: field encryption has not been set up on this tenant`);
      const records = (await listKeys(tenant.db)).map(({ wrapped_key: _wrapped, ...rest }) => rest);
      out.result(records);
      if (!out.json)
        for (const r of records) out.info(`${r.key_id}  ${r.purpose.padEnd(11)}  ${r.state.padEnd(7)}  ${r.provider} ${r.kek_id}  ${r.created_at}`);
    } finally {
      await tenant.close();
    }
    process.exitCode = EXIT_OK;
  });

  withConnectionOptions(
    keys
      .command('rotate')
      .description('create a new data key, re-encrypt every encrypted column in batches, retire the old key')
      .option('--config <file>', 'encryption config (JSON or YAML): tenant, keyProvider, tables')
      .option('--batch-size <n>', 'rows per batch, each batch one transaction (1 to 100,000)', wholeNumber('--batch-size', 1, 100_000), 500)
      .option('--encrypt-plaintext', 'also encrypt values still stored as plaintext (a column newly put under encryption)')
      .option('--actor <name>', 'who rotates, for the audit trail', process.env.USER ?? 'byos')
      .option('--json', 'print the rotation report as JSON'),
  )
    .addHelpText(
      'after',
      '\nResumable: if interrupted, run it again; it picks up the pending key and skips values already under it.\n' +
        'Only ciphertext is ever written back. The rotation is recorded in the audit trail (byos_audit).\n\n' +
        'Example:\n  byos keys rotate --url postgres://admin@db.example.com/acme --config acme.encryption.yaml',
    )
    .action(async (flags: RotateFlags) => {
      const out = createOutput(Boolean(flags.json));
      const batchSize = flags.batchSize;
      const config = await loadConfig(flags.config);
      const rules = resolveEncryption(config);
      const profile = await profileFromFlags(flags);
      const provider = await openKeyProvider(config.keyProvider);
      const progress = createProgress({ total: 2 + rules.tables.size, json: out.json });
      progress.step(`connecting to ${profile.provider} database ${profile.database}`);
      const tenant = await openDatabase(profile);
      let report: RotationReport;
      try {
        let current = '';
        report = await rotateDataKey(tenant.db, rules, provider, {
          batchSize,
          encryptPlaintext: Boolean(flags.encryptPlaintext),
          onBatch: ({ table }) => {
            if (table !== current) progress.step(`re-encrypting ${(current = table)}`);
          },
        });
        progress.step('recording the rotation in the audit trail');
        await recordAudit(tenant, { actor: flags.actor ?? 'byos', action: 'keys.rotate', subject: rules.tenant, details: { ...report } });
      } finally {
        progress.done();
        await tenant.close();
      }
      out.result(report);
      if (!out.json) out.info(formatRotation(report));
      process.exitCode = EXIT_OK;
    });
}

export function formatRotation(report: RotationReport): string {
  return [
    `${report.resumed ? 'resumed rotation' : 'rotated'}: new data key ${report.newKeyId}; retired ${report.retiredKeyIds.join(', ') || 'none'}`,
    ...report.tables.map(
      (t) =>
        `  ${t.table}: ${t.rows} rows read, ${t.reencrypted} re-encrypted${t.encryptedPlaintext ? `, ${t.encryptedPlaintext} plaintext values encrypted` : ''}`,
    ),
  ].join('\n');
}
