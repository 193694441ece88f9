import { copyFile, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { TenantDb } from '@byos/runtime';

const DATA = fileURLToPath(new URL('../../data/chinook/', import.meta.url));
export const CHINOOK_SQLITE_FILE = `${DATA}Chinook_Sqlite.sqlite`;
export const CHINOOK_POSTGRES_SCRIPT = `${DATA}Chinook_PostgreSql.sql`;
export const CHINOOK_SQLSERVER_SCRIPT = `${DATA}Chinook_SqlServer.sql`;

/** Copies the Chinook SQLite file to `path` (before connecting to it). */
export async function copyChinookSqlite(path: string): Promise<void> {
  await copyFile(CHINOOK_SQLITE_FILE, path);
}

/**
 * Loads Chinook into an open, empty Postgres database. The script is written for psql: its database
 * drop/create and `\c` lines are removed, the rest runs as one transaction.
 */
export async function loadChinookPostgres(tenant: Pick<TenantDb, 'db'>): Promise<void> {
  const script = (await readFile(CHINOOK_POSTGRES_SCRIPT, 'utf8'))
    .split('\n')
    .filter((line) => !/^(DROP DATABASE|CREATE DATABASE|\\c)\b/i.test(line))
    .join('\n');
  await tenant.db.transaction().execute(async (trx) => {
    await sql.raw(script).execute(trx);
  });
}
