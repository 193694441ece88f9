import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { TenantDb } from '../../src/index.ts';
import type { MigrationOpInput } from '../../src/contracts/migration-op.ts';
import type { NeutralType, SchemaModel } from '../../src/contracts/schema-model.ts';
import type { MigrationDialect } from '../../src/dialects/migration-dialect.ts';
import { postgresMigrations } from '../../src/dialects/postgres/migrate/index.ts';
import { sqliteMigrations } from '../../src/dialects/sqlite/migrate/index.ts';
import { DIALECTS, freshTenantDb } from '../../../test/helpers/databases.ts';
import { applyOps, columnOf, tableOf } from './apply.ts';

const MIGRATIONS: Record<string, MigrationDialect> = { postgres: postgresMigrations, sqlite: sqliteMigrations };

/** Kinds every dialect here holds natively, with the details that must survive the round trip. */
const PORTABLE: Record<string, NeutralType> = {
  flag: { kind: 'boolean' },
  small: { kind: 'smallint' },
  count: { kind: 'integer' },
  big: { kind: 'bigint' },
  price: { kind: 'decimal', precision: 10, scale: 2 },
  ratio: { kind: 'double' },
  code: { kind: 'char', length: 3 },
  title: { kind: 'varchar', length: 40 },
  body: { kind: 'text' },
  ref: { kind: 'uuid' },
  born: { kind: 'date' },
  seen: { kind: 'timestamp' },
  at: { kind: 'timestamptz' },
  doc: { kind: 'json' },
  blob: { kind: 'binary' },
};

const HOSTILE = ['"; drop table x; --', `it's "quoted"`, 'name with spaces', 'prénom_名前', 'x]y[`z'];

