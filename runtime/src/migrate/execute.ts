import { setTimeout as sleep } from 'node:timers/promises';
import { type ControlledTransaction, type Kysely, sql } from 'kysely';
import type { TenantDb } from '../connect.ts';
import type { MigrationOp } from '../contracts/migration-op.ts';
import type { SchemaModel } from '../contracts/schema-model.ts';
import type { Dialect } from '../dialects/index.ts';
import { type CompiledStatement, type MigrationDialect, runCompiledStatement } from '../dialects/migration-dialect.ts';
import { applyOp, type ModelTraits } from './apply-op.ts';
import { invertOp } from './invert-op.ts';
import { classifyTypeChange } from './lint/type-change.ts';
import { describeNeutralType } from '../schema/neutral.ts';
import { withoutJournal } from './journal.ts';

/** What the runner needs of an open tenant database. */
export type MigrationTenant = Pick<TenantDb, 'dialect' | 'db'>;

/** A loaded dialect with its migration compiler. */
export interface MigrationContext {
  dialect: Dialect;
  migrations: MigrationDialect;
  traits: ModelTraits;
}

export function migrationContext(dialect: Dialect): MigrationContext {
  return { dialect, migrations: dialect.migrations, traits: dialect.capabilities };
}

/** The live schema, journal left out. */
export async function liveModel(ctx: MigrationContext, db: Kysely<any>): Promise<SchemaModel> {
  return withoutJournal(await ctx.dialect.introspect(db));
}

/**
 * The schema a compiler sees: the model the migrations imply (declared enums, declared checks, names), with each
 * existing column's native type, default and generated expression, and each named check's text, as the live
 * database spells them, so a SQLite table rebuild re-creates columns exactly as they were.
 */
export function compileModel(implied: SchemaModel, live: SchemaModel | null): SchemaModel {
  if (!live) return implied;
  const model = structuredClone(implied);
  for (const table of model.tables) {
    const there = live.tables.find((t) => t.schema === table.schema && t.name === table.name);
    if (!there) continue;
    for (const column of table.columns) {
      const same = there.columns.find((c) => c.name === column.name);
      if (!same) continue;
      if (column.type.kind !== 'enum') column.nativeType = same.nativeType;
      column.default = same.default;
      column.generated = same.generated;
    }
    for (const check of table.checks) {
      const same = there.checks.find((c) => c.name !== null && c.name === check.name);
      if (same) check.expression = same.expression;
    }
  }
  return model;
}

/** Tunables of a run. */
export interface ExecuteOptions {
  /** Lock wait bound for statements that take a strong lock, where the dialect has one. Default 2000 ms. */
  lockTimeoutMs?: number;
  /** Attempts after a lock timeout, with doubling backoff from `retryDelayMs`. Default 4. */
  retries?: number;
  retryDelayMs?: number;
  /** Called before each retry after a lock timeout. */
  onRetry?: (attempt: number, error: unknown) => void;
  /** The caller accepted that the ops lose data (`down --force-lossy`): no refusal to commit them early. */
  lossesAccepted?: boolean;
}

/**
 * Runs `ops` from the schema `implied` as one migration: one transaction where the dialect has transactional DDL
 * (statements marked outsideTransaction commit what came before, run alone, and a new transaction takes the rest),
 * `finish` (the journal write) in the last transaction. Statements marked strongLock get the dialect's lock timeout
 * first; a lock timeout retries the whole migration with backoff. On failure the open transaction rolls back, and
 * ops already committed in an earlier transaction are undone with their inverses, so schema and journal are as
 * they were. Returns the model after the ops.
 */
