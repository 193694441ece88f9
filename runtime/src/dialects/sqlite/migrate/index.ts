import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import type { MigrationDialect, RawSqlSyntax } from '../../migration-dialect.ts';
import { loadBetterSqlite } from '../driver.ts';
import { compileSqlite } from './compile.ts';

/** How long a runner waits for another one's migration lock before giving up. */
export const SQLITE_MIGRATION_LOCK_WAIT_MS = 10 * 60_000;
const POLL_MS = 25;

/** The lock file beside a database file. */
export const sqliteMigrationLockPath = (databaseFile: string) => `${databaseFile}.byos-migrate-lock`;

/**
 * Holds an EXCLUSIVE transaction on a small SQLite file beside the database for as long as `work` runs. The lock
 * is the operating system's file lock, so a crashed runner's lock is gone with its process, and it does not block
 * the database itself (BEGIN IMMEDIATE on the database would: the runner's own connection could not write). The
 * wait polls asynchronously: better-sqlite3's busy timeout would block the event loop, and with it any other
 * runner in the same process. An in-memory database is private to its connection and needs no lock.
 */
async function holdLockFile<T>(db: Kysely<any>, work: () => Promise<T>, waitMs: number): Promise<T> {
  const main = (await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db)).rows[0]?.file ?? '';
  if (!main) return work();
  const Database = await loadBetterSqlite();
  const path = sqliteMigrationLockPath(main);
  const lock = new Database(path, { timeout: 0 });
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        lock.exec('BEGIN EXCLUSIVE');
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
        if (Date.now() >= deadline) throw new Error(`another migration runner holds ${path}; gave up after ${Math.round(waitMs / 1000)} s`);
        await sleep(POLL_MS);
      }
    }
    try {
      return await work();
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}

/**
 * SQLite's tokenizer: "name", [name] (to the first ]), `name`, 'string'; block comments do not nest; `--` ends at
 * LF. BEGIN, COMMIT/END, ROLLBACK, SAVEPOINT and RELEASE control the transaction; VACUUM cannot run inside one.
 */
export const SQLITE_RAW_SQL: RawSqlSyntax = {
  lexicon: { dollarQuotes: false, escapeStrings: false, nestedComments: false, bracketNames: 'plain', backtickNames: true, lineCommentEndsAtCr: false },
  transactionStatements: ['begin', 'commit', 'end', 'rollback', 'savepoint', 'release', 'vacuum'],
  statementsNeedNoSemicolon: false,
  batchSeparator: null,
  pinLexicon: null,
};

/** Creates the SQLite MigrationDialect; `lockWaitMs` bounds the wait for another runner's lock. */
export function sqliteMigrationDialect(lockWaitMs: number = SQLITE_MIGRATION_LOCK_WAIT_MS): MigrationDialect {
  return {
    compile: compileSqlite,

    /**
     * The lock file above, and foreign key enforcement off on the connection while it is held: PRAGMA foreign_keys
     * is a no-op inside a transaction, and a table rebuild must run with it off (its DROP TABLE would otherwise fire
     * the ON DELETE actions of referencing tables). Each rebuild ends with PRAGMA foreign_key_check, which fails the
     * migration on any violation; the previous setting is restored in finally.
     */
    async withMigrationLock<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T> {
      return holdLockFile(
        db,
        async () => {
          const was = (await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys ?? 0;
          await sql`pragma foreign_keys = off`.execute(db);
          try {
            return await work();
          } finally {
            await sql.raw(`pragma foreign_keys = ${was ? 'on' : 'off'}`).execute(db);
            // A rebuild that failed between its two legacy_alter_table pragmas must not leave later renames in legacy mode.
            await sql`pragma legacy_alter_table = off`.execute(db);
          }
        },
        lockWaitMs,
      );
    },

    // One writer at a time for the whole database: nothing queues behind a single DDL statement.
    lockTimeout: null,

    // SQLite names have no length limit.
    identifierProblem: () => null,
    rawSql: SQLITE_RAW_SQL,
  };
}

export const sqliteMigrations: MigrationDialect = sqliteMigrationDialect();