describe.each(DIALECTS)('portable ops on %s', (dialectName) => {
  const migrations = MIGRATIONS[dialectName]!;
  let tenant: TenantDb;
  const apply = (ops: MigrationOpInput[], model?: (live: SchemaModel) => SchemaModel) => applyOps(tenant, migrations, ops, model);
  const rows = async (text: string) => (await sql.raw<Record<string, unknown>>(text).execute(tenant.db)).rows;

  beforeAll(async () => {
    tenant = await freshTenantDb(dialectName, `migrate_ops_${dialectName}`);
  });

  it('createTable: every portable kind reads back as the same NeutralType, with keys, uniques, checks and foreign keys', async () => {
    const model = await apply([
      {
        op: 'createTable',
        table: 'owner',
        columns: [{ name: 'id', type: { kind: 'integer' }, nullable: false, identity: 'by-default' }],
        primaryKey: { name: 'owner_pk', columns: ['id'] },
      },
      {
        op: 'createTable',
        table: 'thing',
        columns: [
          { name: 'id', type: { kind: 'integer' }, nullable: false },
          { name: 'owner_id', type: { kind: 'integer' } },
          ...Object.entries(PORTABLE).map(([name, type]) => ({ name, type })),
        ],
        primaryKey: { name: 'thing_pk', columns: ['id'] },
        uniques: [{ name: 'thing_code_key', columns: ['code', 'title'] }],
        checks: [{ name: 'thing_count_positive', expression: 'count > 0' }],
        foreignKeys: [{ name: 'thing_owner_fk', columns: ['owner_id'], references: { table: 'owner', columns: ['id'] }, onDelete: 'cascade' }],
      },
    ]);
    const thing = tableOf(model, 'thing');
    for (const [name, type] of Object.entries(PORTABLE)) expect(columnOf(model, 'thing', name).type, name).toEqual(type);
    expect(columnOf(model, 'thing', 'id')).toMatchObject({ nullable: false, identity: null });
    expect(columnOf(model, 'owner', 'id')).toMatchObject({ nullable: false, identity: 'by-default' });
    expect(thing.primaryKey).toEqual({ name: 'thing_pk', columns: ['id'] });
    expect(thing.uniques).toEqual([{ name: 'thing_code_key', columns: ['code', 'title'] }]);
    expect(thing.checks.map((c) => c.name)).toEqual(['thing_count_positive']);
    expect(thing.foreignKeys).toMatchObject([
      { name: 'thing_owner_fk', columns: ['owner_id'], referencedTable: 'owner', referencedColumns: ['id'], onDelete: 'cascade' },
    ]);
    await rows(`insert into owner default values`);
    await expect(rows(`insert into thing (id, owner_id, count) values (1, 1, 0)`)).rejects.toThrow(/check|constraint/i);
  });

  it('hostile names round-trip as names: tables, columns, constraints, indexes', async () => {
    const [t, c, k, i, u] = HOSTILE as [string, string, string, string, string];
    const model = await apply([
      { op: 'createTable', table: 'x', columns: [{ name: 'id', type: { kind: 'integer' } }] },
      {
        op: 'createTable',
        table: t,
        columns: [
          { name: c, type: { kind: 'text' }, default: { kind: 'value', value: "'); drop table x; --" } },
          { name: u, type: { kind: 'integer' } },
        ],
        checks: [{ name: k, expression: '1 = 1' }],
      },
      { op: 'createIndex', table: t, name: i, columns: [c, u] },
      { op: 'renameColumn', table: t, from: u, to: `${u} renamed` },
      { op: 'setNullable', table: t, column: c, nullable: false },
    ]);
    const table = tableOf(model, t);
    expect(table.columns.map((col) => col.name)).toEqual([c, `${u} renamed`]);
    expect(table.columns[0]!.nullable).toBe(false);
    expect(table.checks.map((chk) => chk.name)).toEqual([k]);
    expect(table.indexes).toEqual([{ name: i, columns: [c, `${u} renamed`], unique: false, where: null }]);
    expect(tableOf(model, 'x')).toBeDefined();
    await rows(`insert into "${t.replace(/"/g, '""')}" ("${`${u} renamed`}") values (1)`);
    expect(await rows(`select "${c.replace(/"/g, '""')}" as v from "${t.replace(/"/g, '""')}"`)).toEqual([{ v: "'); drop table x; --" }]);
  });

  it('add, rename, retype and drop columns; nullability and defaults; data kept', async () => {
    await apply([
      {
        op: 'createTable',
        table: 'person',
        columns: [
          { name: 'id', type: { kind: 'integer' }, nullable: false },
          { name: 'age', type: { kind: 'text' } },
        ],
        primaryKey: { columns: ['id'] },
      },
    ]);
    await rows(`insert into person (id, age) values (1, '41'), (2, '7')`);
    const model = await apply([
      {
        op: 'addColumn',
        table: 'person',
        column: { name: 'nick', type: { kind: 'varchar', length: 20 }, nullable: false, default: { kind: 'value', value: 'anon' } },
      },
      { op: 'addColumn', table: 'person', column: { name: 'joined', type: { kind: 'timestamptz' }, nullable: false, default: { kind: 'now' } } },
      { op: 'addColumn', table: 'person', column: { name: 'gone', type: { kind: 'integer' } } },
      { op: 'alterColumnType', table: 'person', column: 'age', type: { kind: 'integer' } },
      { op: 'renameColumn', table: 'person', from: 'nick', to: 'nickname' },
      { op: 'setDefault', table: 'person', column: 'nickname', default: { kind: 'value', value: "o'neil" } },
      { op: 'setNullable', table: 'person', column: 'age', nullable: false },
      { op: 'dropColumn', table: 'person', column: 'gone' },
    ]);
    const person = tableOf(model, 'person');
    expect(person.columns.map((c) => [c.name, c.type.kind, c.nullable])).toEqual([
      ['id', 'integer', false],
      ['age', 'integer', false],
      ['nickname', 'varchar', false],
      ['joined', 'timestamptz', false],
    ]);
    expect(columnOf(model, 'person', 'nickname').default).toMatch(/o''neil/);
    expect(await rows(`select id, age, nickname from person order by id`)).toEqual([
      { id: 1, age: 41, nickname: 'anon' },
      { id: 2, age: 7, nickname: 'anon' },
    ]);
    await rows(`insert into person (id, age) values (3, 5)`);
    expect(await rows(`select nickname from person where id = 3`)).toEqual([{ nickname: "o'neil" }]);
    const after = await apply([
      { op: 'setDefault', table: 'person', column: 'nickname', default: null },
      { op: 'setNullable', table: 'person', column: 'age', nullable: true },
    ]);
    expect(columnOf(after, 'person', 'nickname').default).toBeNull();
    expect(columnOf(after, 'person', 'age').nullable).toBe(true);
    await expect(apply([{ op: 'setNullable', table: 'person', column: 'age', nullable: false }])).resolves.toBeDefined();
    await rows(`insert into person (id, age, nickname) values (4, 1, 'n')`);
    await expect(rows(`insert into person (id, nickname) values (5, 'n')`)).rejects.toThrow(/null/i);
  });

  it('indexes (unique, partial), foreign keys, checks and unique constraints come and go', async () => {
    await apply([
      { op: 'createTable', table: 'team', columns: [{ name: 'id', type: { kind: 'integer' }, nullable: false }], primaryKey: { columns: ['id'] } },
      {
        op: 'createTable',
        table: 'member',
        columns: [
          { name: 'id', type: { kind: 'integer' }, nullable: false },
          { name: 'team_id', type: { kind: 'integer' } },
          { name: 'email', type: { kind: 'text' } },
          { name: 'score', type: { kind: 'integer' } },
        ],
        primaryKey: { columns: ['id'] },
      },
    ]);
    await rows(`insert into team (id) values (1)`);
    await rows(`insert into member (id, team_id, email, score) values (1, 1, 'a@x', 3)`);
    const added = await apply([
      { op: 'createIndex', table: 'member', name: 'member_email_idx', columns: ['email'], unique: true, where: 'score > 0' },
      { op: 'createIndex', table: 'member', name: 'member_team_idx', columns: ['team_id'] },
      { op: 'addForeignKey', table: 'member', foreignKey: { name: 'member_team_fk', columns: ['team_id'], references: { table: 'team', columns: ['id'] } } },
      { op: 'addCheck', table: 'member', check: { name: 'member_score_check', expression: 'score >= 0' } },
      { op: 'addUnique', table: 'member', unique: { name: 'member_team_email_key', columns: ['team_id', 'email'] } },
    ]);
    const member = tableOf(added, 'member');
    expect(member.indexes.map((i) => [i.name, i.columns, i.unique, i.where !== null])).toEqual([
      ['member_email_idx', ['email'], true, true],
      ['member_team_idx', ['team_id'], false, false],
    ]);
    expect(member.foreignKeys).toMatchObject([{ name: 'member_team_fk', columns: ['team_id'], referencedTable: 'team', referencedColumns: ['id'] }]);
    expect(member.checks.map((c) => c.name)).toEqual(['member_score_check']);
    expect(member.uniques).toEqual([{ name: 'member_team_email_key', columns: ['team_id', 'email'] }]);
    expect(await rows(`select id, team_id, email, score from member`)).toEqual([{ id: 1, team_id: 1, email: 'a@x', score: 3 }]);
    await expect(rows(`insert into member (id, team_id) values (2, 99)`)).rejects.toThrow(/foreign key/i);
    await expect(rows(`insert into member (id, score) values (3, -1)`)).rejects.toThrow(/check/i);

    const dropped = await apply([
      { op: 'dropIndex', table: 'member', name: 'member_email_idx' },
      { op: 'dropForeignKey', table: 'member', name: 'member_team_fk' },
      { op: 'dropCheck', table: 'member', name: 'member_score_check' },
      { op: 'dropUnique', table: 'member', name: 'member_team_email_key' },
    ]);
    const bare = tableOf(dropped, 'member');
    expect([bare.foreignKeys, bare.checks, bare.uniques]).toEqual([[], [], []]);
    expect(bare.indexes.map((i) => i.name)).toEqual(['member_team_idx']);
  });

  it('a column that an index covers can be dropped; the index goes with it', async () => {
    await apply([
      {
        op: 'createTable',
        table: 'tagged',
        columns: [
          { name: 'id', type: { kind: 'integer' } },
          { name: 'tag', type: { kind: 'text' } },
        ],
      },
      { op: 'createIndex', table: 'tagged', name: 'tagged_tag_idx', columns: ['tag', 'id'] },
    ]);
    await rows(`insert into tagged (id, tag) values (1, 'a')`);
    const model = await apply([{ op: 'dropColumn', table: 'tagged', column: 'tag' }]);
    expect(tableOf(model, 'tagged').columns.map((c) => c.name)).toEqual(['id']);
    expect(tableOf(model, 'tagged').indexes).toEqual([]);
    expect(await rows(`select id from tagged`)).toEqual([{ id: 1 }]);
  });

  it('renameTable and dropTable; foreign keys elsewhere follow the rename', async () => {
    await apply([
      { op: 'createTable', table: 'old_name', columns: [{ name: 'id', type: { kind: 'integer' }, nullable: false }], primaryKey: { columns: ['id'] } },
      {
        op: 'createTable',
        table: 'pointer',
        columns: [{ name: 'ref', type: { kind: 'integer' } }],
        foreignKeys: [{ name: 'pointer_ref_fk', columns: ['ref'], references: { table: 'old_name', columns: ['id'] } }],
      },
    ]);
    const renamed = await apply([{ op: 'renameTable', from: 'old_name', to: 'new_name' }]);
    expect(renamed.tables.map((t) => t.name)).toContain('new_name');
    expect(renamed.tables.map((t) => t.name)).not.toContain('old_name');
    expect(tableOf(renamed, 'pointer').foreignKeys[0]!.referencedTable).toBe('new_name');
    const dropped = await apply([
      { op: 'dropTable', table: 'pointer' },
      { op: 'dropTable', table: 'new_name' },
    ]);
    expect(dropped.tables.map((t) => t.name)).not.toContain('pointer');
    expect(dropped.tables.map((t) => t.name)).not.toContain('new_name');
  });

  it('raw sql runs the text for this dialect', async () => {
    const model = await apply([{ op: 'sql', up: { postgres: 'create table raw_pg (a int)', sqlite: 'create table raw_lite (a int)' }, down: null }]);
    expect(model.tables.map((t) => t.name)).toContain(dialectName === 'postgres' ? 'raw_pg' : 'raw_lite');
    expect(() => migrations.compile({ op: 'sql', up: { mssql: 'select 1' }, down: null }, model)).toThrow(new RegExp(`no ${dialectName} text`));
  });

  it('raw sql with several statements, a trigger body and semicolons in strings runs whole', async () => {
    const trigger =
      dialectName === 'postgres'
        ? `create function raw_log_fn() returns trigger language plpgsql as $$ begin insert into raw_log values (case when new.a > 0 then 'pos;' else 'neg;' end); return new; end $$;
           create trigger raw_log_trg after insert on raw_many for each row execute function raw_log_fn();`
        : `create trigger raw_log_trg after insert on raw_many begin insert into raw_log values (case when new.a > 0 then 'pos;' else 'neg;' end); end;`;
    const text = `-- a comment; with a semicolon
      create table raw_many (a int); create table raw_log (what text);
      ${trigger}
      insert into raw_many values (1); insert into raw_many values (-1);`;
    await apply([{ op: 'sql', up: { [dialectName]: text }, down: null }]);
    expect(await rows('select what from raw_log order by what')).toEqual([{ what: 'neg;' }, { what: 'pos;' }]);
  });
});
