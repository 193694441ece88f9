import type { Kysely } from 'kysely';
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
}
