import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { type Command, Option } from 'commander';
import { DIALECTS, type DialectName, type Finding, hasBlockingFindings, type MigrationOp } from '@byos/runtime';
import {
  folderSchema,
  hasRawSql,
  impliedModel,
  loadMigrations,
  type Migration,
  migrationContext,
  nextId,
  planOne,
  previewMigration,
  slug,
  writeMigration,
} from '@byos/runtime/migrate';
import { loadDialect } from '@byos/runtime/dialects';
import { lintPostgresSql } from '@byos/runtime/migrate/lint';
import { readSentence, SentenceError } from '@byos/runtime/migrate/sentence';
import { createOutput, EXIT_FAILURE, EXIT_OK, type Output, UsageError } from '../output.ts';

/** The `migrate` command (registered by migrate.ts, created here if that has not run), with `new` and `lint`. */
export function registerMigrateAuthoring(program: Command): void {
  const migrate =
    program.commands.find((c) => c.name() === 'migrate') ??
    program.command('migrate').description('portable migrations: one op set for Postgres, SQLite and SQL Server');
  const dialectOption = () => new Option('--dialect <dialect>', 'only this dialect (default: all)').choices([...DIALECTS]);

  migrate
    .command('new')
    .description('turn a plain-language sentence into a migration: shows the ops, the SQL per dialect, the lint and the rollback, then writes NNNN_slug.ts')
    .argument('<sentence>', 'what to change, e.g. "add a required column email (text) to customers"')
    .requiredOption('--dir <dir>', 'migration folder (created if missing)')
    .addOption(dialectOption())
    .option('--dry-run', 'show everything, write nothing')
    .option('--json', 'print one JSON document: ops, per-dialect SQL, findings, rollback, file')
    .addHelpText(
      'after',
      [
        '',
        'Sentences are read against the schema the migrations in --dir build: "index email" is the table with an',
        'email column (refused, naming them, when several have one). Word order, synonyms (remove, get rid of;',
        'not null, mandatory; nullable, can be null), bare types (varchar 80, decimal 10 2) and SQL fragments',
        '(ALTER TABLE … ADD COLUMN …, CREATE INDEX ON t (c)) are understood; see docs/migrations-lint.md.',
        '',
        'Sentences understood (names may be quoted: "order items"):',
        '  create table customers with id (integer) primary key, email (text) required',
        '  add a required column email (text) to customers      drop column fax from customers',
        '  rename column email in customers to mail               rename table customers to clients',
        '  make customers.email required | optional               change the type of customers.name to varchar(120)',
        '  add a unique index on customers (email)                drop index customers_email_idx on customers',
        '  add a unique constraint on customers (email)           orders.customer_id references customers',
        "  set the default of orders.status to 'new'              drop the default of orders.status",
      ].join('\n'),
    )
    .action(async (sentence: string, flags: { dir: string; dialect?: DialectName; dryRun?: boolean; json?: boolean }) => {
      process.exitCode = await migrateNew(sentence, flags, createOutput(Boolean(flags.json)));
    });

  migrate
    .command('lint')
    .description("safety analysis of the migrations in a folder (each dialect's compiled SQL) or of a raw Postgres SQL file")
    .option('--dir <dir>', 'migration folder')
    .option('--sql <file>', 'raw Postgres SQL file, parsed with the real Postgres parser')
    .addOption(dialectOption())
    .option('--json', 'print the findings as JSON')
    .addHelpText(
      'after',
      '\nExit code 1 when any finding has severity error (destructive or failing changes).\n\nExamples:\n  byos migrate lint --dir migrations\n  byos migrate lint --sql 0007_add_index.sql --json',
    )
    .action(async (flags: { dir?: string; sql?: string; dialect?: DialectName; json?: boolean }) => {
      process.exitCode = await migrateLint(flags, createOutput(Boolean(flags.json)));
    });
}

async function migrateNew(sentence: string, flags: { dir: string; dialect?: DialectName; dryRun?: boolean }, out: Output): Promise<number> {
  const existing = existsSync(flags.dir) ? await folderMigrations(flags.dir) : [];
  let ops: MigrationOp[];
  let notes: string[];
  try {
    // Names are resolved against the schema the folder's migrations build (`index email` → the table with email).
    ({ ops, notes } = readSentence(sentence, { schema: await folderSchema(existing), partial: hasRawSql(existing) }));
  } catch (error) {
    if (error instanceof SentenceError) throw new UsageError(error.message);
    throw error;
  }
  const id = nextId(existing);
  const name = slug(sentence);
  const previews = await previewMigration({ id, name, ops }, (ctx) => impliedModel(ctx, existing), flags.dialect ? [flags.dialect] : DIALECTS);
  // A migration that cannot compile would fail `migrate up`, and every later `migrate new` would stumble on it.
  // After a raw SQL migration the implied schema may lack what that SQL made: a failure there proves nothing, and
  // the previews say what could not be checked.
  const failed = previews.filter((p) => p.error !== undefined);
  if (failed.length && !hasRawSql(existing)) {
    const reasons = new Set(failed.map((p) => p.error));
    const why = reasons.size === 1 ? failed[0]!.error : failed.map((p) => `${p.dialect}: ${p.error}`).join('; ');
    throw new Error(`not written: ${JSON.stringify(sentence)} does not apply to the schema the migrations in ${flags.dir} imply: ${why}`);
  }
  let file: string | null = null;
  if (!flags.dryRun) file = await writeMigration(flags.dir, `${id}_${name}.ts`, sentence, ops);
  out.result({ sentence, id, name, ops, notes, dialects: previews, file });
  if (!out.json) {
    out.info(`ops (${ops.length}):`);
    for (const op of ops) out.info(`  ${describeOp(op)}`);
    for (const note of notes) out.info(`  note: ${note}`);
    for (const p of previews) {
      out.info('');
      out.info(`${p.dialect}:`);
      if (!p.plan) continue;
      for (const s of p.plan.steps.flatMap((step) => step.statements)) {
        out.info(`  ${s.sql.replace(/\n/g, '\n  ')};${s.outsideTransaction ? '   -- outside the transaction' : ''}`);
      }
      for (const f of p.plan.findings) out.info(`  ${f.severity} ${f.rule}: ${f.message}`);
      if (p.plan.rollback)
        out.info(`  rollback: ${p.plan.rollback.map(describeOp).join('; ')}${p.plan.lossy.length ? ` (lossy: ${p.plan.lossy.join('; ')})` : ''}`);
      else out.info(`  rollback: none (${p.plan.irreversible})`);
    }
    out.info('');
    out.info(file ? `wrote ${file}` : 'dry run: nothing written');
  }
  return EXIT_OK;
}

