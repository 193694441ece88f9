import { createHash } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import type { TenantDb } from '../../connect.ts';
import type { Finding } from '../../contracts/finding.ts';
import type { SchemaModel } from '../../contracts/schema-model.ts';
import type { Dialect } from '../../dialects/dialect.ts';
import type { NativeSchema, NativeSchemaDialect, NativeTable, NativeUnit, RunStatement, UnsupportedObject } from '../../dialects/native-schema.ts';
import { machineryIn } from '../../machinery.ts';
import { keepChosenSchemas } from '../schema-choice.ts';
import type { Checkpoint, CheckpointStore } from './checkpoint.ts';
import type { CopyOptions, CopyReport, TableCopyReport } from './copy.ts';
import { CopyRefusedError } from './copy.ts';
import { runScheduled } from './schedule.ts';

/**
 * A same-engine copy that carries the whole database in the engine's own terms (pg_dump's way, from the catalog):
 * every object as the source's catalog deparses it, pre-data in one transaction, then the rows of every table
 * (binary COPY, keyset batches, each with its checkpoint) while each table's indexes and keys are built as soon as
 * it is loaded, then what must wait for all rows (foreign keys, triggers, policies, row security, materialized
 * view refreshes), then the sequences' positions.
 */
export async function cloneDatabase(options: CopyOptions, native: NativeSchemaDialect): Promise<CopyReport> {
  const started = performance.now();
  const { from, to } = options;
  const target = to.dialect;
  const progress = options.onProgress ?? (() => {});
  const store = options.checkpoint!;
  const machinery = machineryIn(target.defaultSchema);
  // The checkpoint table (a plain lower-case name, in the default schema) is machinery too, whatever it is called.
  const whole = await native.read(from.db, {
    ...machinery,
    excludeTables: [...new Set([...machinery.excludeTables, `${target.defaultSchema}.${store.table}`])],
  });
  const { schema, findings: chosen } = chooseSchemas(whole, options);
  const findings = [...chosen, ...(await planFindings(schema, native, to, options))];
  // byos_* tables of the default schema are BYOS's own; one found there is named, not skipped silently.
  for (const table of whole.excluded)
    findings.push({
      rule: 'copy-machinery-left-out',
      severity: 'warning',
      subject: table,
      message: `${table} is BYOS's own (change capture or copy checkpoints) and is not copied; a tenant table must not use that name`,
    });
  progress({ phase: 'plan', findings });
  const refusals = findings.filter((f) => f.severity === 'error');
  if (refusals.length) throw new CopyRefusedError(refusals, acceptableKinds(schema, options));

  const targetModel = await target.introspect(to.db);
  const resuming = store.present(targetModel);
  if (resuming && !options.resume) {
    throw new Error(
      `the target holds the checkpoints of an interrupted copy (table ${store.table}): resume it (resume: true, --resume) or start from an empty database`,
    );
  }
  if (!resuming) {
    const leftovers = (await native.read(to.db)).units.filter((u) => !native.isNewDatabaseObject(u));
    if (leftovers.length) {
      throw new CopyRefusedError([
        {
          rule: 'copy-target-not-empty',
          severity: 'error',
          subject: leftovers
            .slice(0, 5)
            .map((u) => u.name)
            .join(', '),
          message: `the target is not empty (${leftovers.length} objects)`,
          remediation: 'copy into an empty database',
        },
      ]);
    }
    const roles = options.createRoles ? (await native.missing(to.db, schema)).roles : [];
    progress({ phase: 'schema' });
    findings.push(...(await createPreData({ to, target, targetModel, native, schema, store }, native.createRoleStatements(roles))));
  }

  const checkpoints = await store.read(to.db);
  // The catalog's estimate sizes progress and orders the loads: counting every table first is a full pass of its own.
  const totals = new Map(schema.tables.map((t) => [keyOf(t), t.estimatedRows > 0 ? t.estimatedRows : undefined] as const));
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 50_000));
  const counter = { batches: 0 };
  const reports: TableCopyReport[] = [];
  const loaded = new Set(schema.tables.filter((t) => checkpoints.get(keyOf(t))?.done).map(keyOf));
  const done = new Set([...checkpoints.keys()].filter((k) => k.startsWith('post:')));
  const post = [...schema.units.filter((u) => u.section === 'post'), ...statisticsUnits(schema, native)].filter((u) => !done.has(postKey(u)));
  const allLoaded = () => loaded.size === schema.tables.length;
  const rowsReady = (u: NativeUnit) => {
    const need = u.needsRows;
    if (need === '*') return allLoaded();
    return need === undefined || loaded.has(need) || !schema.tables.some((t) => keyOf(t) === need);
  };
  const loads = [...schema.tables].filter((t) => !loaded.has(keyOf(t))).sort((a, b) => b.bytes - a.bytes);
  await runScheduled({
    jobs: Math.max(1, options.jobs ?? 4),
    loads: loads.map((t) => ({
      key: keyOf(t),
      run: async () => {
        const checkpoint: Checkpoint = checkpoints.get(keyOf(t)) ?? { table: keyOf(t), lastKey: null, rows: 0, done: false };
        const label = t.schema === target.defaultSchema ? t.name : t.q;
        reports.push(
          await copyNativeTable({
            from,
            to,
            target,
            store,
            table: t,
            label,
            checkpoint,
            batchSize,
            counter,
            progress: (rows, finished) =>
              progress({ phase: 'load', table: label, rows, totalRows: totals.get(keyOf(t)), batches: counter.batches, tableDone: finished }),
          }),
        );
        loaded.add(keyOf(t));
      },
    })),
    units: post.map((u) => ({
      unit: u,
      ready: () => rowsReady(u),
      run: () => runUnit(to, target, native, store, u),
    })),
    onUnitsStart: () => progress({ phase: 'indexes' }),
  });
  await native.setSequences(
    to.db,
    await native.readSequences(
      from.db,
      schema.sequences.map((s) => s.name),
    ),
  );
  await store.drop(to.db);
  // Judged on the whole source: a copy of some schemas leaves the target's own default schema alone.
  const finish = native.finishStatements(whole);
  if (finish.length) await runStatements(to, target, finish);
  progress({ phase: 'done' });
  reports.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  return {
    from: from.dialect.name,
    to: to.dialect.name,
    tables: reports,
    rows: reports.reduce((n, r) => n + r.rows, 0),
    ms: performance.now() - started,
    resumed: resuming,
    findings,
    objects: { created: schema.units.length, unsupported: schema.unsupported },
  };
}

