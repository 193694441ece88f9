import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { MigrationOp } from '../contracts/migration-op.ts';
import type { SchemaModel } from '../contracts/schema-model.ts';
import { applyOps, emptyModel } from './apply-op.ts';
import { type ExecuteOptions, executeMigration, liveModel, type MigrationContext, migrationContext, type MigrationTenant } from './execute.ts';
import { compareIds, type Migration } from './files.ts';
import { invertOps, IrreversibleOpError, type Loss } from './invert-op.ts';
import { findTransactionControl } from './lint/transaction-control.ts';
import { ensureJournal, journalExists, type JournalEntry, readBaseline, readJournal, recordApplied, recordBaseline, recordReverted } from './journal.ts';

/** Refused before anything ran: an edited or missing applied migration, an out-of-order one, a lossy or impossible down. */
export class MigrationRefusedError extends Error {
  override name = 'MigrationRefusedError';
}

/** One migration that failed, with the file it came from; the schema and journal are as they were before it. */
export class MigrationFailedError extends Error {
  override name = 'MigrationFailedError';
  readonly migration: string;
  constructor(migration: Migration, cause: unknown) {
    super(`migration ${label(migration)} failed and was rolled back: ${(cause as Error).message}`, { cause });
    this.migration = migration.id;
  }
}

export interface RunOptions extends ExecuteOptions {
  /** `up`: apply up to and including this id. `down`: revert every migration after this id (`0` reverts all). */
  to?: string;
  /** `down` runs inverses that lose data (it says what) only with this. */
  forceLossy?: boolean;
  /** Called before each migration runs. */
  onMigration?: (migration: Migration, direction: 'up' | 'down') => void;
}

export interface RunResult {
  /** Migrations applied (up) or reverted (down), in the order they ran. */
  ran: { id: string; name: string; durationMs: number }[];
  /** `down` with forceLossy: what the inverses destroyed, counted just before they ran. */
  lost?: string[];
}

export type MigrationState = 'applied' | 'pending' | 'edited' | 'missing';

export interface StatusRow {
  id: string;
  name: string;
  state: MigrationState;
  appliedAt: string | null;
}

export const label = (m: Pick<Migration, 'id' | 'name'>) => `${m.id}_${m.name}`;

/** The journal (created if missing), checked against the files: every applied migration present and unchanged. */
async function checkedJournal(db: Kysely<any>, migrations: readonly Migration[]): Promise<JournalEntry[]> {
  await ensureJournal(db);
  const applied = await readJournal(db);
  for (const entry of applied) {
    const file = migrations.find((m) => compareIds(m.id, entry.id) === 0);
    if (!file) throw new MigrationRefusedError(`migration ${entry.id}_${entry.name} is applied (${entry.appliedAt}) but its file is missing from the folder`);
    if (file.checksum !== entry.checksum) {
      throw new MigrationRefusedError(
        `migration ${label(file)} was edited after it was applied (checksum ${entry.checksum.slice(0, 12)}… recorded, ${file.checksum.slice(0, 12)}… now, ${file.file}): ` +
          'restore the file as it was, and write a new migration for the change',
      );
    }
  }
  const last = applied.at(-1);
  if (last) {
    const late = migrations.find((m) => compareIds(m.id, last.id) < 0 && !applied.some((a) => compareIds(a.id, m.id) === 0));
    if (late)
      throw new MigrationRefusedError(
        `migration ${label(late)} is older than the last applied one (${last.id}_${last.name}) but was never applied: give it an id after ${last.id}`,
      );
  }
  return applied;
}

/** The schema the given migrations imply, from the baseline (or an empty database when there is none). */
export function impliedModel(
  ctx: Pick<MigrationContext, 'dialect' | 'traits'>,
  migrations: readonly Migration[],
  baseline: SchemaModel | null = null,
): SchemaModel {
  let model = baseline ?? emptyModel(ctx.dialect.name, ctx.dialect.defaultSchema);
  for (const m of migrations) {
    try {
      model = applyOps(model, m.ops, ctx.traits);
    } catch (error) {
      throw new MigrationRefusedError(`migration ${label(m)}: ${(error as Error).message}`);
    }
  }
  return model;
}

