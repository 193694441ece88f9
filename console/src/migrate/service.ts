import { existsSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { type DialectName, type Finding, hasBlockingFindings, type MigrationOp, type TenantDb } from '@byos/runtime';
import {
  applyOps,
  describeOp,
  detectDrift,
  folderMigrations,
  hasRawSql,
  loadMigrations,
  migrateUp,
  migrationContext,
  migrationStatus,
  type MigrationPlan,
  nextId,
  planMigrations,
  planOne,
  previewMigration,
  slug,
  type StatusRow,
  tenantModelAfter,
  writeMigration,
} from '@byos/runtime/migrate';
import { readSentence, SentenceError } from '@byos/runtime/migrate/sentence';
import { loadDialect } from '@byos/runtime/dialects';
import type { ConsoleContext } from '../context.ts';

/** A request the user can fix (an unreadable sentence, an unknown tenant): answered 400 with this message. */
export class MigrateInputError extends Error {
  readonly suggestions: string[];
  constructor(message: string, suggestions: string[] = []) {
    super(message);
    this.suggestions = suggestions;
  }
}

const MIGRATION_FILE = /^\d+_[A-Za-z0-9][A-Za-z0-9_.-]*\.(ts|mts|sql)$/;

/**
 * Where a tenant's migrations live. A migrations folder holding migration files is shared by every tenant (what
 * `byos migrate up --dir DIR --tenants PROFILES` applies); otherwise each tenant has its own folder DIR/<tenant>,
 * as `byos demo` lays them out (its two Chinook tenants spell their tables differently), each one a folder
 * `byos migrate up --dir` takes.
 */
export async function migrationsFolder(ctx: ConsoleContext, tenant: string): Promise<{ dir: string; shared: boolean; shown: string }> {
  const root = ctx.options.migrationsDir;
  if (!root) throw new MigrateInputError('this console was started without a migrations folder: restart it with --migrations DIR');
  const names = existsSync(root) ? await readdir(root) : [];
  const shared = names.some((n) => MIGRATION_FILE.test(n));
  const dir = shared ? root : join(root, tenant);
  // Shown from the migrations folder's parent (`migrations/demo-sqlite`): where it is, without the machine's paths.
  return { dir, shared, shown: relative(dirname(root), dir) };
}

/** The tenant, if the fleet has it (names reach file paths: only the fleet's own are used). */
export async function fleetTenant(ctx: ConsoleContext, name: unknown): Promise<string> {
  if (typeof name !== 'string' || !name) throw new MigrateInputError('name a tenant');
  if (!(await ctx.tenant(name))) throw new MigrateInputError(`no tenant ${JSON.stringify(name)} in the fleet`);
  return name;
}

/** A finding with the dialects it was found on. */
export type ShownFinding = Finding & { dialects: DialectName[] };

export interface SentencePreview {
  sentence: string;
  tenant: string;
  dialect: string;
  folder: string;
  file: string;
  ops: { text: string; op: MigrationOp }[];
  notes: string[];
  dialects: {
    dialect: DialectName;
    error?: string;
    statements: { sql: string; outsideTransaction: boolean }[];
    rollback: { ops: string[]; statements: string[]; irreversible: string | null; lossy: string[] };
  }[];
  findings: ShownFinding[];
  blocking: boolean;
  /** Migrations of the folder not yet applied to this tenant: applying runs them first. */
  pending: string[];
}

function readOps(sentence: string, schema: Parameters<typeof readSentence>[1]) {
  if (!sentence.trim()) throw new MigrateInputError('type a sentence describing the change');
  try {
    return readSentence(sentence, schema);
  } catch (error) {
    if (error instanceof SentenceError) {
      const [first, ...rest] = error.message.split('\n');
      const suggestions = rest.map((l) => l.trim()).filter((l) => l && !/^closest forms/i.test(l));
      throw new MigrateInputError(first!, suggestions);
    }
    throw error;
  }
}

/**
 * What the sentence would do to `tenant`: read against the schema the tenant has once its folder's migrations ran,
 * then planned on every dialect from that schema: the SQL, lint findings, and the rollback's ops and SQL.
 */
export async function previewSentence(ctx: ConsoleContext, sentence: string, tenant: string): Promise<SentencePreview> {
  const folder = await migrationsFolder(ctx, tenant);
  const existing = await folderMigrations(folder.dir);
  return ctx.withTenant(tenant, async (db) => {
    const { model } = await tenantModelAfter(db, existing);
    const { ops, notes } = readOps(sentence, { schema: model, partial: hasRawSql(existing) });
    const migration = { id: nextId(existing), name: slug(sentence), ops };
    const previews = await previewMigration(migration, () => model);
    const findings = new Map<string, ShownFinding>();
    const dialects: SentencePreview['dialects'] = [];
    for (const p of previews) {
      for (const f of p.plan?.findings ?? []) {
        const key = JSON.stringify([f.rule, f.message]);
        const entry = findings.get(key) ?? { ...f, dialects: [] };
        entry.dialects.push(p.dialect);
        findings.set(key, entry);
      }
      dialects.push({
        dialect: p.dialect,
        error: p.error,
        statements: (p.plan?.steps ?? []).flatMap((s) => s.statements.map((x) => ({ sql: x.sql, outsideTransaction: Boolean(x.outsideTransaction) }))),
        rollback: {
          ops: (p.plan?.rollback ?? []).map(describeOp),
          statements: p.plan?.rollback ? await rollbackSql(p.dialect, migration, p.plan.rollback, model) : [],
          irreversible: p.plan?.irreversible ?? null,
          lossy: p.plan?.lossy ?? [],
        },
      });
    }
    const status = await migrationStatus(db, existing);
    return {
      sentence,
      tenant,
      dialect: db.dialect.name,
      folder: folder.shown,
      file: `${migration.id}_${migration.name}.ts`,
      ops: ops.map((op) => ({ text: describeOp(op), op })),
      notes,
      dialects,
      findings: [...findings.values()],
      blocking: [...findings.values()].some((f) => f.severity === 'error'),
      pending: status.filter((r) => r.state === 'pending').map((r) => `${r.id}_${r.name}`),
    };
  });
}

/** The SQL the rollback ops would run, compiled from the schema the migration leaves. */
async function rollbackSql(
  dialect: DialectName,
  migration: { id: string; name: string; ops: MigrationOp[] },
  rollback: MigrationOp[],
  before: import('@byos/runtime').SchemaModel,
) {
  const ctx = migrationContext(await loadDialect(dialect));
  try {
    const after = applyOps(before, migration.ops, ctx.traits);
    return planOne(ctx, { id: migration.id, name: `${migration.name}_down`, ops: rollback }, after).steps.flatMap((s) => s.statements.map((x) => x.sql));
  } catch (error) {
    return [`-- cannot compile the rollback: ${(error as Error).message}`];
  }
}

export interface ApplyOutcome {
  tenant: string;
  status: 'applied' | 'failed';
  /** Migrations that ran, in order (earlier pending ones of the folder included). */
  ran: string[];
  file?: string;
  error?: string;
  findings?: Finding[];
}

/** One line naming the problem. */
const oneLine = (error: unknown) => ((error as Error).message ?? String(error)).split('\n')[0]!;

/**
 * Writes the sentence's migration into each tenant's folder (once for a shared folder) and applies it with the
 * runtime's `migrateUp`, each migration in a transaction with its journal row where the dialect allows. A tenant
 * whose plan has lint errors is refused unless `despiteFindings`; a failure on one tenant is reported and the rest
 * go on. A file no tenant applied is removed again, so a refusal or failure leaves the folder as it was.
 */
export async function applySentence(ctx: ConsoleContext, sentence: string, tenants: string[], despiteFindings: boolean): Promise<ApplyOutcome[]> {
  if (!sentence.trim()) throw new MigrateInputError('type a sentence describing the change');
  if (!tenants.length) throw new MigrateInputError('tick at least one tenant to apply to');
  const groups = new Map<string, string[]>();
  for (const tenant of tenants) {
    const { dir } = await migrationsFolder(ctx, tenant);
    groups.set(dir, [...(groups.get(dir) ?? []), tenant]);
  }
  const outcomes: ApplyOutcome[] = [];
  for (const [dir, members] of groups) {
    let written: { file: string; id: string } | undefined;
    const appliedHere: string[] = [];
    for (const tenant of members) {
      try {
        const outcome = await ctx.withTenant(tenant, async (db) => {
          written ??= await writeFor(db, dir, sentence);
          return applyWritten(db, tenant, dir, written, despiteFindings);
        });
        if (outcome.status === 'applied') appliedHere.push(tenant);
        outcomes.push(outcome);
      } catch (error) {
        outcomes.push({ tenant, status: 'failed', ran: [], error: oneLine(error), file: written?.file });
      }
    }
    if (written && !appliedHere.length) await unlink(written.file).catch(() => undefined);
  }
  return outcomes;
}

/** Reads the sentence against this tenant's schema, checks it compiles on its dialect, and writes the file. */
async function writeFor(db: TenantDb, dir: string, sentence: string): Promise<{ file: string; id: string }> {
  const existing = await folderMigrations(dir);
  const { model, live } = await tenantModelAfter(db, existing);
  const { ops } = readOps(sentence, { schema: model, partial: hasRawSql(existing) });
  const migration = { id: nextId(existing), name: slug(sentence), ops };
  // A migration that cannot compile would fail `migrate up` and stay pending in the folder: not written.
  planOne(migrationContext(db.dialect), migration, model, live);
  return { file: await writeMigration(dir, `${migration.id}_${migration.name}.ts`, sentence, ops), id: migration.id };
}

async function applyWritten(db: TenantDb, tenant: string, dir: string, written: { file: string; id: string }, despiteFindings: boolean): Promise<ApplyOutcome> {
  const migrations = await loadMigrations(dir);
  const plans = await planMigrations(db, migrations, { to: written.id });
  const findings = plans.flatMap((p) => p.findings);
  if (hasBlockingFindings(findings) && !despiteFindings) {
    const errors = findings.filter((f) => f.severity === 'error');
    return {
      tenant,
      status: 'failed',
      ran: [],
      file: written.file,
      findings,
      error: `refused: ${errors.map((f) => `${f.rule} (${f.message.split(';')[0]})`).join('; ')}; tick "apply despite lint findings" to apply anyway`,
    };
  }
  const result = await migrateUp(db, migrations, { to: written.id });
  return { tenant, status: 'applied', ran: result.ran.map((r) => `${r.id}_${r.name}`), file: written.file, findings };
}

export interface TenantMigrations {
  tenant: string;
  folder: string;
  dialect?: string;
  rows: StatusRow[];
  drift: Finding[];
  error?: string;
}

/** Applied, pending, edited or missing migrations of the tenant's folder, and drift (as `byos migrate status|drift`). */
export async function tenantMigrations(ctx: ConsoleContext, tenant: string): Promise<TenantMigrations> {
  const folder = await migrationsFolder(ctx, tenant);
  try {
    const migrations = await folderMigrations(folder.dir);
    return await ctx.withTenant(tenant, async (db) => ({
      tenant,
      folder: folder.shown,
      dialect: db.dialect.name,
      rows: await migrationStatus(db, migrations),
      drift: await detectDrift(db, migrations),
    }));
  } catch (error) {
    return { tenant, folder: folder.shown, rows: [], drift: [], error: oneLine(error) };
  }
}

/** What `up` would run for the pending migrations (as `byos migrate plan`). */
export async function planPending(ctx: ConsoleContext, tenant: string): Promise<(MigrationPlan & { rollbackText: string[] })[]> {
  const { dir } = await migrationsFolder(ctx, tenant);
  const migrations = await folderMigrations(dir);
  return ctx.withTenant(tenant, async (db) => (await planMigrations(db, migrations)).map((p) => ({ ...p, rollbackText: (p.rollback ?? []).map(describeOp) })));
}

/** Applies the pending migrations (as `byos migrate up`), refusing lint errors unless `despiteFindings`. */
export async function applyPending(ctx: ConsoleContext, tenant: string, despiteFindings: boolean): Promise<ApplyOutcome> {
  const { dir } = await migrationsFolder(ctx, tenant);
  const migrations = await folderMigrations(dir);
  try {
    return await ctx.withTenant(tenant, async (db) => {
      const findings = (await planMigrations(db, migrations)).flatMap((p) => p.findings);
      if (hasBlockingFindings(findings) && !despiteFindings) {
        const errors = findings.filter((f) => f.severity === 'error').map((f) => f.rule);
        return {
          tenant,
          status: 'failed',
          ran: [],
          findings,
          error: `refused: lint errors (${errors.join(', ')}); tick "apply despite lint findings" to apply anyway`,
        };
      }
      const result = await migrateUp(db, migrations);
      return { tenant, status: 'applied', ran: result.ran.map((r) => `${r.id}_${r.name}`), findings };
    });
  } catch (error) {
    return { tenant, status: 'failed', ran: [], error: oneLine(error) };
  }
}