/**
 * `schemas` / `excludeSchemas`: the units of the chosen schemas (and those of no schema: extensions, casts, servers,
 * global default privileges). An object that needs one left out is refused, naming both.
 */
function chooseSchemas(whole: NativeSchema, options: CopyOptions): { schema: NativeSchema; findings: Finding[] } {
  const schema = keepChosenSchemas(whole, options);
  const kept = new Set(schema.units.map((u) => u.id));
  const findings: Finding[] = [];
  for (const u of schema.units) {
    for (const d of u.deps.filter((x) => !kept.has(x))) {
      const needed = whole.units.find((x) => x.id === d);
      findings.push({
        rule: 'copy-schema-dependency',
        severity: 'error',
        subject: u.name,
        message: `${u.kind} ${u.name} needs ${needed?.kind ?? ''} ${needed?.name ?? d}, in a schema left out`,
        remediation: 'copy that schema too',
      });
    }
  }
  return { schema, findings };
}

/**
 * Planner statistics for each copied table, gathered once its indexes and keys exist (pgcopydb does the same): a
 * fresh copy is otherwise planned blind until autovacuum comes round.
 */
function statisticsUnits(schema: NativeSchema, native: NativeSchemaDialect): NativeUnit[] {
  return schema.tables.map((t) => ({
    id: `analyze:${t.q}`,
    kind: 'statistics',
    schema: t.schema,
    name: t.q,
    table: t.q,
    section: 'post',
    sql: native.statisticsStatements(t),
    roles: [],
    deps: schema.units.filter((u) => u.section === 'post' && u.table === t.q && u.needsRows === t.q).map((u) => u.id),
    needsRows: t.q,
  }));
}

