import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { introspect } from '../../runtime/src/index.ts';
import { loadMigrations, migrateUp, readJournal } from '../../runtime/src/migrate/index.ts';
import { freshTenantDb } from '../helpers/databases.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const ts = (ops: unknown[]) => `export default { ops: ${JSON.stringify(ops)} };\n`;

it('refuses a migration whose CONCURRENTLY step would commit a data-losing op early, and changes nothing', async () => {
  const tenant = await freshTenantDb('postgres', 'early_commit');
  const dir = await mkdtemp(join(tmpdir(), 'byos-early-commit-'));
  dirs.push(dir);
  await writeFile(
    join(dir, '0001_people.ts'),
    ts([{ op: 'createTable', table: 'people', columns: [{ name: 'id', type: { kind: 'integer' }, nullable: false }, { name: 'email', type: { kind: 'text' } }, { name: 'note', type: { kind: 'text' } }], primaryKey: { columns: ['id'] } }]),
  );
  await migrateUp(tenant, await loadMigrations(dir));
  await sql`insert into people values (1, 'ann@example.com', 'keep me')`.execute(tenant.db);
  const before = await introspect(tenant);
  // The drop would commit before the concurrent index build; were the build to fail, the note could not come back.
  await writeFile(
    join(dir, '0002_drop_and_index.ts'),
    ts([{ op: 'dropColumn', table: 'people', column: 'note' }, { op: 'createIndex', table: 'people', name: 'people_email_idx', columns: ['email'] }]),
  );
  await expect(migrateUp(tenant, await loadMigrations(dir))).rejects.toThrow(/outside the transaction after a dropColumn op .* Put the dropColumn in a migration of its own/);
  expect(await introspect(tenant)).toEqual(before);
  expect((await sql<{ note: string }>`select note from people`.execute(tenant.db)).rows).toEqual([{ note: 'keep me' }]);
  expect((await readJournal(tenant.db)).map((e) => e.id)).toEqual(['0001']);
});
