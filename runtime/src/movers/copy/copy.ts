import { CompiledQuery, sql } from 'kysely';
import type { TenantDb } from '../../connect.ts';
import type { DialectName } from '../../contracts/connection-profile.ts';
import type { Finding } from '../../contracts/finding.ts';
import type { MigrationOp } from '../../contracts/migration-op.ts';
import type { SchemaModel } from '../../contracts/schema-model.ts';
import type { Dialect } from '../../dialects/dialect.ts';
import { type Checkpoint, type CheckpointStore, targetTableCheckpoints } from './checkpoint.ts';
import { type CopyPlan, planCopy, type TablePlan } from './plan.ts';
import { copyTable, type TableContext } from './table.ts';
import { cloneDatabase } from './clone.ts';
import { choosesSchemas } from '../schema-choice.ts';
import { MACHINERY_TABLES, machineryIn } from '../../machinery.ts';
import { isRestatedAsLoss, LOSS_RULE, lossFindings, nativeDetailLosses, neutralCopyLosses } from './losses.ts';

export interface CopyProgress {
  /** `plan`: findings known, nothing written yet; `schema`; `load` after each committed batch; `indexes`; `done`. */
  phase: 'plan' | 'schema' | 'load' | 'indexes' | 'done';
  table?: string;
  /** Rows of `table` in the target so far, and the source's count when the copy started. */
  rows?: number;
  totalRows?: number;
  /** Batches committed by this run, over all tables. */
  batches?: number;
  tableDone?: boolean;
  findings?: Finding[];
}

export interface CopyOptions {
  from: TenantDb;
  to: TenantDb;
  /** Table names (or schema.name) to copy; every table by default. */
  tables?: string[];
  /** Tables copied at once (default 4). */
  jobs?: number;
  /** Rows per batch: each batch and its checkpoint commit in one target transaction (default 50 000 from SQLite, 10 000 from a server). */
  batchSize?: number;
  /** Where checkpoints go (default: a table in the target, dropped when the copy completes). */
  checkpoint?: CheckpointStore;
  onProgress?: (progress: CopyProgress) => void;
  /** `create` (default) builds the target schema; `existing` loads into tables already there. */
  schema?: 'create' | 'existing';
  /** Continue an interrupted copy recorded in the target; without it such a target is refused. */
  resume?: boolean;
  /** Use a same-dialect raw path where the dialect has one (Postgres binary COPY). Default true. */
  direct?: boolean;
  /**
   * Between two databases of an engine that can read its own schema in full (Postgres), the copy carries every
   * object in the engine's own terms (`native`, the default when no `tables` subset is asked for); `neutral`
   * forces the translation through the SchemaModel that copies between engines use.
   */
  mode?: 'native' | 'neutral';
  /** Kinds of object whose loss the user accepts (`view`, `trigger`…); any other loss refuses the copy. */
  acceptLoss?: string[];
  /** Create the roles that grants and policies name and the target lacks, without login. */
  createRoles?: boolean;
  /** Native copies: only these schemas (with their objects and rows). */
  schemas?: string[];
  /** Native copies: every schema but these. */
  excludeSchemas?: string[];
}

export interface TableCopyReport {
  table: string;
  rows: number;
  /** Batches this run committed (a resumed table counts only the new ones). */
  batches: number;
  method: 'direct' | 'bulk' | 'one-pass';
  /** Rows already there from an interrupted run. */
  resumedAt: number;
  ms: number;
}

export interface CopyReport {
  from: DialectName;
  to: DialectName;
  tables: TableCopyReport[];
  rows: number;
  ms: number;
  resumed: boolean;
  /** Everything the plan found (lossy types, skipped objects) and any foreign key violation found after the load. */
  findings: Finding[];
  /** A native copy: how many schema objects it created, and what it left behind (accepted). */
  objects?: { created: number; unsupported: { kind: string; name: string }[] };
}