/** Whether an object the reader cannot recreate may be left behind: not a table's rows, not what carried objects need. */
const isAcceptable = (u: UnsupportedObject) => !u.rows && !u.neededBy?.length;

/** The kinds of refused objects the user could accept (the hint of a refusal). */
function acceptableKinds(schema: NativeSchema, options: CopyOptions): string[] {
  const accepted = new Set(options.acceptLoss ?? []);
  return schema.unsupported.filter((u) => isAcceptable(u) && !accepted.has(u.kind) && !accepted.has('all')).map((u) => u.kind);
}

/**
 * What stops a lossless copy before anything is written: objects the reader cannot recreate (unless accepted by
 * kind), roles the grants and policies name that the target lacks (unless created), extensions it cannot install.
 */
async function planFindings(schema: NativeSchema, native: NativeSchemaDialect, to: TenantDb, options: CopyOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const accepted = new Set(options.acceptLoss ?? []);
  for (const u of schema.unsupported) {
    // A table the copy cannot recreate would also lose its rows, and an object that carried ones need would make
    // the copy fail half-way: neither is ever accepted. None of these kinds is a security one: `all` accepts them.
    const needed = u.neededBy ?? [];
    const ok = isAcceptable(u) && (accepted.has(u.kind) || accepted.has('all'));
    const neededBy = needed.length
      ? `, and ${needed.slice(0, 3).join(', ')}${needed.length > 3 ? ` and ${needed.length - 3} more` : ''} cannot be created without it`
      : '';
    findings.push({
      rule: 'copy-object-not-carried',
      severity: ok ? 'warning' : 'error',
      subject: u.name,
      message: `${u.kind} ${u.name} cannot be recreated by the copy${ok ? ' (accepted)' : u.rows ? ', nor its rows' : neededBy}`,
      remediation: ok
        ? undefined
        : u.rows
          ? 'recreate the table with its columns in the order of its parent, then copy'
          : needed.length
            ? 'the copy cannot go without it: remove the dependence on the source, or move this database with pg_dump'
            : `recreate it on the target yourself and accept its loss with --accept-loss "${u.kind}"`,
    });
  }
  const missing = await native.missing(to.db, schema);
  for (const e of missing.extensions) {
    findings.push({
      rule: 'copy-extension-missing',
      severity: 'error',
      subject: e,
      message: `the target cannot install extension ${e}`,
      remediation: `install ${e} on the target server (or pick a provider that offers it)`,
    });
  }
  if (!options.createRoles) {
    for (const role of missing.roles) {
      const users = schema.units.filter((u) => u.roles.includes(role)).map((u) => `${u.kind} ${u.name}`);
      findings.push({
        rule: 'copy-role-missing',
        severity: 'error',
        subject: role,
        message: `the target has no role ${role}, which ${users.slice(0, 3).join(', ')}${users.length > 3 ? ` and ${users.length - 3} more` : ''} name`,
        remediation: `create the role on the target, or let the copy create it without login (createRoles, --create-roles)`,
      });
    }
  }
  return findings;
}

/** Pre-data in one transaction, with the checkpoint records: a copy killed here starts over cleanly. */
async function createPreData(
  ctx: { to: TenantDb; target: Dialect; targetModel: SchemaModel; native: NativeSchemaDialect; schema: NativeSchema; store: CheckpointStore },
  roles: string[],
): Promise<Finding[]> {
  const { to, target, native, schema, store } = ctx;
  return target.bulk.inTransaction(to, async (session) => {
    const warnings = await native.createPreData(runner(session, schema.units), schema, roles);
    for (const statement of target.migrations.compile(store.createOp(), ctx.targetModel)) await session.execute(CompiledQuery.raw(statement.sql));
    for (const table of schema.tables) await session.execute(store.start(to.db, keyOf(table)));
    return warnings;
  });
}

async function runStatements(to: TenantDb, target: Dialect, statements: string[]): Promise<void> {
  await target.bulk.inTransaction(to, async (session) => {
    for (const statement of statements) await session.execute(CompiledQuery.raw(statement));
  });
}