/**
 * Where the implied schema starts: the recorded baseline; or, for a database no migration has touched yet, its live
 * schema when it has one (an existing database being adopted); or nothing.
 */
export async function startingModel(ctx: MigrationContext, db: Kysely<any>, appliedCount: number): Promise<SchemaModel | null> {
  const baseline = await readBaseline(db);
  if (baseline || appliedCount > 0) return baseline;
  const live = await liveModel(ctx, db);
  return live.tables.length || live.views.length || live.enums.length || live.domains.length ? live : null;
}

/** `--to` must name a migration of the folder (or `0`, before the first, for down). */
export function checkTarget(migrations: readonly Migration[], to: string | undefined, allowZero: boolean): void {
  if (to === undefined) return;
  if (!/^\d+$/.test(to)) throw new MigrationRefusedError(`--to ${to}: a migration id is its leading digits (such as 0003)`);
  if (allowZero && BigInt(to) === 0n) return;
  if (!migrations.some((m) => compareIds(m.id, to) === 0))
    throw new MigrationRefusedError(`--to ${to}: no migration has that id (ids: ${migrations.map((m) => m.id).join(', ') || 'none'})`);
}

const isApplied = (applied: readonly JournalEntry[], m: Migration) => applied.some((a) => compareIds(a.id, m.id) === 0);

/**
 * Applies pending migrations in id order (up to `to`), holding the dialect's migration lock so two runners never
 * apply at once: the second waits, then finds the journal already written. Each migration runs in one
 * transaction with its journal row where the dialect allows; one that fails is rolled back and stops the run.
 */
export async function migrateUp(tenant: MigrationTenant, migrations: readonly Migration[], options: RunOptions = {}): Promise<RunResult> {
  const ctx = migrationContext(tenant.dialect);
  checkTarget(migrations, options.to, false);
  return ctx.migrations.withMigrationLock(tenant.db, async () => {
    const applied = await checkedJournal(tenant.db, migrations);
    const baseline = await startingModel(ctx, tenant.db, applied.length);
    const pending = migrations.filter((m) => !isApplied(applied, m) && (options.to === undefined || compareIds(m.id, options.to) <= 0));
    for (const m of pending) await assertNoTransactionControl(ctx, m, m.ops, 'up');
    // An adopted database: its schema before the first migration is kept, so drift and down know where it started.
    if (baseline && pending.length) await recordBaseline(tenant.db, baseline);
    let model = impliedModel(
      ctx,
      migrations.filter((m) => isApplied(applied, m)),
      baseline,
    );
    const ran: RunResult['ran'] = [];
    for (const m of pending) {
      options.onMigration?.(m, 'up');
      const started = performance.now();
      try {
        model = await executeMigration(
          ctx,
          tenant.db,
          m.ops,
          model,
          (db) =>
            recordApplied(db, {
              id: m.id,
              name: m.name,
              checksum: m.checksum,
              appliedAt: new Date().toISOString(),
              durationMs: Math.round(performance.now() - started),
              dialect: ctx.dialect.name,
            }),
          options,
        );
      } catch (error) {
        throw error instanceof MigrationRefusedError ? error : new MigrationFailedError(m, error);
      }
      ran.push({ id: m.id, name: m.name, durationMs: Math.round(performance.now() - started) });
    }
    return { ran };
  });
}

/**
 * Each migration runs in one transaction with its journal row, and a failure rolls it back. Raw SQL that commits,
 * rolls back or opens a transaction itself (or runs VACUUM, which cannot run inside one) would break that: what
 * ran before its COMMIT would stay while the run reports a rollback. Refused before anything of the run executes.
 */
