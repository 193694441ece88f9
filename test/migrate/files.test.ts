import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checksumOf, loadMigrations, migrateUp, parseSqlMigration } from '@byos/runtime/migrate';
import { freshTenantDb } from '../helpers/databases.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-migration-files-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const ADD = "export default { ops: [{ op: 'createEnum', name: 'mood', values: ['a'] }] };\n";

describe('migration files', () => {
  it('loads TypeScript and SQL migrations in numeric id order with the sha256 of their bytes, skipping notes', async () => {
    const dir = await folder({ '10_later.sql': '-- byos:up\nSELECT 1\n', '2_first.ts': ADD, 'README.md': '# notes', '.keep': '' });
    const migrations = await loadMigrations(dir);
    expect(migrations.map((m) => [m.id, m.name, m.kind])).toEqual([
      ['2', 'first', 'ops'],
      ['10', 'later', 'sql'],
    ]);
    expect(migrations[0]!.checksum).toBe(checksumOf(ADD));
    expect(migrations[0]!.ops).toEqual([{ op: 'createEnum', name: 'mood', values: ['a'] }]);
  });

  it('names the file and the problem when a folder cannot be loaded', async () => {
    await expect(loadMigrations(await folder({ '1_a.ts': ADD, '01_b.sql': '-- byos:up\nSELECT 1' }))).rejects.toThrow(
      /two migrations share id 1: .*01_b\.sql and .*1_a\.ts/,
    );
    await expect(loadMigrations(await folder({ 'create.ts': ADD }))).rejects.toThrow(/create\.ts: not a migration file name/);
    await expect(loadMigrations(await folder({ '1_x.ts': 'export const ops = [];\n' }))).rejects.toThrow(
      /1_x\.ts: a migration must `export default \{ ops: \[\.\.\.\] \}`/,
    );
    await expect(loadMigrations(await folder({ '1_x.ts': "export default { ops: [{ op: 'addColumn', table: 't' }] };\n" }))).rejects.toThrow(
      /invalid migration ops in .*1_x\.ts:\n {2}- 0\.column/,
    );
    await expect(loadMigrations(join(tmpdir(), 'byos-no-such-folder'))).rejects.toThrow('cannot read the migration folder');
  });

  it('reads SQL sections: shared, per dialect, and no down for an irreversible one', () => {
    const op = parseSqlMigration('-- a note\n-- byos:up\nA;\n-- byos:up sqlite\nB;\n-- byos:down postgres\nC;\n', 'x.sql');
    expect(op).toEqual({ op: 'sql', up: { postgres: 'A;', mssql: 'A;', sqlite: 'B;' }, down: { postgres: 'C;' } });
    expect(parseSqlMigration('-- byos:up\nA', 'x.sql').down).toBeNull();
    expect(() => parseSqlMigration('A\n-- byos:up\nB', 'x.sql')).toThrow('x.sql:1: SQL before the first -- byos:up section');
    expect(() => parseSqlMigration('-- byos:up oracle\nB', 'x.sql')).toThrow('x.sql:1: unknown dialect oracle');
    expect(() => parseSqlMigration('-- byos:sideways\nB', 'x.sql')).toThrow('x.sql:1: unknown section byos:sideways');
    expect(() => parseSqlMigration('-- byos:up\nA\n-- byos:up\nB', 'x.sql')).toThrow('x.sql:3: a second byos:up section');
    expect(() => parseSqlMigration('-- byos:down\nA', 'x.sql')).toThrow('x.sql: no SQL in a -- byos:up section');
  });

  it('refuses a target id that no migration has, before touching the database', async () => {
    const tenant = await freshTenantDb('sqlite', 'files');
    const migrations = await loadMigrations(await folder({ '1_a.ts': ADD }));
    await expect(migrateUp(tenant, migrations, { to: '7' })).rejects.toThrow('--to 7: no migration has that id (ids: 1)');
    expect((await tenant.db.introspection.getTables()).map((t) => t.name)).toEqual([]);
  });
});