/** One post-data unit and its checkpoint record, in one transaction: a resumed copy skips the units already done. */
async function runUnit(to: TenantDb, target: Dialect, native: NativeSchemaDialect, store: CheckpointStore, unit: NativeUnit): Promise<void> {
  await target.bulk.inTransaction(to, async (session) => {
    await native.createUnit(runner(session, [unit]), unit);
    await session.execute(store.start(to.db, postKey(unit)));
  });
}

/** Statements on the session, a refusal naming the object its statement creates. */
function runner(session: { execute(query: CompiledQuery): Promise<unknown> }, units: NativeUnit[]): RunStatement {
  return async (statement) => {
    await session.execute(CompiledQuery.raw(statement)).catch(failedAt(statement, { units }));
  };
}

/** Names the object whose statement the target refused, with the statement's first line. */
function failedAt(statement: string, schema: { units: NativeUnit[] }) {
  return (error: Error): never => {
    const unit = schema.units.find((u) => u.sql.includes(statement));
    const where = unit ? `${unit.kind.replace(/-/g, ' ')} ${unit.name}` : 'the copy';
    throw new Error(`creating ${where} on the target failed: ${error.message} (statement: ${statement.split('\n')[0]!.slice(0, 200)})`, { cause: error });
  };
}

/** Checkpoint name of a post-data unit (ids can be longer than the record's name column). */
function postKey(unit: NativeUnit): string {
  return `post:${createHash('sha256').update(unit.id).digest('hex').slice(0, 40)}`;
}

const keyOf = (t: NativeTable) => t.q;

interface NativeTableContext {
  from: TenantDb;
  to: TenantDb;
  target: Dialect;
  store: CheckpointStore;
  table: NativeTable;
  /** How reports name the table: bare in the default schema, qualified elsewhere. */
  label: string;
  checkpoint: Checkpoint;
  batchSize: number;
  counter: { batches: number };
  progress: (rows: number, done: boolean) => void;
}

/**
 * One table's rows, server to server: key ranges of `batchSize` rows after the checkpoint's key, each written with
 * its checkpoint in one target transaction; a table without a key goes in one transaction.
 */
async function copyNativeTable(ctx: NativeTableContext): Promise<TableCopyReport> {
  try {
    return await copyNativeRows(ctx);
  } catch (error) {
    throw new Error(`copying the rows of ${ctx.table.q} failed: ${(error as Error).message}`, { cause: error });
  }
}

async function copyNativeRows(ctx: NativeTableContext): Promise<TableCopyReport> {
  const started = performance.now();
  const direct = ctx.target.copy.direct!;
  const state = { ...ctx.checkpoint };
  const resumedAt = state.rows;
  const ref = { schema: ctx.table.schema, name: ctx.table.name, only: true };
  const columns = ctx.table.columns.map((name) => ({ name, type: { kind: 'text' as const } }));
  const key = ctx.table.key.map((name, i) => ({ name, type: { kind: 'text' as const }, cast: ctx.table.keyTypes[i] }));
  let batches = 0;
  while (!state.done) {
    let upTo: unknown[] | null = null;
    let last = true;
    if (key.length) {
      // The key where this range ends, and whether any row lies beyond it (so the last range is not an empty COPY).
      const end = await ctx.target.copy.readPage(ctx.from, { table: ref, columns: key, key, after: state.lastKey, offset: ctx.batchSize - 1, limit: 2 });
      upTo = end.length === 2 ? end[0]! : null;
      last = end.length < 2;
    }
    const next: Checkpoint = { ...state, lastKey: upTo ?? state.lastKey, done: last };
    const copied = await direct.copyPage(
      ctx.from,
      ctx.to,
      {
        table: ref,
        targetTable: { schema: ref.schema, name: ref.name },
        columns,
        key,
        after: state.lastKey,
        upTo,
        format: ctx.table.binary ? 'binary' : 'text',
      },
      async (run, rows) => {
        next.rows = state.rows + rows;
        const query = ctx.store.record(ctx.to.db, next);
        await run(query.sql, query.parameters as unknown[]);
      },
    );
    next.rows = state.rows + copied;
    Object.assign(state, next);
    batches++;
    ctx.counter.batches++;
    ctx.progress(state.rows, state.done);
  }
  return { table: ctx.label, rows: state.rows, batches, method: 'direct', resumedAt, ms: performance.now() - started };
}
