import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, introspect, type TenantDb } from '../../src/index.ts';
import { type MigrationOp, type MigrationOpInput, parseMigrationOps } from '../../src/contracts/migration-op.ts';
import { noNativeParts, type SchemaModel } from '../../src/contracts/schema-model.ts';
import { loadDialect } from '../../src/dialects/index.ts';
import { runCompiledStatement } from '../../src/dialects/migration-dialect.ts';
import { sqliteMigrationLockPath, sqliteMigrations as migrations } from '../../src/dialects/sqlite/migrate/index.ts';
import { splitSqliteStatements } from '../../src/dialects/sqlite/migrate/split.ts';
import { copyChinookSqlite } from '../../../cli/src/demo/chinook.ts';
import { freshSqlitePath, freshTenantDb } from '../../../test/helpers/databases.ts';
import { applyOps, columnOf, runStatements, tableOf } from './apply.ts';

const op = (input: MigrationOpInput): MigrationOp => parseMigrationOps([input])[0]!;

async function open(path: string): Promise<TenantDb> {
  const tenant = await connect({ provider: 'local-sqlite', dialect: 'sqlite', database: path });
  afterAll(() => tenant.close());
  return tenant;
}

const rows = async (tenant: TenantDb, text: string) => (await sql.raw<Record<string, unknown>>(text).execute(tenant.db)).rows;
/** The text SQLite keeps for a table's indexes and triggers. */
const schemaText = (tenant: TenantDb, table: string) =>
  rows(
    tenant,
    `select type, name, sql from sqlite_schema where tbl_name = '${table.replace(/'/g, "''")}' and type in ('index', 'trigger') order by type, name`,
  );
/** Every row of a table as one text, for before/after comparisons. */
const checksum = async (tenant: TenantDb, table: string, order: string) =>
  (await rows(tenant, `select count(*) as n, group_concat(quote(json_array(${order})), '|') as all_rows from (select * from "${table}" order by ${order})`))[0];

