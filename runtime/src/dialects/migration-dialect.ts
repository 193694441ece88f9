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

/**
 * How one dialect's SQL text is split into tokens: the quoting and comments that hide a word from the server. The
 * lint tokenizer (migrate/lint/sql-tokens.ts) follows it, so `'commit'`, `-- commit` and `$$ … COMMIT … $$` are text.
 */
export interface SqlLexicon {
  /** `$tag$ … $tag$` strings (Postgres). */
  dollarQuotes: boolean;
  /** `E'…'` strings, where a backslash escapes the next character (Postgres). */
  escapeStrings: boolean;
  /** Block comments nest: a `/*` inside one opens another, which must close first (Postgres, SQL Server). */
  nestedComments: boolean;
  /** `[name]` quoting: `plain` ends at the first `]` (SQLite), `doubled` reads `]]` as `]` (SQL Server). */
  bracketNames: 'none' | 'plain' | 'doubled';
  /** `` `name` `` quoting (SQLite). */
  backtickNames: boolean;
  /** A `--` comment also ends at a carriage return (Postgres); elsewhere only a line feed ends it. */
  lineCommentEndsAtCr: boolean;
}

/** What the runner and lint need to read a dialect's raw SQL migrations (see migrate/lint/transaction-control.ts). */
export interface RawSqlSyntax {
  lexicon: SqlLexicon;
  /**
   * Statements that open, end or change the migration's transaction, or cannot run inside one, by their leading
   * words in lower case (`start transaction`, `commit`, `vacuum`).
   */
  transactionStatements: readonly string[];
  /** No `;` is needed between statements (T-SQL): a form is looked for at every word, not only where a statement starts. */
  statementsNeedNoSemicolon: boolean;
  /** A line that splits the text into batches sent one by one (T-SQL `GO`), or null. */
  batchSeparator: RegExp | null;
  /**
   * Run first in every migration transaction so the server reads SQL as `lexicon` does (Postgres:
   * `standard_conforming_strings = on`; with it off, `'x\''` ends elsewhere and a COMMIT could hide in "a string").
   */
  pinLexicon: string | null;
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
  /** How raw SQL migrations (`sql` ops) are tokenized and which of their statements control the transaction. */
  rawSql: RawSqlSyntax;
}
