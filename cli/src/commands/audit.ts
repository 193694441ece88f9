import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { TenantDb } from '@byos/runtime';
import {
  type AuditVerification,
  createCheckpoint,
  installAuditCapture,
  parseExactJson,
  readCheckpoint,
  recordAudit,
  sealAudit,
  verifyAudit,
  writeCheckpoint,
} from '@byos/runtime/guard/audit';
import { type ConnectionFlags, openDatabase, profileFromFlags, withConnectionOptions } from '../connection-options.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK, UsageError } from '../output.ts';

/** The HMAC key for checkpoints: the file's bytes (trimmed), at least 32; kept apart from the database. */
async function readHmacKey(file: string | undefined): Promise<Buffer | undefined> {
  if (!file) return undefined;
  let key: Buffer;
  try {
    key = Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read HMAC key file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (key.length < 32) throw new UsageError(`HMAC key file ${file} must hold at least 32 characters`);
  return key;
}

async function withTenant<T>(flags: ConnectionFlags, work: (tenant: TenantDb) => Promise<T>): Promise<T> {
  const tenant = await openDatabase(await profileFromFlags(flags));
  try {
    return await work(tenant);
  } finally {
    await tenant.close();
  }
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('tamper-evident audit trail: capture, record, seal, checkpoint, verify');

  withConnectionOptions(
    audit
      .command('capture')
      .description('record every INSERT/UPDATE/DELETE on the given tables (triggers stage them for the chain)')
      .requiredOption('--table <name...>', 'tables to capture'),
  ).action(async (flags: ConnectionFlags & { table: string[] }) => {
    await withTenant(flags, (tenant) => installAuditCapture(tenant, flags.table));
    createOutput(false).info(`capturing changes of ${flags.table.join(', ')}; run byos audit seal (or any checkpoint) to chain them`);
    process.exitCode = EXIT_OK;
  });

  withConnectionOptions(
    audit
      .command('record')
      .description('record an administrative action (migration, import, switch…) in the chain')
      .requiredOption('--actor <who>', 'who acted')
      .requiredOption('--action <verb>', 'dotted verb, e.g. import.csv')
      .requiredOption('--subject <what>', 'what it acted on')
      .option('--details <json>', 'details as a JSON object', '{}'),
  ).action(async (flags: ConnectionFlags & { actor: string; action: string; subject: string; details: string }) => {
    let details: unknown;
    try {
      details = parseExactJson(flags.details);
    } catch (error) {
      throw new UsageError(`--details is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof details !== 'object' || details === null || Array.isArray(details)) throw new UsageError('--details must be a JSON object');
    const entry = await withTenant(flags, (tenant) =>
      recordAudit(tenant, { actor: flags.actor, action: flags.action, subject: flags.subject, details: details as Record<string, unknown> }),
    );
    createOutput(false).info(`recorded seq ${entry.seq} ${entry.hash}`);
    process.exitCode = EXIT_OK;
  });

  withConnectionOptions(audit.command('seal').description('chain staged entries (from triggers) into byos_audit')).action(async (flags: ConnectionFlags) => {
    const { sealed, head } = await withTenant(flags, (tenant) => sealAudit(tenant));
    createOutput(false).info(`sealed ${sealed} entries; head seq ${head.seq} ${head.hash}`);
    process.exitCode = EXIT_OK;
  });

  withConnectionOptions(
    audit
      .command('checkpoint')
      .description('seal, then write the chain head (seq + hash) to a file kept outside the database')
      .requiredOption('--out <file>', 'checkpoint file to write')
      .option('--tenant <id>', 'tenant id to name in the checkpoint')
      .option('--hmac-key-file <file>', 'sign the checkpoint with HMAC-SHA256 under this key'),
  ).action(async (flags: ConnectionFlags & { out: string; tenant?: string; hmacKeyFile?: string }) => {
    const hmacKey = await readHmacKey(flags.hmacKeyFile);
    const checkpoint = await withTenant(flags, (tenant) =>
      createCheckpoint(tenant, { ...(flags.tenant ? { tenantId: flags.tenant } : {}), ...(hmacKey ? { hmacKey } : {}) }),
    );
    await writeCheckpoint(flags.out, checkpoint);
    createOutput(false).info(`checkpoint seq ${checkpoint.seq} ${checkpoint.hash}${checkpoint.hmac ? ' (signed)' : ''} written to ${flags.out}`);
    process.exitCode = EXIT_OK;
  });

  withConnectionOptions(
    audit
      .command('verify')
      .description('recompute the hash chain; with a checkpoint, also detect truncation and rewritten history since it')
      .option('--checkpoint <file>', 'checkpoint written by byos audit checkpoint')
      .option('--hmac-key-file <file>', 'check the checkpoint signature with this key')
      .option('--json', 'print the verification (entries, head, findings) as JSON'),
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 the chain is intact, 1 tampering found, 2 usage.\n\nExample:\n  byos audit verify --url sqlite:./acme.sqlite --checkpoint acme.checkpoint.json',
    )
    .action(async (flags: ConnectionFlags & { checkpoint?: string; hmacKeyFile?: string; json?: boolean }) => {
      const out = createOutput(Boolean(flags.json));
      let checkpoint;
      try {
        checkpoint = flags.checkpoint ? await readCheckpoint(flags.checkpoint) : undefined;
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const hmacKey = await readHmacKey(flags.hmacKeyFile);
      const result = await withTenant(flags, (tenant) => verifyAudit(tenant, { ...(checkpoint ? { checkpoint } : {}), ...(hmacKey ? { hmacKey } : {}) }));
      out.result(result);
      if (!out.json) out.info(formatVerification(result, flags.checkpoint));
      process.exitCode = result.ok ? EXIT_OK : EXIT_FAILURE;
    });
}

export function formatVerification(result: AuditVerification, checkpointFile?: string): string {
  const lines = result.findings.map((f) => `✗ ${f.rule} ${f.subject}: ${f.message}`);
  lines.push(
    result.ok
      ? `audit trail intact: ${result.entries} entries, head seq ${result.head.seq} ${result.head.hash}${checkpointFile ? `, consistent with ${checkpointFile}` : ''}`
      : `audit trail tampered: ${result.findings.length} findings`,
  );
  return lines.join('\n');
}