describe('SQLite migration compiler', () => {
  it("is the sqlite dialect's migrations member, with no lock timeout", async () => {
    const dialect = await loadDialect('sqlite');
    expect(dialect.migrations).toBe(migrations);
    expect(migrations.lockTimeout).toBeNull();
  });

  it('splits raw SQL into statements the way sqlite3_complete does', () => {
    const trigger = `CREATE TEMP TRIGGER "t;r" AFTER INSERT ON x BEGIN SELECT CASE WHEN 1 THEN CASE 2 WHEN 2 THEN 'END;' END END; DELETE FROM y; END`;
    expect(splitSqliteStatements(`;; select 'a;b' as "c;d"; /* x; */ ${trigger};\nselect 2 -- tail; comment`)).toEqual([
      `select 'a;b' as "c;d"`,
      trigger,
      'select 2 -- tail; comment',
    ]);
    expect(splitSqliteStatements(' -- only a comment;\n ;')).toEqual([]);
    expect(() =>
      migrations.compile(op({ op: 'sql', up: { sqlite: '-- nothing' }, down: null }), {
        dialect: 'sqlite',
        defaultSchema: 'main',
        tables: [],
        views: [],
        enums: [],
        domains: [],
        ...noNativeParts('main'),
      }),
    ).toThrow(/holds no statement/);
  });

  it('uses ALTER TABLE where SQLite has it and the rebuild elsewhere', async () => {
    const tenant = await freshTenantDb('sqlite', 'forms');
    const model = await applyOps(tenant, migrations, [
      {
        op: 'createTable',
        table: 'f',
        columns: [
          { name: 'a', type: { kind: 'integer' } },
          { name: 'b', type: { kind: 'text' } },
        ],
      },
    ]);
    const compiled = (input: MigrationOpInput) => migrations.compile(op(input), model).map((s) => s.sql);
    expect(
      compiled({ op: 'addColumn', table: 'f', column: { name: 'c', type: { kind: 'integer' }, nullable: false, default: { kind: 'value', value: 0 } } }),
    ).toEqual(['ALTER TABLE "f" ADD COLUMN "c" INTEGER NOT NULL DEFAULT 0']);
    expect(compiled({ op: 'dropColumn', table: 'f', column: 'b' })).toEqual(['ALTER TABLE "f" DROP COLUMN "b"']);
    expect(compiled({ op: 'renameColumn', table: 'f', from: 'a', to: 'z' })).toEqual(['ALTER TABLE "f" RENAME COLUMN "a" TO "z"']);
    const rebuilt = compiled({ op: 'addColumn', table: 'f', column: { name: 'c', type: { kind: 'timestamp' }, default: { kind: 'now' } } });
    expect(rebuilt.some((s) => s.startsWith('CREATE TABLE "byos_rebuild_new"') && s.includes('"c" TIMESTAMP DEFAULT CURRENT_TIMESTAMP'))).toBe(true);
    expect(rebuilt).toContain('INSERT INTO main."byos_rebuild_new" ("a", "b") SELECT "a", "b" FROM main."f"');
    expect(() => compiled({ op: 'addColumn', table: 'f', column: { name: 'id', type: { kind: 'integer' }, identity: 'always' } })).toThrow(
      /only a single-column integer primary key/,
    );
    expect(() => compiled({ op: 'dropCheck', table: 'f', name: 'nope' })).toThrow(/table "f" has no check named "nope"/);
    expect(() => compiled({ op: 'setNullable', table: 'missing', column: 'a', nullable: false })).toThrow(/table "missing" does not exist/);
  });

  it("rebuilds Chinook's Track (a column type changed): rows, checksums, indexes, triggers, views and foreign keys unchanged", async () => {
    const path = await freshSqlitePath('chinook');
    await copyChinookSqlite(path);
    const tenant = await open(path);
    await rows(
      tenant,
      `create trigger track_touch after update of Name on Track begin update Track set Bytes = coalesce(Bytes, 0) + 1 where TrackId = new.TrackId; end`,
    );
    await rows(tenant, `create view long_tracks as select TrackId, Name from Track where Milliseconds > 600000`);
    await rows(tenant, `create index track_name_lower on Track (lower(Name)) where Composer is not null`);
    const before = await introspect(tenant);
    const sums = await checksum(tenant, 'Track', 'TrackId, Name, AlbumId, MediaTypeId, GenreId, Composer, Milliseconds, Bytes, UnitPrice');
    const lines = await checksum(tenant, 'InvoiceLine', 'InvoiceLineId, InvoiceId, TrackId, UnitPrice, Quantity');
    const text = await schemaText(tenant, 'Track');
    const view = await rows(tenant, 'select * from long_tracks order by TrackId');

    const after = await applyOps(tenant, migrations, [{ op: 'alterColumnType', table: 'Track', column: 'Composer', type: { kind: 'text' } }]);
    expect(columnOf(after, 'Track', 'Composer').type).toEqual({ kind: 'text' });
    const untouched = (model: SchemaModel) => ({
      ...model,
      tables: model.tables.map((t) => ({ ...t, columns: t.columns.filter((c) => !(t.name === 'Track' && c.name === 'Composer')) })),
    });
    expect(untouched(after)).toEqual(untouched(before));
    expect(await checksum(tenant, 'Track', 'TrackId, Name, AlbumId, MediaTypeId, GenreId, Composer, Milliseconds, Bytes, UnitPrice')).toEqual(sums);
    expect(await checksum(tenant, 'InvoiceLine', 'InvoiceLineId, InvoiceId, TrackId, UnitPrice, Quantity')).toEqual(lines);
    expect(await schemaText(tenant, 'Track')).toEqual(text);
    expect(await rows(tenant, 'select * from long_tracks order by TrackId')).toEqual(view);
    expect(await rows(tenant, 'pragma foreign_key_check')).toEqual([]);
    expect(await rows(tenant, 'pragma foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    // The trigger is live on the new table.
    const [{ Bytes: bytes }] = (await rows(tenant, 'select Bytes from Track where TrackId = 1')) as [{ Bytes: number }];
    await rows(tenant, `update Track set Name = 'renamed' where TrackId = 1`);
    expect(await rows(tenant, 'select Bytes from Track where TrackId = 1')).toEqual([{ Bytes: bytes + 1 }]);
  });

  it('a rebuild that would break a foreign key fails with the row named and rolls everything back', async () => {
    const tenant = await freshTenantDb('sqlite', 'fk_fail');
    await applyOps(tenant, migrations, [
      { op: 'createTable', table: 'team', columns: [{ name: 'id', type: { kind: 'integer' }, nullable: false }], primaryKey: { columns: ['id'] } },
      {
        op: 'createTable',
        table: 'member',
        columns: [
          { name: 'id', type: { kind: 'integer' } },
          { name: 'team_id', type: { kind: 'integer' } },
        ],
      },
      { op: 'createIndex', table: 'member', name: 'member_team', columns: ['team_id'] },
    ]);
    await rows(tenant, 'insert into team values (1)');
    await rows(tenant, 'insert into member values (1, 1), (2, 7)');
    const before = await introspect(tenant);
    const statements = migrations.compile(
      op({
        op: 'addForeignKey',
        table: 'member',
        foreignKey: { name: 'member_team_fk', columns: ['team_id'], references: { table: 'team', columns: ['id'] } },
      }),
      before,
    );
    await expect(runStatements(tenant.db, migrations, statements)).rejects.toThrow(
      /foreign key violated after rebuilding table "member": row 2 of "member" has no matching row in "team"/,
    );
    expect(await introspect(tenant)).toEqual(before);
    expect(await rows(tenant, 'select * from member order by id')).toEqual([
      { id: 1, team_id: 1 },
      { id: 2, team_id: 7 },
    ]);
    expect(await rows(tenant, `select name from sqlite_temp_schema`)).toEqual([]);
  });

  it('a rebuild refuses to run with foreign keys enforced (outside the migration lock) and changes nothing', async () => {
    const tenant = await freshTenantDb('sqlite', 'fk_on');
    await applyOps(tenant, migrations, [{ op: 'createTable', table: 'p', columns: [{ name: 'id', type: { kind: 'integer' } }] }]);
    const before = await introspect(tenant);
    const statements = migrations.compile(op({ op: 'setNullable', table: 'p', column: 'id', nullable: false }), before);
    const error = await tenant.db
      .transaction()
      .execute(async (trx) => {
        for (const statement of statements) await runCompiledStatement(trx, statement);
      })
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/rebuilding table "p" needs PRAGMA foreign_keys = OFF/);
    expect(await introspect(tenant)).toEqual(before);
  });

  it('a rebuild keeps typeless, generated, defaulted and self-referencing columns as they were', async () => {
    const tenant = await freshTenantDb('sqlite', 'odd_columns');
    await rows(
      tenant,
      `create table odd (id integer primary key, loose, parent integer references odd(id) on delete set null, price numeric(8,2) default (1+2),
        label text default 'x''y' check (length(label) < 10), doubled generated always as (price * 2) virtual, upper_label text as (upper(label)) stored,
        unique (label, parent))`,
    );
    await rows(tenant, `insert into odd (id, loose, parent, price, label) values (1, x'00ff', null, 2.5, 'a'), (2, 'text', 1, 3, 'b')`);
    const before = await introspect(tenant);
    const data = await rows(tenant, 'select id, loose, parent, price, label, doubled, upper_label from odd order by id');
    const after = await applyOps(tenant, migrations, [{ op: 'setNullable', table: 'odd', column: 'price', nullable: false }]);
    const relaxed = (model: SchemaModel) => ({
      ...model,
      tables: model.tables.map((t) => ({ ...t, columns: t.columns.map((c) => ({ ...c, nullable: c.name === 'price' ? null : c.nullable })) })),
    });
    expect(relaxed(after)).toEqual(relaxed(before));
    expect(columnOf(after, 'odd', 'price').nullable).toBe(false);
    expect(await rows(tenant, 'select id, loose, parent, price, label, doubled, upper_label from odd order by id')).toEqual(data);
    await rows(tenant, 'insert into odd (id, parent) values (3, 2)');
    expect(await rows(tenant, 'select price, label from odd where id = 3')).toEqual([{ price: 3, label: "x'y" }]);
  });

  it('a rebuild of a table with a hostile name keeps its index and trigger, and touches no other table', async () => {
    const tenant = await freshTenantDb('sqlite', 'hostile_rebuild');
    const name = `Ünï "; drop table x; --'`;
    const q = `"${name.replace(/"/g, '""')}"`;
    await applyOps(tenant, migrations, [
      { op: 'createTable', table: 'x', columns: [{ name: 'n', type: { kind: 'integer' } }] },
      { op: 'createTable', table: name, columns: [{ name: `it's`, type: { kind: 'text' } }] },
      { op: 'createIndex', table: name, name: `${name} idx`, columns: [`it's`] },
    ]);
    await rows(tenant, `create trigger "trg ${name.replace(/"/g, '""')}" after insert on ${q} begin insert into x values (1); end`);
    await rows(tenant, `insert into ${q} values ('7')`);
    const text = await schemaText(tenant, name);
    const model = await applyOps(tenant, migrations, [{ op: 'alterColumnType', table: name, column: `it's`, type: { kind: 'integer' } }]);
    expect(columnOf(model, name, `it's`).type).toEqual({ kind: 'integer' });
    expect(await schemaText(tenant, name)).toEqual(text);
    expect(text.map((r) => r.type)).toEqual(['index', 'trigger']);
    expect(await rows(tenant, `select "it's" as v, typeof("it's") as t from ${q}`)).toEqual([{ v: 7, t: 'integer' }]);
    await rows(tenant, `insert into ${q} values (8)`);
    expect(await rows(tenant, 'select count(*) as n from x')).toEqual([{ n: 2 }]);
  });

  it('rebuilding a parent keeps the rows of ON DELETE CASCADE children', async () => {
    const tenant = await freshTenantDb('sqlite', 'cascade');
    await applyOps(tenant, migrations, [
      {
        op: 'createTable',
        table: 'parent',
        columns: [
          { name: 'id', type: { kind: 'integer' }, nullable: false },
          { name: 'label', type: { kind: 'text' } },
        ],
        primaryKey: { columns: ['id'] },
      },
      {
        op: 'createTable',
        table: 'child',
        columns: [{ name: 'parent_id', type: { kind: 'integer' } }],
        foreignKeys: [{ name: 'child_parent', columns: ['parent_id'], references: { table: 'parent', columns: ['id'] }, onDelete: 'cascade' }],
      },
    ]);
    await rows(tenant, `insert into parent values (1, 'a'), (2, 'b')`);
    await rows(tenant, 'insert into child values (1), (2), (2)');
    const model = await applyOps(tenant, migrations, [{ op: 'setNullable', table: 'parent', column: 'label', nullable: false }]);
    expect(columnOf(model, 'parent', 'label').nullable).toBe(false);
    expect(await rows(tenant, 'select parent_id from child order by parent_id')).toEqual([{ parent_id: 1 }, { parent_id: 2 }, { parent_id: 2 }]);
    await rows(tenant, 'delete from parent where id = 2');
    expect(await rows(tenant, 'select count(*) as n from child')).toEqual([{ n: 1 }]);
  });

  it('enums become TEXT with a CHECK; a new value widens it through a rebuild', async () => {
    const tenant = await freshTenantDb('sqlite', 'enums');
    const enums: SchemaModel['enums'] = [];
    // The runner passes the model the migrations imply; SQLite itself keeps no enum types.
    const implied = (live: SchemaModel): SchemaModel => ({
      ...live,
      enums: [...enums],
      tables: live.tables.map((t) => ({
        ...t,
        checks: [],
        columns: t.columns.map((c) => (t.name === 'feel' && c.name === 'm' ? { ...c, type: { kind: 'enum' as const, enumName: 'mood' } } : c)),
      })),
    });
    const live = await introspect(tenant);
    expect(migrations.compile(op({ op: 'createEnum', name: 'mood', values: ['sad', 'happy'] }), live)).toEqual([]);
    expect(() =>
      migrations.compile(op({ op: 'createTable', table: 'feel', columns: [{ name: 'm', type: { kind: 'enum', enumName: 'mood' } }] }), live),
    ).toThrow(/enum "mood" is not in the schema model/);
    enums.push({ schema: 'main', name: 'mood', values: ['sad', 'happy'] });
    await applyOps(
      tenant,
      migrations,
      [
        {
          op: 'createTable',
          table: 'feel',
          columns: [
            { name: 'id', type: { kind: 'integer' } },
            { name: 'm', type: { kind: 'enum', enumName: 'mood' } },
          ],
        },
      ],
      implied,
    );
    await rows(tenant, `insert into feel values (1, 'sad')`);
    await expect(rows(tenant, `insert into feel values (2, 'ok')`)).rejects.toThrow(/CHECK constraint failed/);
    const model = await applyOps(tenant, migrations, [{ op: 'addEnumValue', enum: 'mood', value: "it's ok", after: 'sad' }], implied);
    expect(columnOf(model, 'feel', 'm').type).toEqual({ kind: 'text' });
    expect(tableOf(model, 'feel').checks).toEqual([{ name: null, expression: `"m" IN ('sad', 'it''s ok', 'happy')` }]);
    await rows(tenant, `insert into feel values (2, 'it''s ok')`);
    expect(await rows(tenant, 'select m from feel order by id')).toEqual([{ m: 'sad' }, { m: "it's ok" }]);
    expect(() => migrations.compile(op({ op: 'dropEnum', name: 'mood' }), implied(model))).toThrow(/still used by "feel"."m"/);
  });

  it('the migration lock serialises two connections to one file, and foreign keys come back on after it', async () => {
    const path = await freshSqlitePath('lock');
    const [a, b] = [await open(path), await open(path)];
    const events: string[] = [];
    const runner = (name: string, tenant: TenantDb) =>
      migrations.withMigrationLock(tenant.db, async () => {
        events.push(`${name} in`);
        expect(await rows(tenant, 'pragma foreign_keys')).toEqual([{ foreign_keys: 0 }]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        events.push(`${name} out`);
      });
    await Promise.all([runner('a', a), runner('b', b)]);
    expect(events[0]!.split(' ')[0]).toBe(events[1]!.split(' ')[0]);
    expect(events[2]!.split(' ')[0]).toBe(events[3]!.split(' ')[0]);
    expect(existsSync(sqliteMigrationLockPath(path))).toBe(true);
    await expect(migrations.withMigrationLock(a.db, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await rows(a, 'pragma foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    await expect(migrations.withMigrationLock(b.db, async () => 'free')).resolves.toBe('free');
  });
});
