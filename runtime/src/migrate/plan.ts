import type { Finding } from '../contracts/finding.ts';
import type { MigrationOp } from '../contracts/migration-op.ts';
import type { SchemaModel } from '../contracts/schema-model.ts';
import type { CompiledStatement } from '../dialects/migration-dialect.ts';
import { diffNeutral } from '../schema/neutral.ts';
import { applyOp } from './apply-op.ts';
import { compileModel, liveModel, type MigrationContext, migrationContext, type MigrationTenant } from './execute.ts';
import { compareIds, type Migration } from './files.ts';
import { invertOps, IrreversibleOpError } from './invert-op.ts';
import { journalExists, readJournal } from './journal.ts';
import { lintCapabilities, lintOps } from './lint/index.ts';
import { checkTarget, impliedModel, label, startingModel } from './runner.ts';

/** What `up` would do for one pending migration, on one tenant's dialect. */
export interface MigrationPlan {
  id: string;
  name: string;
  /** The SQL per op, in order, as this dialect's compiler writes it. */
  steps: { op: MigrationOp; statements: CompiledStatement[] }[];
  /** The ops `down` would run to undo it, or null with `irreversible` saying why. */
  rollback: MigrationOp[] | null;
  irreversible: string | null;
  /** What the rollback would lose, in plain words. */
  lossy: string[];
  /** Lint findings (safety analysis of the ops and the compiled SQL). */
  findings: Finding[];
}

/**
 * Plans the migrations not yet applied (up to `to`) for this tenant: each one's SQL, rollback and lint findings,
 * compiled against the schema the earlier migrations imply, with the live spelling of existing columns. Touches
 * nothing.
 */
export async function planMigrations(tenant: MigrationTenant, migrations: readonly Migration[], options: { to?: string } = {}): Promise<MigrationPlan[]> {
  checkTarget(migrations, options.to, false);
  const ctx = migrationContext(tenant.dialect);
  const applied = await appliedIds(tenant);
  const live = await liveModel(ctx, tenant.db);
  const pending = migrations.filter((m) => !applied.has(BigInt(m.id)) && (options.to === undefined || compareIds(m.id, options.to) <= 0));
  let model = impliedModel(
    ctx,
    migrations.filter((m) => applied.has(BigInt(m.id))),
    await startingModel(ctx, tenant.db, applied.size),
  );
  const plans: MigrationPlan[] = [];
  for (const m of pending) {
    const plan = planOne(ctx, m, model, live);
    plans.push(plan);
    for (const op of m.ops) model = applyOp(model, op, ctx.traits);
  }
  return plans;
}

/**
 * One migration's plan from the schema `before`, without a database: `live` (if given) supplies how existing
 * columns are spelled. Used by `plan` and by the migration builder's preview.
 */
export function planOne(ctx: MigrationContext, m: Pick<Migration, 'id' | 'name' | 'ops'>, before: SchemaModel, live: SchemaModel | null = null): MigrationPlan {
  const steps: MigrationPlan['steps'] = [];
  let model = before;
  for (const [at, op] of m.ops.entries()) {
    try {
      steps.push({ op, statements: ctx.migrations.compile(op, compileModel(model, live)) });
      model = applyOp(model, op, ctx.traits);
    } catch (error) {
      throw new Error(`migration ${label(m)}, op ${at + 1} (${op.op}): ${(error as Error).message}`, { cause: error });
    }
  }
  let rollback: MigrationOp[] | null = null;
  let irreversible: string | null = null;
  let lossy: string[] = [];
  try {
    const inverse = invertOps(m.ops, before, ctx.traits);
    rollback = inverse.ops;
    lossy = inverse.lossy;
  } catch (error) {
    if (!(error instanceof IrreversibleOpError)) throw error;
    irreversible = error.message;
  }
  const findings = lintOps(m.ops, {
    dialect: ctx.dialect.name,
    before,
    statements: steps.flatMap((s) => s.statements),
    capabilities: lintCapabilities({ capabilities: ctx.dialect.capabilities, migrations: ctx.migrations }),
    rawSql: ctx.migrations.rawSql,
  }).map((f) => ({ ...f, subject: `${label(m)}: ${f.subject}` }));
  return { id: m.id, name: m.name, steps, rollback, irreversible, lossy, findings };
}

async function appliedIds(tenant: MigrationTenant): Promise<Set<bigint>> {
  if (!(await journalExists(tenant.db))) return new Set();
  return new Set((await readJournal(tenant.db)).map((e) => BigInt(e.id)));
}

/**
 * Drift: where the live schema differs from the one the applied migrations imply, on the neutral parts (see
 * schema/neutral.ts), one finding per difference naming the table or `table.column`. On a dialect without native
 * enums an enum column is compared as the text column it is stored as.
 */
export async function detectDrift(tenant: MigrationTenant, migrations: readonly Migration[]): Promise<Finding[]> {
  const ctx = migrationContext(tenant.dialect);
  const applied = await appliedIds(tenant);
  const unknown = [...applied].filter((id) => !migrations.some((m) => BigInt(m.id) === id));
  const implied = impliedModel(
    ctx,
    migrations.filter((m) => applied.has(BigInt(m.id))),
    await startingModel(ctx, tenant.db, applied.size),
  );
  const live = await liveModel(ctx, tenant.db);
  const findings: Finding[] = unknown.map((id) => ({
    rule: 'migration-missing',
    severity: 'error',
    subject: String(id),
    message: `migration ${id} is in the journal but not in the folder, so the implied schema leaves it out`,
  }));
  for (const line of diffNeutral(implied, live, { nativeEnums: ctx.traits.enums })) {
    const colon = line.indexOf(': ');
    findings.push({
      rule: 'schema-drift',
      severity: 'error',
      subject: line.slice(0, colon),
      // diffNeutral puts the implied side on the left.
      message: driftMessage(line.slice(colon + 2)),
      remediation: 'write a migration for the change, or undo the change made outside the migrations',
    });
  }
  return findings;
}

/** A diffNeutral line (migrations on the left, database on the right) in the words of drift. */
function driftMessage(text: string): string {
  if (text.endsWith('only on the left'))
    return `${text.slice(0, -'only on the left'.length)}expected by the migrations but missing from the database`.replace(/^: /, '');
  if (text.endsWith('only on the right')) return `${text.slice(0, -'only on the right'.length)}in the database but not in the migrations`.replace(/^: /, '');
  return `${text} (migrations vs database)`;
}