async function migrateLint(flags: { dir?: string; sql?: string; dialect?: DialectName }, out: Output): Promise<number> {
  if (!flags.dir && !flags.sql) throw new UsageError('give --dir <migration folder> or --sql <file> to lint');
  const findings: Finding[] = [];
  if (flags.sql) {
    let text: string;
    try {
      text = await readFile(flags.sql, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${flags.sql}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    findings.push(...(await lintPostgresSql(text, flags.sql)));
  }
  if (flags.dir) findings.push(...(await lintFolder(flags.dir, flags.dialect ? [flags.dialect] : [...DIALECTS])));
  out.result({ findings, blocking: hasBlockingFindings(findings) });
  if (!out.json) {
    for (const f of findings) {
      out.info(`${f.severity.padEnd(7)} ${f.rule}  ${f.subject}`);
      out.info(`        ${f.message}`);
      if (f.remediation) out.info(`        fix: ${f.remediation}`);
    }
    const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
    out.info(`${findings.length} findings: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} info`);
  }
  return hasBlockingFindings(findings) ? EXIT_FAILURE : EXIT_OK;
}

/**
 * Each migration planned per dialect against the schema the earlier ones imply; SQL migrations' Postgres text also
 * through the real parser. A finding every dialect shares is listed once; one particular to some dialects names them.
 */
async function lintFolder(dir: string, dialects: DialectName[]): Promise<Finding[]> {
  if (!existsSync(dir)) throw new UsageError(`migration folder ${dir} does not exist`);
  const migrations = await folderMigrations(dir);
  const perDialect = new Map<string, { finding: Finding; dialects: DialectName[] }>();
  for (const dialect of dialects) {
    const ctx = migrationContext(await loadDialect(dialect));
    const done: Migration[] = [];
    for (const m of migrations) {
      let found: Finding[];
      try {
        found = planOne(ctx, m, impliedModel(ctx, done)).findings;
        // A SQL migration's `postgres` section is judged by the Postgres parser below, not by reading it back here.
        if (dialect === 'postgres' && rawPostgresText(m)) found = [];
      } catch (error) {
        found = [
          {
            rule: 'migration-invalid',
            severity: 'error',
            subject: `${m.id}_${m.name}`,
            message: (error as Error).message,
            remediation: 'Fix the migration so every op applies to the schema the earlier migrations leave.',
          },
        ];
      }
      for (const finding of found) {
        const key = JSON.stringify([finding.rule, finding.subject, finding.message]);
        const entry = perDialect.get(key) ?? { finding, dialects: [] };
        entry.dialects.push(dialect);
        perDialect.set(key, entry);
      }
      done.push(m);
    }
  }
  const findings = [...perDialect.values()].map(({ finding, dialects: where }) =>
    where.length === dialects.length || dialects.length === 1 ? finding : { ...finding, subject: `[${where.join(', ')}] ${finding.subject}` },
  );
  for (const m of migrations) {
    const text = rawPostgresText(m);
    if (!text || !dialects.includes('postgres')) continue;
    // Pad to the section's place in the file so findings carry the file's own line numbers.
    const file = await readFile(m.file, 'utf8');
    const at = file.indexOf(text);
    const padding = at > 0 ? '\n'.repeat(file.slice(0, at).split('\n').length - 1) : '';
    findings.push(...(await lintPostgresSql(padding + text, relative(process.cwd(), m.file) || basename(m.file))));
  }
  return findings;
}

/** The folder's migrations; a folder that cannot be read or holds a broken file is the user's to fix (exit 2). */
async function folderMigrations(dir: string): Promise<Migration[]> {
  try {
    return await loadMigrations(dir);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The Postgres text of a SQL migration (one `sql` op), which the Postgres parser lints. */
function rawPostgresText(m: Migration): string | undefined {
  const only = m.ops.length === 1 ? m.ops[0] : undefined;
  return only?.op === 'sql' ? only.up.postgres : undefined;
}

// Moved to the runtime (the console writes migrations too); re-exported for the callers that import them from here.
export { migrationSource, nextId, slug, writeSentenceMigration } from '@byos/runtime/migrate';

/** One line per op, for the human output. */
export function describeOp(op: MigrationOp): string {
  const { op: kind, ...rest } = op;
  const parts = Object.entries(rest)
    .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${kind} ${parts.join(' ')}`;
}
