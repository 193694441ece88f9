import { type Kysely, sql } from 'kysely';
import type { MigrationOp } from '../contracts/migration-op.ts';
import type { SchemaModel } from '../contracts/schema-model.ts';

/** One statement a migration op compiles to. */
export interface CompiledStatement {
  sql: string;
  /**
   * Must run outside the migration's transaction (Postgres `CREATE INDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`
   * after a `NOT VALID` add when the caller wants the short lock only). The runner commits what came before,
   * runs it alone, then opens a new transaction for the rest.
   */
  outsideTransaction?: boolean;
  /** Takes a lock that queues other sessions (ACCESS EXCLUSIVE): the runner sets `lock_timeout` and retries. */
  strongLock?: boolean;
  /**
   * The statement is a query whose rows each hold one more statement in a column named `sql`; those run next, in
   * order, on the same connection and transaction (see runCompiledStatement). SQLite's table rebuild restores the
   * table's triggers and indexes this way: their exact text lives in sqlite_schema, not in the SchemaModel.
   */
  rowsAreStatements?: boolean;
}

/** Runs one compiled statement on `db` (a Kysely handle or an open transaction), expanding `rowsAreStatements`. */
export async function runCompiledStatement(db: Kysely<any>, statement: CompiledStatement): Promise<void> {
  const result = await sql.raw<{ sql: string }>(statement.sql).execute(db);
  if (!statement.rowsAreStatements) return;
  for (const row of result.rows) await sql.raw(row.sql).execute(db);
}

/**
 * How one dialect turns portable ops into SQL and keeps its migration journal. Each dialect implements it in
 * dialects/<name>/migrate/; nothing outside that folder writes that dialect's DDL.
 */
export interface MigrationDialect {
  /** The DDL for `op`, given the schema just before it (SQLite's table rebuild needs the whole table). */
  compile(op: MigrationOp, before: SchemaModel): CompiledStatement[];
  /** Runs `work` holding the dialect's migration lock (advisory lock, `sp_getapplock`, `BEGIN IMMEDIATE`). */
  withMigrationLock<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T>;
  /**
   * How statements marked `strongLock` are kept from queueing everyone behind them: the statement that bounds the
   * wait (`SET LOCAL lock_timeout = '2s'`), and how to recognise the error it raises so the runner can retry.
   * Null where the dialect has no such wait (SQLite takes one database lock up front).
   */
  lockTimeout: { statement(ms: number): string; isTimeout(error: unknown): boolean } | null;
  /**
   * Why `name` cannot name a table or column as written (Postgres keeps 63 bytes and truncates the rest without an
   * error), or null. SQLite has no limit.
   */
  identifierProblem(name: string): string | null;
}
