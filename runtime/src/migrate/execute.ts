import { setTimeout as sleep } from 'node:timers/promises';
import { type ControlledTransaction, type Kysely, sql } from 'kysely';
import type { TenantDb } from '../connect.ts';
import type { MigrationOp } from '../contracts/migration-op.ts';
import type { SchemaModel } from '../contracts/schema-model.ts';
import { type Dialect, loadDialect } from '../dialects/index.ts';
import { type CompiledStatement, type MigrationDialect, runCompiledStatement } from '../dialects/migration-dialect.ts';
import { applyOp, type ModelTraits } from './apply-op.ts';
import { invertOp } from './invert-op.ts';
import { withoutJournal } from './journal.ts';

/** What the runner needs of an open tenant database. */
export type MigrationTenant = Pick<TenantDb, 'dialect' | 'db'>;

/** A loaded dialect with its migration compiler. */
export interface MigrationContext {
  dialect: Dialect;
  migrations: MigrationDialect;
  traits: ModelTraits;
}

export async function migrationContext(tenant: Pick<TenantDb, 'dialect'>): Promise<MigrationContext> {
  const dialect = await loadDialect(tenant.dialect);
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

interface Step {
  op: MigrationOp;
  before: SchemaModel;
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
  const begin = async () => {
    if (transactional) trx = await db.startTransaction().execute();
  };
  const done: Step[] = [];
  // How many of `done` a committed transaction holds, and whether the op under way has committed a part.
  let committed = 0;
  let current: Step | null = null;
  let currentCommitted = false;
  let model = implied;
  try {
    await begin();
    for (const op of ops) {
      current = { op, before: model };
      currentCommitted = false;
      const statements = ctx.migrations.compile(op, compileModel(model, await liveModel(ctx, trx ?? db)));
      for (const statement of statements) {
        const alone = statement.outsideTransaction === true || !transactional;
        if (alone) {
          if (trx) await (trx as ControlledTransaction<any>).commit().execute();
          trx = null;
          committed = done.length;
          // Committed from here on, even when it fails half-way (a failed CREATE INDEX CONCURRENTLY leaves its index).
          currentCommitted = true;
          await runStatement(ctx, db, statement, options, false);
          if (transactional) await begin();
        } else {
          await runStatement(ctx, trx ?? db, statement, options, true);
        }
      }
      done.push(current);
      current = null;
      model = applyOp(model, op, ctx.traits);
    }
    await finish(trx ?? db);
    if (trx) await (trx as ControlledTransaction<any>).commit().execute();
    trx = null;
    return model;
  } catch (error) {
    if (trx) await (trx as ControlledTransaction<any>).rollback().execute().catch(() => {});
    const toUndo = [...done.slice(0, transactional ? committed : done.length)];
    const problems = await undo(ctx, db, toUndo, current && currentCommitted ? current : null, options);
    if (problems.length) {
      throw new Error(`${(error as Error).message}\n(undoing the part already committed failed, the schema is left part-way: ${problems.join('; ')})`, { cause: error });
    }
    throw error;
  }
}

/**
 * Undoes committed ops, newest first: the half-done op (best effort: its inverse assumes it finished), then each
 * finished op by its inverse. Returns what could not be undone.
 */
async function undo(ctx: MigrationContext, db: Kysely<any>, done: Step[], partial: Step | null, options: ExecuteOptions): Promise<string[]> {
  const problems: string[] = [];
  const steps = [...(partial ? [partial] : []), ...done.reverse()];
  for (const step of steps) {
    try {
      const after = applyOp(step.before, step.op, ctx.traits);
      await executeOnce(ctx, db, invertOp(step.op, step.before).ops, after, async () => {}, options);
    } catch (error) {
      if (step !== partial) problems.push(`${step.op.op}: ${(error as Error).message}`);
    }
  }
  return problems;
}

async function runStatement(ctx: MigrationContext, db: Kysely<any>, statement: CompiledStatement, options: ExecuteOptions, inTransaction: boolean): Promise<void> {
  const bound = ctx.migrations.lockTimeout;
  if (statement.strongLock && bound && inTransaction) await sql.raw(bound.statement(options.lockTimeoutMs ?? 2000)).execute(db);
  await runCompiledStatement(db, statement);
}