async function assertNoTransactionControl(ctx: MigrationContext, m: Migration, ops: readonly MigrationOp[], direction: 'up' | 'down'): Promise<void> {
  for (const [i, op] of ops.entries()) {
    // A down step is the inverse ops: a SQL migration's inverse is an `sql` op whose up text is its down section.
    const text = op.op === 'sql' ? op.up[ctx.dialect.name] : undefined;
    if (!text) continue;
    const [first] = findTransactionControl(text, ctx.migrations.rawSql);
    if (!first) continue;
    const where =
      m.kind === 'sql'
        ? `${m.file} line ${await lineInFile(m.file, text, first.line)}`
        : `${m.file}, op ${i + 1} (sql), line ${first.line} of its ${direction} text`;
    const problem = /^vacuum/i.test(first.statement)
      ? `${first.statement} cannot run inside the transaction the runner wraps each migration in`
      : `${first.statement} controls the transaction the runner wraps each migration in, so a later failure could not be rolled back`;
    throw new MigrationRefusedError(`migration ${label(m)} (${where}): ${problem}; remove it (nothing was run)`);
  }
}

/** The line of the file where `line` of `section` (text the loader cut from it) falls. */
async function lineInFile(file: string, section: string, line: number): Promise<number> {
  const whole = (await readFile(file, 'utf8').catch(() => '')).split(/\r?\n/).join('\n');
  const at = whole.indexOf(section);
  return at < 0 ? line : whole.slice(0, at).split('\n').length - 1 + line;
}

/** One migration's way back. */
export interface DownStep {
  migration: Migration;
  ops: ReturnType<typeof invertOps>['ops'];
  /** What running it loses, in plain words, with row counts when a database was at hand. */
  lossy: string[];
  losses: Loss[];
  /** The schema before the migration (what its inverse leads back to). */
  before: SchemaModel;
}

/** The inverses that revert `toRevert` (newest first), each computed from the schema the migrations before it imply. */
export function downSteps(
  ctx: Pick<MigrationContext, 'dialect' | 'traits'>,
  migrations: readonly Migration[],
  toRevert: readonly Migration[],
  baseline: SchemaModel | null = null,
): DownStep[] {
  return [...toRevert]
    .sort((a, b) => compareIds(b.id, a.id))
    .map((m) => {
      const before = impliedModel(
        ctx,
        migrations.filter((x) => compareIds(x.id, m.id) < 0),
        baseline,
      );
      try {
        const inverse = invertOps(m.ops, before, ctx.traits);
        return { migration: m, ops: inverse.ops, lossy: inverse.lossy, losses: inverse.losses, before };
      } catch (error) {
        if (error instanceof IrreversibleOpError) throw new MigrationRefusedError(`migration ${label(m)} cannot be reverted: ${error.message}`);
        throw error;
      }
    });
}

/**
 * Says how much each loss would destroy (`drops column customers.email and its 3,412 values`), leaving out what
 * destroys nothing now: a column with no value, a table with no row, an enum value no row holds. What cannot be
 * counted (a table that only an earlier step of the same down re-creates) is kept, in the inverse's own words.
 */
export async function countLosses(db: Kysely<any>, step: DownStep): Promise<string[]> {
  const count = async (table: string, where?: (q: any) => any): Promise<number> => {
    let query: any = db.selectFrom(table).select((eb: any) => eb.fn.countAll().as('n'));
    if (where) query = where(query);
    return Number((await query.executeTakeFirst())?.n ?? 0);
  };
  const n = (value: number, one: string, many: string) => `${value.toLocaleString('en-US')} ${value === 1 ? one : many}`;
  const out: string[] = [];
  for (const [i, loss] of step.losses.entries()) {
    try {
      if (loss.kind === 'table') {
        const rows = await count(loss.table);
        if (rows) out.push(`drops table ${loss.table} and its ${n(rows, 'row', 'rows')}`);
      } else if (loss.kind === 'column') {
        const values = await count(loss.table, (q) => q.where(loss.column, 'is not', null));
        if (values) out.push(`drops column ${loss.table}.${loss.column} and its ${n(values, 'value', 'values')}`);
      } else if (loss.kind === 'narrow') {
        const values = await count(loss.table, (q) => q.where(loss.column, 'is not', null));
        if (values)
          out.push(
            `narrows ${loss.table}.${loss.column} back from ${loss.from} to ${loss.to}: ${n(values, 'value', 'values')} must fit or the change fails or cuts them`,
          );
      } else {
        let holding = 0;
        for (const c of loss.columns) holding += await count(c.table, (q) => q.where(c.column, '=', loss.value));
        if (holding) out.push(`removes value ${loss.value} from enum ${loss.enum}, held by ${n(holding, 'row', 'rows')}`);
      }
    } catch {
      out.push(step.lossy[i]!);
    }
  }
  return out;
}