export async function executeMigration(
  ctx: MigrationContext,
  db: Kysely<any>,
  ops: readonly MigrationOp[],
  implied: SchemaModel,
  finish: (db: Kysely<any>) => Promise<void>,
  options: ExecuteOptions = {},
): Promise<SchemaModel> {
  const retries = options.retries ?? 4;
  for (let attempt = 0; ; attempt++) {
    try {
      return await executeOnce(ctx, db, ops, implied, finish, options);
    } catch (error) {
      const timeout = ctx.migrations.lockTimeout?.isTimeout(error) ?? false;
      if (!timeout || attempt >= retries) throw error;
      options.onRetry?.(attempt + 1, error);
      await sleep((options.retryDelayMs ?? 200) * 2 ** attempt);
    }
  }
}

/** One op under way: how many of its statements ran, and how many of those a commit made permanent. */
interface Step {
  op: MigrationOp;
  before: SchemaModel;
  total: number;
  executed: number;
  committed: number;
  /** A statement of it ran outside any transaction, even if it failed (a failed CREATE INDEX CONCURRENTLY leaves an invalid index). */
  outside: boolean;
}

async function executeOnce(
  ctx: MigrationContext,
  db: Kysely<any>,
  ops: readonly MigrationOp[],
  implied: SchemaModel,
  finish: (db: Kysely<any>) => Promise<void>,
  options: ExecuteOptions,
): Promise<SchemaModel> {
  const transactional = ctx.dialect.capabilities.transactionalDdl;
  let trx: ControlledTransaction<any> | null = null;
  // Once the open transaction holds a strong lock (after an ADD COLUMN), re-reading the live schema would keep
  // writers queued behind it for the whole read: later ops of that transaction compile against the schema read
  // before, plus what the plan says the earlier ops did.
  let holdsStrongLock = false;
  let live: SchemaModel | null = null;
  const begin = async () => {
    if (transactional) trx = await db.startTransaction().execute();
    const pin = ctx.migrations.rawSql.pinLexicon;
    if (trx && pin) await sql.raw(pin).execute(trx);
    holdsStrongLock = false;
  };
  const steps: Step[] = [];
  const commitAll = () => steps.forEach((s) => (s.committed = s.executed));
  let model = implied;
  try {
    await begin();
    for (const op of ops) {
      if (!holdsStrongLock || !live) live = await liveModel(ctx, trx ?? db);
      const statements = ctx.migrations.compile(op, compileModel(model, live));
      const step: Step = { op, before: model, total: statements.length, executed: 0, committed: 0, outside: false };
      steps.push(step);
      for (const statement of statements) {
        if (statement.outsideTransaction === true || !transactional) {
          if (trx && !options.lossesAccepted) assertSafeToCommitEarly(steps, statement);
          if (trx) await (trx as ControlledTransaction<any>).commit().execute();
          trx = null;
          commitAll();
          step.outside = true;
          await runStatement(ctx, db, statement, options, false);
          step.executed++;
          commitAll();
          if (transactional) await begin();
        } else {
          await runStatement(ctx, trx ?? db, statement, options, true);
          step.executed++;
          if (statement.strongLock) holdsStrongLock = true;
        }
      }
      model = applyOp(model, op, ctx.traits);
    }
    await finish(trx ?? db);
    if (trx) await (trx as ControlledTransaction<any>).commit().execute();
    trx = null;
    return model;
  } catch (error) {
    if (trx)
      await (trx as ControlledTransaction<any>)
        .rollback()
        .execute()
        .catch(() => {});
    const problems = await undo(ctx, db, steps, options);
    if (problems.length) {
      throw new Error(`${(error as Error).message}\n(undoing the part already committed failed, the schema is left part-way: ${problems.join('; ')})`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * A statement that must run outside the transaction commits the ops before it. Should a later op then fail, those
 * are undone by their inverses, and an op that destroyed data (a dropped column comes back empty, a narrowed column
 * does not get its cut values back, raw SQL may do anything) cannot be undone faithfully: such a migration is
 * refused before anything commits.
 */
function assertSafeToCommitEarly(steps: readonly Step[], statement: CompiledStatement): void {
  for (const step of steps) {
    const problem = destroyedData(step.op, step.before);
    if (problem) {
      throw new Error(
        `refusing to run "${statement.sql.slice(0, 80)}" outside the transaction after a ${step.op.op} op that cannot be undone faithfully ` +
          `(${problem}): if a later step failed, the migration could not be rolled back. Put the ${step.op.op} in a migration of its own.`,
      );
    }
  }
}

/** What an op destroys that its inverse would not bring back, or null. */
function destroyedData(op: MigrationOp, before: SchemaModel): string | null {
  switch (op.op) {
    case 'dropTable':
      return `the rows of ${op.table}`;
    case 'dropColumn':
      return `the values of ${op.table}.${op.column}`;
    case 'sql':
      return 'raw SQL, whose effect on data the runner cannot know';
    case 'alterColumnType': {
      const column = before.tables.find((t) => t.name === op.table)?.columns.find((c) => c.name === op.column);
      const change = column ? classifyTypeChange(column.type, op.type) : 'convert';
      return change === 'narrow' || change === 'convert' ? `values of ${op.table}.${op.column} converted to ${describeNeutralType(op.type)}` : null;
    }
    default:
      return null;
  }
}

/**
 * After a failure, undoes what a commit made permanent, newest first: an op committed whole by its inverse; an op
 * committed in part (a NOT VALID constraint whose VALIDATE failed, an index whose concurrent build failed) by
 * dropping whatever its table now has, by name, that it did not have before. Returns what could not be undone.
 */
async function undo(ctx: MigrationContext, db: Kysely<any>, steps: Step[], options: ExecuteOptions): Promise<string[]> {
  const problems: string[] = [];
  for (const step of [...steps].reverse()) {
    const whole = step.total > 0 && step.committed === step.total;
    if (!whole && step.committed === 0 && !step.outside) continue;
    try {
      if (whole) {
        await executeOnce(ctx, db, invertOp(step.op, step.before).ops, applyOp(step.before, step.op, ctx.traits), async () => {}, options);
      } else {
        const live = await liveModel(ctx, db);
        const cleanup = leftovers(live, step.before, 'table' in step.op ? step.op.table : null);
        if (cleanup.length) await executeOnce(ctx, db, cleanup, live, async () => {}, options);
      }
    } catch (error) {
      problems.push(`${step.op.op}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Drops for the named indexes and constraints `table` has in `live` but not in `expected`. */
function leftovers(live: SchemaModel, expected: SchemaModel, table: string | null): MigrationOp[] {
  const now = live.tables.find((t) => t.schema === live.defaultSchema && t.name === table);
  if (!table || !now) return [];
  const was = expected.tables.find((t) => t.schema === expected.defaultSchema && t.name === table);
  const had = (kind: 'indexes' | 'uniques' | 'checks' | 'foreignKeys', name: string | null) =>
    name === null || (was?.[kind] as { name: string | null }[] | undefined)?.some((x) => x.name === name);
  return [
    ...now.foreignKeys.filter((f) => !had('foreignKeys', f.name)).map((f): MigrationOp => ({ op: 'dropForeignKey', table, name: f.name! })),
    ...now.checks.filter((c) => !had('checks', c.name)).map((c): MigrationOp => ({ op: 'dropCheck', table, name: c.name! })),
    ...now.uniques.filter((u) => !had('uniques', u.name)).map((u): MigrationOp => ({ op: 'dropUnique', table, name: u.name! })),
    ...now.indexes.filter((i) => !had('indexes', i.name)).map((i): MigrationOp => ({ op: 'dropIndex', table, name: i.name })),
  ];
}

async function runStatement(
  ctx: MigrationContext,
  db: Kysely<any>,
  statement: CompiledStatement,
  options: ExecuteOptions,
  inTransaction: boolean,
): Promise<void> {
  const bound = ctx.migrations.lockTimeout;
  if (statement.strongLock && bound && inTransaction) await sql.raw(bound.statement(options.lockTimeoutMs ?? 2000)).execute(db);
  await runCompiledStatement(db, statement);
}
