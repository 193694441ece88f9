import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import type { ConnectionProfile, Finding, TenantDb } from '@byos/runtime';
import {
  checkTarget,
  detectDrift,
  loadMigrations,
  type Migration,
  type MigrationPlan,
  migrateDown,
  migrateUp,
  migrationStatus,
  planMigrations,
  type RunResult,
  describeOp,
} from '@byos/runtime/migrate';
import { type ConnectionFlags, openDatabase, profileFromFlags, readProfileFile, withConnectionOptions } from '../connection-options.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK, type Output, UsageError } from '../output.ts';
import { createProgress } from '../progress.ts';

interface MigrateFlags extends ConnectionFlags {
  dir?: string;
  to?: string;
  json?: boolean;
  forceLossy?: boolean;
  tenants?: string;
}

/**
 * `byos migrate plan|up|down|status|drift`. Other files add subcommands (`new`, `lint`) by finding this command on
 * the program (`program.commands.find((c) => c.name() === 'migrate')`), so it must be registered before them.
 */
export function registerMigrate(program: Command): void {
  const migrate = program
    .command('migrate')
    .description('portable schema migrations: one folder of ops for every dialect, with plan, rollback, lint and drift')
    .addHelpText(
      'after',
      '\nMigration files: <id>_<name>.ts exporting `export default { ops: [...] }`, or <id>_<name>.sql with -- byos:up / -- byos:down sections.',
    );

  const sub = (name: string, description: string) =>
    withConnectionOptions(migrate.command(name).description(description))
      .option('--dir <dir>', 'the migration folder')
      .option('--json', 'print the result as JSON');

  sub('plan', 'the SQL each pending migration runs on this database, its rollback and lint findings')
    .option('--to <id>', 'plan up to and including this migration')
    .action(async (flags: MigrateFlags) =>
      withTenant(flags, async (tenant, migrations, out) => {
        const plans = await planMigrations(tenant, migrations, { to: flags.to });
        out.result(plans);
        if (!out.json) out.info(plans.length ? plans.map(describePlan).join('\n\n') : 'nothing pending');
        return EXIT_OK;
      }),
    );

  sub('up', 'apply pending migrations (to one database, or with --tenants to every tenant in a folder of profiles)')
    .option('--to <id>', 'apply up to and including this migration')
    .option('--tenants <dir>', 'a folder of ConnectionProfile files (JSON or YAML): apply to every tenant, whatever its dialect')
    .action(async (flags: MigrateFlags) => {
      if (flags.tenants) return upTenants(flags);
      // Applying migrations may start a new database (a SQLite file): the one command here that creates.
      return withTenant({ ...flags, create: true }, async (tenant, migrations, out) => {
        const progress = createProgress({ total: Math.max(1, migrations.length), json: out.json });
        let result: RunResult;
        try {
          result = await migrateUp(tenant, migrations, { to: flags.to, onMigration: (m) => progress.step(`${m.id}_${m.name}`) });
        } finally {
          progress.done();
        }
        out.result(result);
        if (!out.json) out.info(result.ran.length ? result.ran.map((r) => `applied ${r.id}_${r.name} (${r.durationMs} ms)`).join('\n') : 'nothing to apply');
        return EXIT_OK;
      });
    });

  sub('down', 'revert the last applied migration (or every one after --to; --to 0 reverts all) by the inverses of its ops')
    .option('--to <id>', 'revert every migration after this one (0: all)')
    .option('--force-lossy', 'run inverses that lose data (drop a column or table, narrow a type)')
    .action(async (flags: MigrateFlags) =>
      withTenant(
        flags,
        async (tenant, migrations, out) => {
          const result = await migrateDown(tenant, migrations, { to: flags.to, forceLossy: Boolean(flags.forceLossy) });
          out.result(result);
          if (!out.json)
            out.info(result.ran.length ? result.ran.map((r) => `reverted ${r.id}_${r.name} (${r.durationMs} ms)`).join('\n') : 'nothing to revert');
          for (const loss of result.lost ?? []) out.warn(`lost: ${loss}`);
          return EXIT_OK;
        },
        true,
      ),
    );

  sub('status', 'every migration with its state: applied, pending, edited (checksum changed) or missing (file gone)').action(async (flags: MigrateFlags) =>
    withTenant(flags, async (tenant, migrations, out) => {
      const rows = await migrationStatus(tenant, migrations);
      out.result(rows);
      if (!out.json) out.info(rows.map((r) => `${r.state.padEnd(8)} ${r.id}_${r.name}${r.appliedAt ? `  ${r.appliedAt}` : ''}`).join('\n') || 'no migrations');
      return rows.some((r) => r.state === 'edited' || r.state === 'missing') ? EXIT_FAILURE : EXIT_OK;
    }),
  );

  sub('drift', 'compare the live schema with the one the applied migrations imply (exit 1 on any difference)').action(async (flags: MigrateFlags) =>
    withTenant(flags, async (tenant, migrations, out) => {
      const findings = await detectDrift(tenant, migrations);
      out.result(findings);
      if (!out.json) out.info(findings.length ? findings.map(describeFinding).join('\n') : 'no drift: the database matches the applied migrations');
      return findings.length ? EXIT_FAILURE : EXIT_OK;
    }),
  );
}

