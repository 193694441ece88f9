import { type Kysely, sql } from 'kysely';
import type { MigrationDialect, RawSqlSyntax } from '../../migration-dialect.ts';
import { compileMssql, GO_LINE } from './compile.ts';

/** The application lock resource every BYOS migration runner takes (per database). */
export const MSSQL_MIGRATION_LOCK = 'byos:migrate';

/** Lock request timed out (SET LOCK_TIMEOUT). */
const LOCK_TIMEOUT_ERROR = 1222;

/** The error number of a tedious RequestError, directly or wrapped (Kysely passes tedious's error through). */
function errorNumber(error: unknown): number | undefined {
  const e = error as { number?: unknown; originalError?: { number?: unknown; info?: { number?: unknown } }; cause?: unknown } | null;
  const candidates = [e?.number, e?.originalError?.number, e?.originalError?.info?.number, (e?.cause as { number?: unknown } | undefined)?.number];
  return candidates.find((n): n is number => typeof n === 'number');
}

/**
 * T-SQL: "name", [name] (]] inside stands for ]), 'string'; block comments nest; statements need no `;`, so the
 * transaction statements (BEGIN TRAN, COMMIT, ROLLBACK, SAVE TRAN; COMMIT and ROLLBACK are reserved words) are looked
 * for at every word, outside procedure, function and trigger bodies, batch by batch (GO lines).
 */
export const MSSQL_RAW_SQL: RawSqlSyntax = {
  lexicon: { dollarQuotes: false, escapeStrings: false, nestedComments: true, bracketNames: 'doubled', backtickNames: false, lineCommentEndsAtCr: false },
  transactionStatements: ['begin tran', 'begin transaction', 'begin distributed', 'commit', 'rollback', 'save tran', 'save transaction'],
  statementsNeedNoSemicolon: true,
  batchSeparator: GO_LINE,
  pinLexicon: null,
};

export const mssqlMigrations: MigrationDialect = {
  compile: compileMssql,

  /**
   * sp_getapplock (Exclusive, owned by the session) on one dedicated pooled connection, held while `work` runs and
   * released in finally; a crashed runner's lock goes with its session. A negative result (timeout, deadlock
   * victim, error) is refused with the code SQL Server gave.
   */
  async withMigrationLock<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T> {
    return db.connection().execute(async (connection) => {
      const { rows } = await sql<{ result: number }>`
        DECLARE @result int;
        EXEC @result = sp_getapplock @Resource = ${MSSQL_MIGRATION_LOCK}, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = -1;
        SELECT @result AS result`.execute(connection);
      const result = rows[0]?.result;
      if (typeof result !== 'number' || result < 0)
        throw new Error(`sp_getapplock refused the migration lock ${MSSQL_MIGRATION_LOCK} (result ${String(result)})`);
      try {
        return await work();
      } finally {
        await sql`EXEC sp_releaseapplock @Resource = ${MSSQL_MIGRATION_LOCK}, @LockOwner = 'Session'`.execute(connection);
      }
    });
  },

  /**
   * SET LOCK_TIMEOUT lasts for the session, not the transaction: the runner sets it before each strongLock
   * statement, and a pooled connection keeps the last value (every BYOS statement that needs a bound sets its own).
   * Error 1222 ends only the statement, not the transaction (unless XACT_ABORT is on): the runner rolls back
   * before retrying.
   */
  lockTimeout: {
    statement(ms: number): string {
      if (!Number.isInteger(ms) || ms <= 0) throw new Error(`lock timeout must be a positive whole number of milliseconds, got ${ms}`);
      return `SET LOCK_TIMEOUT ${ms}`;
    },
    isTimeout: (error: unknown) => errorNumber(error) === LOCK_TIMEOUT_ERROR,
  },

  /** A name is a sysname: at most 128 characters. */
  identifierProblem: (name: string) => ([...name].length > 128 ? `is ${[...name].length} characters long; SQL Server names hold at most 128` : null),
  rawSql: MSSQL_RAW_SQL,
};