/** A copy the plan refused (an unknown table, a non-empty target…); `findings` says why. */
export class CopyRefusedError extends Error {
  override name = 'CopyRefusedError';
  readonly findings: Finding[];
  /** `acceptable`: the kinds among the refusals a user may accept (by default, those of the loss findings). */
  constructor(
    findings: Finding[],
    acceptable: readonly string[] = findings.filter((f) => f.rule.startsWith(LOSS_RULE)).map((f) => f.rule.slice(LOSS_RULE.length)),
  ) {
    const kinds = [...new Set(acceptable)].join(',');
    const argument = /[\s"']/.test(kinds) ? `"${kinds}"` : kinds;
    const others = findings.length > acceptable.length ? '; the other refusals cannot be accepted' : '';
    const hint = kinds
      ? `\nto copy anyway, accept these losses by kind: --accept-loss ${argument} (every kind but row-security, policy, grant and default-privileges can be accepted at once with all)${others}`
      : '';
    super(`copy refused:\n${findings.map((f) => `  ${f.subject}: ${f.message}`).join('\n')}${hint}`);
    this.findings = findings;
  }
}

/** Plans a copy without writing anything: the target schema and what it changes or loses. */
export async function planDatabaseCopy(
  options: Pick<CopyOptions, 'from' | 'to' | 'tables' | 'schema' | 'checkpoint' | 'resume' | 'acceptLoss'>,
): Promise<CopyPlan & { resuming: boolean; sourceModel: SchemaModel; targetModel: SchemaModel }> {
  const [source, target] = [options.from.dialect, options.to.dialect];
  // The source's objects are what the copy may lose; of the target only its tables matter (a name taken, checkpoints).
  const [sourceModel, targetModel] = await Promise.all([source.introspect(options.from.db), target.introspect(options.to.db, { objects: false })]);
  const store = options.checkpoint ?? targetTableCheckpoints();
  const resuming = store.present(targetModel);
  if (resuming && !options.resume) {
    throw new Error(
      `the target holds the checkpoints of an interrupted copy (table ${store.table}): resume it (resume: true, --resume) or start from an empty database`,
    );
  }
  // BYOS's own tables (change capture, checkpoints) are machinery, not the tenant's: never copied.
  const machinery = new Set([store.table, ...MACHINERY_TABLES]);
  const visible = (model: SchemaModel) => ({ ...model, tables: model.tables.filter((t) => !(t.schema === model.defaultSchema && machinery.has(t.name))) });
  const planned = planCopy(
    {
      source: { model: visible(sourceModel), copy: source.copy },
      // A resumed copy already created its tables: plan them as new, the schema step is skipped (a copy into existing
      // tables plans against them, resumed or not).
      target: {
        dialect: target.name,
        model: resuming && options.schema !== 'existing' ? { ...targetModel, tables: [] } : targetModel,
        copy: target.copy,
        capabilities: target.capabilities,
      },
    },
    { tables: options.tables, schema: options.schema },
  );
  // What the neutral model cannot carry replaces the plan's notes on it, one loss per object, refused until accepted.
  // Where the source reads its own schema in full, the details the neutral model has no words for are named too.
  const native =
    source.native && options.schema !== 'existing'
      ? { native: source.native, schema: await source.native.read(options.from.db, { ...machineryIn(source.defaultSchema), positions: false }) }
      : undefined;
  const losses =
    options.schema === 'existing'
      ? []
      : [...neutralCopyLosses(visible(sourceModel), planned, { schemas: target.capabilities.schemas }), ...nativeDetailLosses(native, planned, sourceModel)];
  const findings = [...planned.findings.filter((f) => !isRestatedAsLoss(f)), ...lossFindings(losses, options.acceptLoss)];
  return { ...planned, findings, resuming, sourceModel, targetModel };
}

/**
 * Copies tables from one database into another, any dialect to any: target schema from the source's SchemaModel
 * (types mapped per docs/type-mapping.md, lossy changes reported first), rows in keyset-paged batches by primary key
 * through the target's bulk loader (or Postgres binary COPY between two Postgres), tables in parallel, indexes and
 * foreign keys after the load, identity counters set past the copied maximum. Every batch commits with its
 * checkpoint, so a copy killed at any point resumes (`resume: true`) without duplicating or skipping a row.
 */
export async function copyDatabase(options: CopyOptions): Promise<CopyReport> {
  const [sourceDialect, targetDialect] = [options.from.dialect, options.to.dialect];
  const native =
    sourceDialect.native &&
    sourceDialect.name === targetDialect.name &&
    options.mode !== 'neutral' &&
    !options.tables &&
    options.schema !== 'existing' &&
    options.direct !== false;
  if (!native && choosesSchemas(options)) {
    const chosen = [...(options.schemas ?? []), ...(options.excludeSchemas ?? []).map((s) => `-${s}`)].join(',');
    throw new CopyRefusedError([
      {
        rule: 'copy-schema-choice',
        severity: 'error',
        subject: chosen,
        message: `schemas are chosen only for a whole copy between two ${sourceDialect.native ? sourceDialect.name : 'Postgres'} databases (not between engines, nor with tables, neutral mode or an existing schema)`,
      },
    ]);
  }
  if (native) {
    return cloneDatabase({ ...options, checkpoint: options.checkpoint ?? targetTableCheckpoints() }, sourceDialect.native);
  }
  const started = performance.now();
  const { from, to } = options;
  const progress = options.onProgress ?? (() => {});
  const store = options.checkpoint ?? targetTableCheckpoints();
  const plan = await planDatabaseCopy({ ...options, checkpoint: store });
  progress({ phase: 'plan', findings: plan.findings });
  const refusals = plan.findings.filter((f) => f.severity === 'error');
  if (refusals.length) throw new CopyRefusedError(refusals);
  const [source, target] = [from.dialect, to.dialect];

  if (!plan.resuming) {
    progress({ phase: 'schema' });
    await naming('creating the tables on the target', () => createSchema(to, target, plan, store, options.schema === 'existing'));
  }
  // The tables as created, for the raw same-engine path only (it needs each column's native type on both sides).
  const targetModel = source.name === target.name && options.direct !== false ? await target.introspect(to.db, { objects: false }) : undefined;
  const checkpoints = await store.read(to.db);
  const strangers = plan.tables.filter((t) => !checkpoints.has(t.target)).map((t) => t.target);
  if (strangers.length) {
    throw new Error(
      `cannot resume: ${strangers.join(', ')} ${strangers.length > 1 ? 'were' : 'was'} not part of the interrupted copy (pass the same tables as before)`,
    );
  }
  // A batch bounds memory where it is read as one page (10,000 rows); a source read in process streams it in short
  // pages, so there it only sets how often a checkpoint commits (50,000, as between two Postgres).
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? (source.copy.readsInProcess ? 50_000 : 10_000)));
  const totals = new Map(await Promise.all(plan.tables.map(async (t) => [t.target, await source.copy.count(from, t.source)] as const)));
  const counter = { batches: 0 };
  const context: Omit<TableContext, 'plan' | 'checkpoint' | 'direct'> = {
    from,
    to,
    source,
    target,
    store,
    batchSize,
    overlapBatches: !plan.resuming && options.schema !== 'existing',
    counter,
    progress: (table, rows, done) => progress({ phase: 'load', table, rows, totalRows: totals.get(table), batches: counter.batches, tableDone: done }),
  };
  await target.copy.beforeLoad(to);
  const reports: TableCopyReport[] = [];
  let violations: string[];
  try {
    // Largest first, so the long tables start early and the short ones fill the gaps.
    const queue = [...plan.tables].sort((a, b) => (totals.get(b.target) ?? 0) - (totals.get(a.target) ?? 0));
    const jobs = Math.max(1, Math.min(options.jobs ?? 4, queue.length || 1));
    await Promise.all(
      Array.from({ length: jobs }, async () => {
        for (let table = queue.shift(); table; table = queue.shift()) {
          const checkpoint: Checkpoint = checkpoints.get(table.target) ?? { table: table.target, lastKey: null, rows: 0, done: false };
          const direct = targetModel && sameNativeTypes(table, plan.sourceModel, targetModel) ? target.copy.direct : undefined;
          reports.push(await copyTable({ ...context, plan: table, checkpoint, direct }));
        }
      }),
    );
  } finally {
    violations = await target.copy.afterLoad(to);
  }
  const findings = [...plan.findings];
  for (const v of violations) findings.push({ rule: 'copy-foreign-key-violation', severity: 'error', subject: v.split(' ')[0] ?? '', message: v });
  for (const table of plan.tables) if (table.identity.length) await target.copy.resetIdentity(to, { name: table.target }, table.identity);
  progress({ phase: 'indexes' });
  await naming('creating indexes and foreign keys on the target', () => runAfterOps(to, target, plan.after, Math.max(1, options.jobs ?? 4)));
  await store.drop(to.db);
  progress({ phase: 'done' });
  reports.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  return {
    from: from.dialect.name,
    to: to.dialect.name,
    tables: reports,
    rows: reports.reduce((n, r) => n + r.rows, 0),
    ms: performance.now() - started,
    resumed: plan.resuming,
    findings,
  };
}

