import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll } from 'vitest';
import { createLocalKeyFile } from '@byos/runtime/guard/crypto';

/** A fresh 0600 local KEK file in a temp folder removed when the test file ends. */
export async function freshKeyFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-kek-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'kek.key');
  await createLocalKeyFile(path);
  await chmod(path, 0o600);
  return path;
}

/** The customers table the crypto tests use: a client-generated key, three encrypted columns, one blind index. */
export async function createCustomers(db: Kysely<any>, table = 'customers'): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)')
    .addColumn('email', 'varchar(1000)')
    .addColumn('email_bidx', 'varchar(64)')
    .addColumn('ssn', 'varchar(1000)')
    .addColumn('score', 'varchar(1000)')
    .execute();
  await sql`create index ${sql.id(`${table}_email_bidx`)} on ${sql.table(table)} (email_bidx)`.execute(db);
}

export const customersRule = (table = 'customers') => ({
  table,
  primaryKey: ['id'],
  columns: [{ name: 'email', blindIndex: { normalize: 'email' as const } }, 'ssn', 'score'],
});
