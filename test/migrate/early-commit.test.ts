import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type DialectName, introspect } from '@byos/runtime';
import { loadMigrations, MigrationRefusedError, migrateDown, migrateUp, readJournal } from '@byos/runtime/migrate';
import { runCliInProcess } from '../helpers/cli.ts';
import { DIALECTS, freshProfile, freshTenantDb } from '../helpers/databases.ts';

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
    ts([
      {
        op: 'createTable',
        table: 'people',
        columns: [
          { name: 'id', type: { kind: 'integer' }, nullable: false },
          { name: 'email', type: { kind: 'text' } },
          { name: 'note', type: { kind: 'text' } },
        ],
        primaryKey: { columns: ['id'] },
      },
    ]),
  );
  await migrateUp(tenant, await loadMigrations(dir));
  await sql`insert into people values (1, 'ann@example.com', 'keep me')`.execute(tenant.db);
  const before = await introspect(tenant);
  // The drop would commit before the concurrent index build; were the build to fail, the note could not come back.
  await writeFile(
    join(dir, '0002_drop_and_index.ts'),
    ts([
      { op: 'dropColumn', table: 'people', column: 'note' },
      { op: 'createIndex', table: 'people', name: 'people_email_idx', columns: ['email'] },
    ]),
  );
  await expect(migrateUp(tenant, await loadMigrations(dir))).rejects.toThrow(
    /outside the transaction after a dropColumn op .* Put the dropColumn in a migration of its own/,
  );
  expect(await introspect(tenant)).toEqual(before);
  expect((await sql<{ note: string }>`select note from people`.execute(tenant.db)).rows).toEqual([{ note: 'keep me' }]);
  expect((await readJournal(tenant.db)).map((e) => e.id)).toEqual(['0001']);
});

// Transaction control inside a raw SQL migration ends the runner's transaction: what ran before it is committed,
// and a later failure cannot roll it back. Such a migration is refused before any of it runs.
const sqlMigration = (up: string) => `-- byos:up\n${up}\n-- byos:down\nDROP TABLE IF EXISTS kept;\n`;

const EARLY_ENDINGS: Record<DialectName, string[]> = {
  postgres: [
    'COMMIT;',
    'commit work;',
    'END;',
    'BEGIN;',
    'START TRANSACTION;',
    'ROLLBACK;',
    'ABORT;',
    'SAVEPOINT s1;',
    'RELEASE SAVEPOINT s1;',
    "PREPARE TRANSACTION 'x';",
    'VACUUM;',
    '/* why */ Commit\n;',
  ],
  sqlite: ['COMMIT;', 'END TRANSACTION;', 'END;', 'BEGIN;', 'BEGIN IMMEDIATE;', 'ROLLBACK;', 'SAVEPOINT s1;', 'RELEASE s1;', 'VACUUM;', '-- note\ncommit;'],
  mssql: [],
};

