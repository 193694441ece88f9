import { type Kysely, sql } from 'kysely';
import type { MigrationDialect, RawSqlSyntax } from '../../migration-dialect.ts';
import { postgresIdentifierProblem } from './identifiers.ts';
import { compilePostgres } from './compile.ts';

/**
 * The advisory-lock key every BYOS migration runner takes (one per database: advisory locks are per database).
 * A fixed 63-bit number, chosen once; another application using the same key would serialise with the runner.
 */
export const POSTGRES_MIGRATION_LOCK_KEY = '4242075301820653817';

/** SQLSTATE lock_not_available: what `lock_timeout` raises. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Postgres's lexer (scan.l): dollar-quoted bodies, E'' strings with backslash escapes, nesting block comments, `--`
 * comments ended by CR or LF, no [name] or `name` quoting. The transaction statements are those that start, end or
 * mark a transaction block (TransactionStmt) and VACUUM, which refuses to run inside one.
 */
export const POSTGRES_RAW_SQL: RawSqlSyntax = {
  lexicon: { dollarQuotes: true, escapeStrings: true, nestedComments: true, bracketNames: 'none', backtickNames: false, lineCommentEndsAtCr: true },
  transactionStatements: ['begin', 'start transaction', 'commit', 'end', 'rollback', 'abort', 'savepoint', 'release', 'prepare transaction', 'vacuum'],
  statementsNeedNoSemicolon: false,
  batchSeparator: null,
  pinLexicon: 'SET LOCAL standard_conforming_strings = on',
};

export const postgresMigrations: MigrationDialect = {
  compile: compilePostgres,

  /**
   * pg_advisory_lock on one dedicated pooled connection, held while `work` runs on others and released in finally
   * (a crashed runner's lock goes with its session). A second runner waits here, then finds the journal updated.
   * `work` must not need every connection of the pool: this one is taken for the duration.
   */
  async withMigrationLock<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T> {
    return db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${POSTGRES_MIGRATION_LOCK_KEY}::bigint)`.execute(connection);
      try {
        return await work();
      } finally {
        await sql`select pg_advisory_unlock(${POSTGRES_MIGRATION_LOCK_KEY}::bigint)`.execute(connection);
      }
    });
  },

  /**
   * `SET LOCAL` lasts until the end of the transaction, so the runner sets it inside the migration's transaction
   * before each strongLock statement (compile never marks an outsideTransaction statement strongLock, where
   * SET LOCAL would be a no-op).
   */
  lockTimeout: {
    statement(ms: number): string {
      if (!Number.isInteger(ms) || ms <= 0) throw new Error(`lock timeout must be a positive whole number of milliseconds, got ${ms}`);
      return `SET LOCAL lock_timeout = '${ms}ms'`;
    },
    isTimeout: (error: unknown) => (error as { code?: unknown } | null)?.code === LOCK_NOT_AVAILABLE,
  },

  identifierProblem: postgresIdentifierProblem,
  rawSql: POSTGRES_RAW_SQL,
};