/** Runs one phase of the copy; its failure says which phase failed (the server may have gone away). */
async function naming<T>(phase: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new Error(`${phase} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Tables, enums and the checkpoint records in one transaction: a copy killed here starts over cleanly. */
async function createSchema(
  to: TenantDb,
  target: Dialect,
  plan: CopyPlan & { targetModel: SchemaModel },
  store: CheckpointStore,
  existing: boolean,
): Promise<void> {
  const migrations = target.migrations;
  const ops: MigrationOp[] = [...(existing ? [] : plan.create), store.createOp()];
  const statements = ops.flatMap((op) => migrations.compile(op, plan.targetModel));
  await target.bulk.inTransaction(to, async (session) => {
    for (const statement of statements) await session.execute(CompiledQuery.raw(statement.sql));
    for (const table of plan.tables) await session.execute(store.start(to.db, table.target));
  });
}

/**
 * Indexes, tables in parallel (Postgres 14+ builds CONCURRENTLY indexes on different tables without waiting for each
 * other), then foreign keys one at a time (each locks two tables). Every op runs on its own, outside a transaction
 * where its dialect needs that; ops whose index or constraint already exists are skipped, so a copy killed halfway
 * through them resumes.
 */
async function runAfterOps(to: TenantDb, target: Dialect, ops: MigrationOp[], jobs: number): Promise<void> {
  if (!ops.length) return;
  const migrations = target.migrations;
  const model = await target.introspect(to.db, { objects: false });
  const has = (op: MigrationOp) =>
    (op.op === 'createIndex' &&
      model.tables.some((t) => t.name === op.table && (t.indexes.some((i) => i.name === op.name) || t.uniques.some((u) => u.name === op.name)))) ||
    (op.op === 'addForeignKey' && model.tables.some((t) => t.name === op.table && t.foreignKeys.some((fk) => fk.name === op.foreignKey.name)));
  const run = async (op: MigrationOp) => {
    for (const statement of migrations.compile(op, model)) await sql.raw(statement.sql).execute(to.db);
  };
  const byTable = new Map<string, MigrationOp[]>();
  for (const op of ops.filter((o) => o.op === 'createIndex' && !has(o)))
    byTable.set((op as { table: string }).table, [...(byTable.get((op as { table: string }).table) ?? []), op]);
  const queue = [...byTable.values()];
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(jobs, queue.length)) }, async () => {
      for (let group = queue.shift(); group; group = queue.shift()) for (const op of group) await run(op);
    }),
  );
  for (const op of ops.filter((o) => o.op !== 'createIndex' && !has(o))) await run(op);
}

/** The raw (binary) path needs each column to have the very same native type on both sides. */
function sameNativeTypes(table: TablePlan, sourceModel: SchemaModel, targetModel: SchemaModel): boolean {
  const s = sourceModel.tables.find((t) => t.schema === table.source.schema && t.name === table.source.name);
  const t = targetModel.tables.find((x) => x.schema === targetModel.defaultSchema && x.name === table.target);
  if (!s || !t || sourceModel.dialect !== targetModel.dialect) return false;
  return table.columns.every((c) => {
    const a = s.columns.find((x) => x.name === c.name);
    const b = t.columns.find((x) => x.name === c.name);
    return a !== undefined && b !== undefined && a.nativeType === b.nativeType && !b.generated;
  });
}
