import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.ts';
import { sqlOn } from './sql.ts';

/**
 * The realistic application schema of test/fixtures/postgres/app-schema.sql: several schemas, row-level security,
 * a partitioned table, citext, tsvector, domains, enums, composite and range types, identity and generated columns,
 * an exclusion constraint, an audit trigger, functions, views, grants.
 */
export const APP_SCHEMA_FILE = join(REPO_ROOT, 'test/fixtures/postgres/app-schema.sql');

/** A role name of its own per test: roles are cluster-wide and test files share a server. */
export function uniqueRole(label = 'app'): string {
  return `byos_${label}_${randomBytes(4).toString('hex')}`;
}

/** Creates `role` unless it exists (a parallel creation losing the race is not a failure). */
export async function ensureRole(url: string, role: string): Promise<void> {
  await sqlOn(url, `CREATE ROLE "${role}" NOLOGIN`).catch((error: { code?: string }) => {
    if (error.code !== '42710' && error.code !== '23505') throw error;
  });
}

/** Loads the application schema and its rows into the (empty) database at `url`; grants go to `role`. */
export async function loadAppSchema(url: string, role: string): Promise<void> {
  await ensureRole(url, role);
  const text = (await readFile(APP_SCHEMA_FILE, 'utf8')).replaceAll(':app_role', `"${role}"`);
  await sqlOn(url, text);
}

/** Every sequence's position in the user schemas, by name. */
export async function sequencePositions(url: string): Promise<Record<string, string>> {
  const rows = await sqlOn<{ name: string; value: string }>(
    url,
    `select format('%I.%I', schemaname, sequencename) as name,
    coalesce(last_value::text, 'unused') as value from pg_sequences order by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}