/**
 * Reverts applied migrations newest first, down to `to` (default: the last one only; `0` reverts all), each by the
 * inverses of its ops (a SQL migration by its down section). Refuses before touching anything when an inverse
 * would lose data, unless `forceLossy`, saying what would be lost.
 */
export async function migrateDown(tenant: MigrationTenant, migrations: readonly Migration[], options: RunOptions = {}): Promise<RunResult> {
  const ctx = migrationContext(tenant.dialect);
  checkTarget(migrations, options.to, true);
  return ctx.migrations.withMigrationLock(tenant.db, async () => {
    const applied = await checkedJournal(tenant.db, migrations);
    const appliedMigrations = migrations.filter((m) => isApplied(applied, m));
    const toRevert = options.to === undefined ? appliedMigrations.slice(-1) : appliedMigrations.filter((m) => compareIds(m.id, options.to!) > 0);
    const baseline = await readBaseline(tenant.db);
    const steps = downSteps(ctx, migrations, toRevert, baseline);
    for (const step of steps) await assertNoTransactionControl(ctx, step.migration, step.ops, 'down');
    const losses: string[] = [];
    for (const step of steps) for (const loss of await countLosses(tenant.db, step)) losses.push(`${label(step.migration)}: ${loss}`);
    if (losses.length && !options.forceLossy)
      throw new MigrationRefusedError(`down would lose data (rerun with --force-lossy to accept):\n  - ${losses.join('\n  - ')}`);
    const ran: RunResult['ran'] = [];
    let model = impliedModel(ctx, appliedMigrations, baseline);
    for (const step of steps) {
      options.onMigration?.(step.migration, 'down');
      const started = performance.now();
      try {
        // A down that destroys data ran past --force-lossy: the loss is accepted, also if a later step fails.
        model = await executeMigration(ctx, tenant.db, step.ops, model, (db) => recordReverted(db, step.migration.id), { ...options, lossesAccepted: true });
      } catch (error) {
        throw new MigrationFailedError(step.migration, error);
      }
      ran.push({ id: step.migration.id, name: step.migration.name, durationMs: Math.round(performance.now() - started) });
    }
    return { ran, ...(losses.length ? { lost: losses } : {}) };
  });
}

/** Every migration in the folder or the journal, with its state. */
export async function migrationStatus(tenant: MigrationTenant, migrations: readonly Migration[]): Promise<StatusRow[]> {
  const applied = (await journalExists(tenant.db)) ? await readJournal(tenant.db) : [];
  const rows: StatusRow[] = migrations.map((m) => {
    const entry = applied.find((a) => compareIds(a.id, m.id) === 0);
    return { id: m.id, name: m.name, state: !entry ? 'pending' : entry.checksum === m.checksum ? 'applied' : 'edited', appliedAt: entry?.appliedAt ?? null };
  });
  for (const entry of applied) {
    if (!migrations.some((m) => compareIds(m.id, entry.id) === 0)) rows.push({ id: entry.id, name: entry.name, state: 'missing', appliedAt: entry.appliedAt });
  }
  return rows.sort((a, b) => compareIds(a.id, b.id));
}
