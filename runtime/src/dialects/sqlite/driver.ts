import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import type { ConnectionProfile } from '../../contracts/connection-profile.ts';
import { InputError } from '../../util/document-file.ts';
import { loadOptionalPeer } from '../../util/optional-peer.ts';
import type { ConnectionQuirks, OpenedDatabase } from '../dialect.ts';

/** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Pragmas set on every connection, in order: WAL so readers never block the writer, foreign keys enforced
 * (SQLite leaves them off by default), a busy timeout so a second writer waits instead of failing at once, and
 * synchronous=NORMAL, which in WAL mode is durable across application crashes and only risks the last
 * transactions on a power loss.
 */
export function sqlitePragmas(busyTimeoutMs: number = SQLITE_BUSY_TIMEOUT_MS): string[] {
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new Error(`busy timeout must be a whole number of milliseconds, got ${busyTimeoutMs}`);
  return ['journal_mode = WAL', 'foreign_keys = ON', `busy_timeout = ${busyTimeoutMs}`, 'synchronous = NORMAL'];
}

/** The database file and its WAL companions when `profile.database` names a file that does not exist yet. */
export function newSqliteFiles(profile: ConnectionProfile): string[] {
  if (profile.database === ':memory:') return [];
  const path = resolve(profile.database);
  return existsSync(path) ? [] : [path, `${path}-wal`, `${path}-shm`];
}

/**
 * Opens `profile.database` (a file path, or `:memory:`). A missing file is created only when `quirks.create` is not
 * false; otherwise it is refused (InputError, not-found) and nothing is written, so a mistyped path cannot become a
 * new empty database. A missing folder is an error either way.
 */
export async function openSqlite(profile: ConnectionProfile, quirks: Pick<ConnectionQuirks, 'create'> = {}): Promise<OpenedDatabase> {
  const path = profile.database === ':memory:' ? ':memory:' : resolve(profile.database);
  const mustExist = quirks.create === false && path !== ':memory:';
  if (path !== ':memory:') {
    if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`cannot open SQLite database ${path}: it is a directory, not a file`);
    if (mustExist && !existsSync(path)) {
      throw new InputError(`SQLite database ${path} does not exist (this command opens existing databases only; check the path)`, 'not-found');
    }
    if (!existsSync(dirname(path))) throw new Error(`cannot open SQLite database ${path}: directory ${dirname(path)} does not exist`);
  }
  const Database = await loadBetterSqlite();
  let database;
  try {
    // fileMustExist also covers the file disappearing between the check above and the open.
    database = new Database(path, { fileMustExist: mustExist });
  } catch (error) {
    throw new Error(`cannot open SQLite database ${path}: ${(error as Error).message}`);
  }
  try {
    // journal_mode reads the header, so a file that is not a database fails here, not at the first query.
    for (const pragma of sqlitePragmas()) database.pragma(pragma);
  } catch (error) {
    database.close();
    const reason = (error as Error).message;
    throw new Error(`cannot open SQLite database ${path}: ${reason}${/not a database/i.test(reason) ? ' (the file exists but is not a SQLite database)' : ''}`);
  }
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
  return { db, native: database, close: () => db.destroy() };
}

/** better-sqlite3 is an optional peer: only applications that use SQLite install it. */
export async function loadBetterSqlite(): Promise<typeof import('better-sqlite3')> {
  return (await loadOptionalPeer('better-sqlite3', 'the sqlite dialect', () => import('better-sqlite3'))).default;
}
