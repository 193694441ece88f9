import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import type { ConnectionProfile } from '../../contracts/connection-profile.ts';
import type { OpenedDatabase } from '../dialect.ts';

/**
 * Pragmas set on every connection: WAL so readers never block the writer, foreign keys enforced (SQLite leaves
 * them off by default), a busy timeout so a second writer waits instead of failing at once.
 */
export function sqlitePragmas(busyTimeoutMs = 5000): string[] {
  return ['journal_mode = WAL', 'foreign_keys = ON', `busy_timeout = ${busyTimeoutMs}`, 'synchronous = NORMAL'];
}

export async function openSqlite(profile: ConnectionProfile): Promise<OpenedDatabase> {
  const path = profile.database === ':memory:' ? ':memory:' : resolve(profile.database);
  if (path !== ':memory:' && !existsSync(dirname(path))) {
    throw new Error(`cannot open SQLite database ${path}: directory ${dirname(path)} does not exist`);
  }
  const { default: Database } = await import('better-sqlite3').catch(() => {
    throw new Error('the sqlite dialect needs the better-sqlite3 package: npm install better-sqlite3');
  });
  const database = new Database(path, { timeout: 5000 });
  try {
    for (const pragma of sqlitePragmas(profile.statementTimeoutMs ?? 5000)) database.pragma(pragma);
  } catch (error) {
    database.close();
    throw new Error(`cannot open SQLite database ${path}: ${(error as Error).message}`);
  }
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
  return { db, close: () => db.destroy() };
}
