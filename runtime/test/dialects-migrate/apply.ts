import type { Kysely } from 'kysely';
import { introspect, type TenantDb } from '../../src/index.ts';
import { type MigrationOpInput, parseMigrationOps } from '../../src/contracts/migration-op.ts';
import type { SchemaModel, Table } from '../../src/contracts/schema-model.ts';
import { type CompiledStatement, type MigrationDialect, runCompiledStatement } from '../../src/dialects/migration-dialect.ts';

/**
 * Runs compiled statements the way the runner does: consecutive in-transaction statements in one transaction,
 * each outsideTransaction statement alone, under the dialect's migration lock.
 */
export async function runStatements(db: Kysely<any>, dialect: MigrationDialect, statements: CompiledStatement[]): Promise<void> {
  await dialect.withMigrationLock(db, async () => {
    let batch: CompiledStatement[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const run = batch;
      batch = [];
      await db.transaction().execute(async (trx) => {
        for (const statement of run) await runCompiledStatement(trx, statement);
      });
    };
    for (const statement of statements) {
      if (!statement.outsideTransaction) {
        batch.push(statement);
        continue;
      }
      await flush();
      await runCompiledStatement(db, statement);
    }
    await flush();
  });
}

/**
 * Applies ops one by one, each compiled against the schema just before it. `model` may add what the live schema
 * cannot show (SQLite has no enum types: the runner passes the model the migrations imply).
 */
export async function applyOps(
  tenant: TenantDb,
  dialect: MigrationDialect,
  ops: MigrationOpInput[],
  model: (live: SchemaModel) => SchemaModel = (live) => live,
): Promise<SchemaModel> {
  for (const op of parseMigrationOps(ops)) {
    const before = model(await introspect(tenant));
    await runStatements(tenant.db, dialect, dialect.compile(op, before));
  }
  return introspect(tenant);
}

export function tableOf(model: SchemaModel, name: string): Table {
  const table = model.tables.find((t) => t.name === name);
  if (!table) throw new Error(`no table ${name} in the model (tables: ${model.tables.map((t) => t.name).join(', ')})`);
  return table;
}

export const columnOf = (model: SchemaModel, table: string, column: string) => {
  const found = tableOf(model, table).columns.find((c) => c.name === column);
  if (!found) throw new Error(`no column ${column} in ${table}`);
  return found;
};
