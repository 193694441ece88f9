import { rmSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { ConnectionProfile, Finding, TenantDb } from '@byos/runtime';
import { InputError } from '@byos/runtime/errors';
import { loadDialect } from '@byos/runtime/dialects';
import { copyDatabase, type CopyProgress, CopyRefusedError, type CopyReport } from '@byos/runtime/copy';
import { LOSS_KINDS, unknownLossKinds } from '@byos/runtime/copy';
import { type VerifyReport, verifyDatabases } from '@byos/runtime/verify';
import { openDatabase, profileFromArgument, requiredUrlFlag, URL_ENV, urlOrProfileOption } from '../connection-options.ts';
import { LIMITS, wholeNumber } from '../options.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK, type Output, UsageError } from '../output.ts';

interface CopyFlags {
  from?: string;
  to?: string;
  tables?: string;
  jobs: number;
  batchSize?: number;
  verify?: boolean;
  sample: number;
  resume?: boolean;
  schema?: string;
  direct?: boolean;
  neutral?: boolean;
  acceptLoss?: string;
  createRoles?: boolean;
  schemas?: string;
  excludeSchemas?: string;
  json?: boolean;
}

/** A comma-separated flag (`--accept-loss view,trigger`, `--schemas app,billing`) → its items. */
export function commaList(value: string | undefined): string[] | undefined {
  return value
    ? value
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
    : undefined;
}

/**
 * `--accept-loss` as a list, each kind one that a loss between these engines can have: a misspelt kind would
 * accept nothing, so it is a usage error naming the kinds there are.
 */
export async function acceptedLossKinds(value: string | undefined, dialects: readonly ConnectionProfile['dialect'][]): Promise<string[] | undefined> {
  const kinds = commaList(value);
  if (!kinds) return undefined;
  const own = (await Promise.all(dialects.map((d) => loadDialect(d)))).flatMap((d) => d.native?.notRecreatedKinds ?? []);
  const unknown = unknownLossKinds(kinds, own);
  if (unknown.length) {
    throw new UsageError(
      `--accept-loss: no loss has the kind ${unknown.map((k) => JSON.stringify(k)).join(', ')}; kinds: ${[...LOSS_KINDS, ...new Set(own)].join(', ')}`,
    );
  }
  return kinds;
}

export function registerCopy(program: Command): void {
  program
    .command('copy')
    .description(
      'copy a database into another: between two Postgres every object in its own terms (schemas, types, functions, triggers, policies, grants…); between engines the tables through the neutral model, refusing until every loss is accepted',
    )
    .addOption(urlOrProfileOption('--from <url>', 'source database URL or profile file', URL_ENV.from))
    .addOption(urlOrProfileOption('--to <url>', 'target database URL or profile file (empty, or holding an interrupted copy with --resume)', URL_ENV.to))
    .option('--tables <names>', 'comma-separated tables to copy (default: all)')
    .option('--jobs <n>', `tables copied at once (1 to ${LIMITS.jobs})`, wholeNumber('--jobs', 1, LIMITS.jobs), 4)
    .option(
      '--batch-size <n>',
      'rows per batch; each batch commits with its checkpoint (default 50000 between two Postgres and from SQLite, 10000 otherwise)',
      wholeNumber('--batch-size', 1, LIMITS.batchSize),
    )
    .option('--verify', 'verify row counts and checksums afterwards (exit 1 on a mismatch)')
    .option('--sample <n>', 'rows per table compared value by value when verifying', wholeNumber('--sample', 0, LIMITS.sample), 20)
    .option('--resume', 'continue an interrupted copy recorded in the target')
    .option('--schema <mode>', 'create (default): build the target schema; existing: load into tables already there', 'create')
    .option('--no-direct', 'decode every value even between two Postgres (no binary COPY; goes through the neutral model)')
    .option('--neutral', 'between two Postgres, translate through the neutral model instead of copying every object natively')
    .option(
      '--accept-loss <kinds>',
      'kinds of object the copy may leave behind or change, comma-separated (view, trigger, function…; `all` for every kind but the security ones: row-security, policy, grant, default-privileges, which must be named)',
    )
    .option('--create-roles', 'create, without login, the roles that grants and policies name and the target lacks')
    .option('--schemas <names>', 'between two Postgres: only these schemas, comma-separated')
    .option('--exclude-schemas <names>', 'between two Postgres: every schema but these, comma-separated')
    .option('--json', 'print the copy (and verification) report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  byos copy --from sqlite:./tenant.sqlite --to postgres://app@db.example.com/tenant --jobs 4 --verify\n  byos copy --from old.profile.json --to new.profile.json --resume --json',
    )
    .action(async (flags: CopyFlags) => {
      const out = createOutput(Boolean(flags.json));
      if (flags.schema !== 'create' && flags.schema !== 'existing')
        throw new UsageError(`--schema must be create or existing, got ${JSON.stringify(flags.schema)}`);
      const { jobs, batchSize, sample } = flags;
      const tables = flags.tables
        ? flags.tables
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : undefined;
      const fromFlag = requiredUrlFlag(flags.from, '--from', URL_ENV.from);
      const toFlag = requiredUrlFlag(flags.to, '--to', URL_ENV.to);
      const [fromProfile, toProfile] = [await profileFromArgument(fromFlag, '--from'), await profileFromArgument(toFlag, '--to')];
      const acceptLoss = await acceptedLossKinds(flags.acceptLoss, [fromProfile.dialect, toProfile.dialect]);
      // A refused copy writes nothing: not even the empty database file that opening the target would leave behind.
      const createdByOpening = (await loadDialect(toProfile.dialect)).filesCreatedByOpening?.(toProfile) ?? [];
      let refused = false;
      const from = await openDatabase(fromProfile);
      let to: TenantDb;
      try {
        // The target may be a new database (a SQLite file): the copy creates it.
        to = await openDatabase(toProfile, { create: true });
      } catch (error) {
        await from.close();
        throw error;
      }
      try {
        const bars = createTableProgress(out);
        let report: CopyReport;
        try {
          report = await copyDatabase({
            from,
            to,
            tables,
            jobs,
            batchSize,
            resume: flags.resume,
            schema: flags.schema,
            direct: flags.direct,
            onProgress: bars.update,
            mode: flags.neutral ? 'neutral' : undefined,
            acceptLoss,
            createRoles: flags.createRoles,
            schemas: commaList(flags.schemas),
            excludeSchemas: commaList(flags.excludeSchemas),
          });
        } catch (error) {
          refused = error instanceof CopyRefusedError;
          // Every batch commits with its checkpoint, so whatever stopped the copy (the server going away, a full
          // disk), what was committed is kept and a run with --resume carries on from it.
          if (refused || error instanceof InputError) throw error;
          throw new Error(`${(error as Error).message}; run the same command with --resume to continue the copy (what was copied is kept)`, { cause: error });
        } finally {
          bars.stop();
        }
        const verification = flags.verify
          ? await verifyDatabases({ from, to, tables, sample, acceptLoss, schemas: commaList(flags.schemas), excludeSchemas: commaList(flags.excludeSchemas) })
          : undefined;
        out.result({ copy: report, ...(verification ? { verify: verification } : {}) });
        if (!out.json) out.info(summarize(report, verification));
        const failed = report.findings.some((f) => f.severity === 'error') || (verification !== undefined && !verification.equal);
        process.exitCode = failed ? EXIT_FAILURE : EXIT_OK;
      } finally {
        await from.close();
        await to.close();
        if (refused) for (const file of createdByOpening) rmSync(file, { force: true });
      }
    });
}

function describeFinding(f: Finding): string {
  return `${f.severity.padEnd(7)} ${f.rule} ${f.subject}: ${f.message}`;
}

/** One line per table and the totals; findings that are not info; the verification per table. */
export function summarize(report: CopyReport, verification?: VerifyReport): string {
  const lines = [
    `copied ${report.rows} rows in ${report.tables.length} tables from ${report.from} to ${report.to} in ${(report.ms / 1000).toFixed(1)} s${report.resumed ? ' (resumed)' : ''}`,
  ];
  for (const t of report.tables) {
    const rate = t.ms > 0 ? Math.round(((t.rows - t.resumedAt) / t.ms) * 1000) : 0;
    lines.push(
      `  ${t.table.padEnd(28)} ${String(t.rows).padStart(10)} rows  ${t.method.padEnd(8)} ${String(rate).padStart(9)} rows/s${t.resumedAt ? `  resumed at ${t.resumedAt}` : ''}`,
    );
  }
  if (report.objects)
    lines.push(
      `  ${report.objects.created} schema objects created${report.objects.unsupported.length ? `; left behind (accepted): ${report.objects.unsupported.map((u) => `${u.kind} ${u.name}`).join(', ')}` : ''}`,
    );
  for (const f of report.findings.filter((x) => x.severity !== 'info')) lines.push(describeFinding(f));
  if (verification) {
    const schema = verification.schema
      ? `${verification.schema.compared} ${verification.schema.mode === 'native' ? 'schema objects identical' : 'tables and views with the same neutral schema'}, `
      : '';
    lines.push(verification.equal ? `verified: ${schema}every table has equal row counts and checksums` : 'verification FAILED:');
    for (const t of verification.tables)
      lines.push(`  ${t.table.padEnd(28)} ${String(t.targetRows).padStart(10)} rows  ${t.equal ? 'equal' : 'DIFFERENT'}  ${t.targetChecksum}`);
    for (const f of verification.findings) lines.push(describeFinding(f));
  }
  return lines.join('\n');
}

/**
 * A bar per table (rows, rows/s, ETA) on an interactive terminal; elsewhere (pipes, --json) the plan's findings
 * and one line per finished table on stderr.
 */
function createTableProgress(out: Output, stream: NodeJS.WriteStream = process.stderr): { update: (p: CopyProgress) => void; stop: () => void } {
  const interactive = !out.json && stream.isTTY === true;
  const multi = interactive
    ? new cliProgress.MultiBar(
        {
          stream,
          format: '{table} {bar} {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: false,
          gracefulExit: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const bars = new Map<string, { bar: cliProgress.SingleBar | null; started: number }>();
  return {
    update(p) {
      if (p.phase === 'plan') {
        for (const f of p.findings ?? []) if (f.severity === 'warning') out.warn(describeFinding(f));
        return;
      }
      if (p.phase !== 'load' || !p.table) {
        if (!interactive && p.phase !== 'done') out.warn(`• ${p.phase}`);
        return;
      }
      let entry = bars.get(p.table);
      if (!entry) {
        entry = { bar: multi ? multi.create(Math.max(p.totalRows ?? 0, 1), 0, { table: p.table.padEnd(20), speed: 0 }) : null, started: performance.now() };
        bars.set(p.table, entry);
      }
      const seconds = (performance.now() - entry.started) / 1000;
      const speed = seconds > 0 ? Math.round((p.rows ?? 0) / seconds) : 0;
      entry.bar?.update(p.rows ?? 0, { table: p.table.padEnd(20), speed });
      if (!interactive && p.tableDone) out.warn(`• ${p.table}: ${p.rows} rows`);
    },
    stop() {
      multi?.stop();
    },
  };
}