for (const dialect of DIALECTS) {
  describe(`a raw SQL migration that controls the transaction (${dialect})`, () => {
    for (const ending of EARLY_ENDINGS[dialect]) {
      it(`refuses ${JSON.stringify(ending)} before anything runs, in the runner and in lint`, async () => {
        const tenant = await freshTenantDb(dialect, 'txn_control');
        const dir = await mkdtemp(join(tmpdir(), 'byos-txn-control-'));
        dirs.push(dir);
        await writeFile(join(dir, '0001_early_end.sql'), sqlMigration(`CREATE TABLE kept (id integer);\n${ending}\nSELECT * FROM no_such_table;`));
        const migrations = await loadMigrations(dir);
        await expect(migrateUp(tenant, migrations)).rejects.toThrow(MigrationRefusedError);
        // The statement's line in the file: after the byos:up marker and the CREATE TABLE (and a leading comment line).
        const line = 3 + (ending.startsWith('--') ? 1 : 0);
        await expect(migrateUp(tenant, migrations)).rejects.toThrow(new RegExp(`0001_early_end\\.sql line ${line}\\): .*transaction`, 'i'));
        expect((await introspect(tenant)).tables.map((t) => t.name).filter((n) => n === 'kept')).toEqual([]);
        expect(await readJournal(tenant.db)).toEqual([]);
        const lint = await runCliInProcess(['migrate', 'lint', '--dir', dir, '--dialect', dialect, '--json']);
        expect(lint.code).toBe(1);
        expect(JSON.parse(lint.stdout).findings).toContainEqual(expect.objectContaining({ rule: 'transaction-control-in-migration', severity: 'error' }));
      });
    }

    it('refuses a down section that commits, before reverting anything', async () => {
      const tenant = await freshTenantDb(dialect, 'txn_control_down');
      const dir = await mkdtemp(join(tmpdir(), 'byos-txn-control-down-'));
      dirs.push(dir);
      await writeFile(
        join(dir, '0001_kept.sql'),
        '-- byos:up\nCREATE TABLE kept (id integer);\n-- byos:down\nDROP TABLE kept;\nCOMMIT;\nSELECT * FROM no_such_table;\n',
      );
      const migrations = await loadMigrations(dir);
      await migrateUp(tenant, migrations);
      await expect(migrateDown(tenant, migrations)).rejects.toThrow(/0001_kept\.sql line 5\): COMMIT controls the transaction/);
      expect((await introspect(tenant)).tables.map((t) => t.name)).toContain('kept');
      expect((await readJournal(tenant.db)).map((e) => e.id)).toEqual(['0001']);
    });

    it('runs SQL that only mentions the words in strings, comments, names and bodies', async () => {
      const tenant = await freshTenantDb(dialect, 'txn_control_ok');
      const dir = await mkdtemp(join(tmpdir(), 'byos-txn-control-ok-'));
      dirs.push(dir);
      const bodies =
        dialect === 'postgres'
          ? [
              'CREATE FUNCTION kept_count() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; RETURN (SELECT count(*) FROM kept); END $$;',
              'CREATE FUNCTION kept_one() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;',
              'DO $body$ BEGIN IF false THEN COMMIT; END IF; END $body$;',
              "SELECT E'it\\'s; COMMIT;';",
              '/* outer /* inner */ COMMIT; */ SELECT 1;',
            ]
          : [
              "CREATE TRIGGER kept_ins AFTER INSERT ON kept BEGIN UPDATE kept SET note = CASE WHEN new.id > 0 THEN 'begin' ELSE 'end' END WHERE id = new.id; END;",
            ];
      await writeFile(
        join(dir, '0001_mentions.sql'),
        sqlMigration(
          [
            'CREATE TABLE kept (id integer, note text, "commit" text, "end" text);',
            "INSERT INTO kept (id, note) VALUES (1, 'commit'), (2, 'begin; rollback;');",
            '-- commit',
            '/* COMMIT; */',
            'SELECT "commit", "end" FROM kept;',
            ...bodies,
          ].join('\n'),
        ),
      );
      const lint = await runCliInProcess(['migrate', 'lint', '--dir', dir, '--dialect', dialect, '--json']);
      expect(JSON.parse(lint.stdout).findings.filter((f: { rule: string }) => f.rule === 'transaction-control-in-migration')).toEqual([]);
      expect((await migrateUp(tenant, await loadMigrations(dir))).ran.map((r) => r.id)).toEqual(['0001']);
      expect((await sql<{ note: string }>`select note from kept order by id`.execute(tenant.db)).rows.map((r) => r.note)).toEqual([
        'commit',
        'begin; rollback;',
      ]);
    });
  });
}

describe('a database with standard_conforming_strings off (legacy backslash escapes in strings)', () => {
  it("reads the migration as the detector does: a COMMIT after 'x\\'' cannot end the transaction early", async () => {
    const profile = await freshProfile('postgres', 'legacy_strings');
    const setup = await connect(profile);
    await sql.raw(`alter database "${profile.database}" set standard_conforming_strings = off`).execute(setup.db);
    await setup.close();
    const again = await connect(profile); // new sessions take the database's setting
    try {
      const dir = await mkdtemp(join(tmpdir(), 'byos-legacy-strings-'));
      dirs.push(dir);
      await writeFile(join(dir, '0001_a.sql'), sqlMigration("CREATE TABLE kept (x int); SELECT 'x\\''; COMMIT; SELECT ''''; SELECT 1/0;"));
      await expect(migrateUp(again, await loadMigrations(dir))).rejects.toThrow();
      expect((await introspect(again)).tables.map((t) => t.name)).not.toContain('kept');
      expect(await readJournal(again.db)).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