async function folderMigrations(flags: MigrateFlags): Promise<Migration[]> {
  if (!flags.dir) throw new UsageError('give the migration folder with --dir DIR');
  try {
    return await loadMigrations(flags.dir);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function withTenant(
  flags: MigrateFlags & { create?: boolean },
  work: (tenant: TenantDb, migrations: Migration[], out: Output) => Promise<number>,
  toMayBeZero = false,
): Promise<void> {
  const out = createOutput(Boolean(flags.json));
  const migrations = await folderMigrations(flags);
  try {
    checkTarget(migrations, flags.to, toMayBeZero);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const tenant = await openDatabase(await profileFromFlags(flags), { create: Boolean(flags.create) });
  try {
    process.exitCode = await work(tenant, migrations, out);
  } finally {
    await tenant.close();
  }
}

interface TenantOutcome {
  tenant: string;
  dialect: string | null;
  ran: RunResult['ran'];
  error: string | null;
}

/** Applies the folder to every tenant profile in `--tenants`, one after another; a failure is reported and the rest go on. */
async function upTenants(flags: MigrateFlags): Promise<void> {
  if (flags.url || flags.profile) throw new UsageError('give either --tenants DIR or one database (--url / --profile), not both');
  const out = createOutput(Boolean(flags.json));
  const migrations = await folderMigrations(flags);
  const files = await profileFiles(flags.tenants!);
  const progress = createProgress({ total: files.length, json: out.json });
  const outcomes: TenantOutcome[] = [];
  try {
    for (const file of files) {
      const name = tenantName(file);
      progress.step(name);
      let profile: ConnectionProfile | null = null;
      try {
        profile = await readProfileFile(file);
        const tenant = await openDatabase(profile, { create: true });
        try {
          const result = await migrateUp(tenant, migrations, { to: flags.to });
          outcomes.push({ tenant: name, dialect: tenant.dialect.name, ran: result.ran, error: null });
        } finally {
          await tenant.close();
        }
      } catch (error) {
        outcomes.push({ tenant: name, dialect: profile?.dialect ?? null, ran: [], error: (error as Error).message });
      }
    }
  } finally {
    progress.done();
  }
  out.result(outcomes);
  if (!out.json) {
    for (const o of outcomes) {
      out.info(
        o.error
          ? `✗ ${o.tenant} (${o.dialect ?? 'no profile'}): ${o.error}`
          : `✓ ${o.tenant} (${o.dialect}): ${o.ran.length ? `applied ${o.ran.map((r) => r.id).join(', ')}` : 'up to date'}`,
      );
    }
  }
  process.exitCode = outcomes.some((o) => o.error) ? EXIT_FAILURE : EXIT_OK;
}

async function profileFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new UsageError(`cannot read the tenants folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const files = names
    .filter((n) => /\.(json|ya?ml)$/i.test(n))
    .sort()
    .map((n) => join(dir, n));
  if (!files.length) throw new UsageError(`no profile files (*.json, *.yaml) in ${dir}`);
  return files;
}

/** `demo-sqlite.profile.json` → `demo-sqlite`. */
const tenantName = (file: string) => basename(file).replace(/(\.profile)?\.(json|ya?ml)$/i, '');

export { describeOp } from '@byos/runtime/migrate';

function describeFinding(f: Finding): string {
  return `${f.severity.padEnd(7)} ${f.rule}  ${f.subject}: ${f.message}`;
}

function describePlan(plan: MigrationPlan): string {
  const lines = [`${plan.id}_${plan.name}`];
  for (const step of plan.steps) {
    lines.push(`  -- ${describeOp(step.op)}`);
    for (const s of step.statements) lines.push(`  ${s.sql.replace(/\n/g, '\n  ')};${s.outsideTransaction ? '  -- outside the transaction' : ''}`);
  }
  lines.push(plan.rollback ? `  rollback: ${plan.rollback.map(describeOp).join('; ')}` : `  rollback: none (${plan.irreversible})`);
  for (const loss of plan.lossy) lines.push(`  lossy rollback: ${loss}`);
  for (const f of plan.findings) lines.push(`  ${describeFinding(f)}`);
  return lines.join('\n');
}
