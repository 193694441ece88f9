import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, introspect, type TenantDb } from '../../src/index.ts';
import { type MigrationOp, type MigrationOpInput, parseMigrationOps } from '../../src/contracts/migration-op.ts';
import type { NeutralType } from '../../src/contracts/schema-model.ts';
import { loadDialect } from '../../src/dialects/index.ts';
import { runCompiledStatement } from '../../src/dialects/migration-dialect.ts';
import { POSTGRES_MIGRATION_LOCK_KEY, postgresMigrations as migrations } from '../../src/dialects/postgres/migrate/index.ts';
import { freshTenantDb, pgAdminUrl } from '../../../test/helpers/databases.ts';
import { applyOps, columnOf, tableOf } from './apply.ts';

const op = (input: MigrationOpInput): MigrationOp => parseMigrationOps([input])[0]!;

/** One example of every op kind, for the statement-shape checks. */
const EVERY_OP: MigrationOpInput[] = [
  { op: 'createTable', table: 't', columns: [{ name: 'a', type: { kind: 'integer' } }] },
  { op: 'dropTable', table: 't' },
  { op: 'renameTable', from: 't', to: 'u' },
  { op: 'addColumn', table: 't', column: { name: 'b', type: { kind: 'text' } } },
  { op: 'dropColumn', table: 't', column: 'b' },
  { op: 'renameColumn', table: 't', from: 'a', to: 'c' },
  { op: 'alterColumnType', table: 't', column: 'a', type: { kind: 'bigint' } },
  { op: 'setNullable', table: 't', column: 'a', nullable: false },
  { op: 'setNullable', table: 't', column: 'a', nullable: true },
  { op: 'setDefault', table: 't', column: 'a', default: { kind: 'value', value: 1 } },
  { op: 'createIndex', table: 't', name: 'i', columns: ['a'] },
  { op: 'dropIndex', table: 't', name: 'i' },
  { op: 'addForeignKey', table: 't', foreignKey: { name: 'f', columns: ['a'], references: { table: 'v', columns: ['id'] } } },
  { op: 'dropForeignKey', table: 't', name: 'f' },
  { op: 'addCheck', table: 't', check: { name: 'k', expression: 'a > 0' } },
  { op: 'dropCheck', table: 't', name: 'k' },
  { op: 'addUnique', table: 't', unique: { name: 'q', columns: ['a'] } },
  { op: 'dropUnique', table: 't', name: 'q' },
  { op: 'createEnum', name: 'e', values: ['x'] },
  { op: 'dropEnum', name: 'e' },
  { op: 'addEnumValue', enum: 'e', value: 'y' },
  { op: 'sql', up: { postgres: 'select 1' }, down: null },
];

describe('Postgres migration compiler', () => {
  let tenant: TenantDb;
  const rows = async (text: string) => (await sql.raw<Record<string, unknown>>(text).execute(tenant.db)).rows;
  const apply = (ops: MigrationOpInput[]) => applyOps(tenant, migrations, ops);

  beforeAll(async () => {
    tenant = await freshTenantDb('postgres', 'migrate_pg');
  });

  it("is the postgres dialect's migrations member", async () => {
    expect((await loadDialect('postgres')).migrations).toBe(migrations);
  });

  it('safe forms: concurrent index builds alone, NOT VALID then VALIDATE alone, no strongLock outside a transaction', async () => {
    const empty = await introspect(tenant);
    const compiled = (input: MigrationOpInput) => migrations.compile(op(input), empty);
    for (const input of EVERY_OP) {
      for (const statement of compiled(input)) expect(statement.strongLock && statement.outsideTransaction, `${input.op}: ${statement.sql}`).toBeFalsy();
    }
    expect(compiled(EVERY_OP[10]!)).toEqual([{ sql: 'CREATE INDEX CONCURRENTLY "i" ON "t" ("a")', outsideTransaction: true }]);
    expect(compiled(EVERY_OP[11]!)).toEqual([{ sql: 'DROP INDEX CONCURRENTLY "i"', outsideTransaction: true }]);
    expect(
      compiled(EVERY_OP[12]!).map((s) => [s.sql.endsWith('NOT VALID'), s.sql.includes('VALIDATE CONSTRAINT "f"'), !!s.outsideTransaction, !!s.strongLock]),
    ).toEqual([
      [true, false, false, true],
      [false, true, true, false],
    ]);
    expect(compiled(EVERY_OP[14]!).map((s) => s.sql)).toEqual([
      'ALTER TABLE "t" ADD CONSTRAINT "k" CHECK (a > 0) NOT VALID',
      'ALTER TABLE "t" VALIDATE CONSTRAINT "k"',
    ]);
    const unique = compiled(EVERY_OP[16]!);
    expect(unique.map((s) => s.sql)).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY "q" ON "t" ("a")',
      'ALTER TABLE "t" ADD CONSTRAINT "q" UNIQUE USING INDEX "q"',
    ]);
    expect(unique.map((s) => [!!s.outsideTransaction, !!s.strongLock])).toEqual([
      [true, false],
      [false, true],
    ]);
    const notNull = compiled(EVERY_OP[7]!).map((s) => s.sql);
    expect(notNull).toHaveLength(5);
    expect(notNull[1]).toMatch(/^ALTER TABLE "t" ADD CONSTRAINT "byos_nn_[0-9a-f]{16}" CHECK \("a" IS NOT NULL\) NOT VALID$/);
    expect(notNull[2]).toMatch(/VALIDATE CONSTRAINT/);
    expect(notNull[3]).toBe('ALTER TABLE "t" ALTER COLUMN "a" SET NOT NULL');
    expect(notNull[4]).toMatch(/DROP CONSTRAINT "byos_nn_/);
    for (const kind of [
      'dropTable',
      'renameTable',
      'addColumn',
      'dropColumn',
      'renameColumn',
      'alterColumnType',
      'setDefault',
      'dropForeignKey',
      'dropCheck',
      'dropUnique',
    ]) {
      const input = EVERY_OP.find((o) => o.op === kind)!;
      expect(
        compiled(input).every((s) => s.strongLock),
        kind,
      ).toBe(true);
    }
  });

  it('SET NOT NULL through the check: refused while nulls exist (helper check replaced on retry), then applied', async () => {
    await apply([{ op: 'createTable', table: 'nn', columns: [{ name: 'v', type: { kind: 'integer' } }] }]);
    await rows('insert into nn values (1), (null)');
    await expect(apply([{ op: 'setNullable', table: 'nn', column: 'v', nullable: false }])).rejects.toThrow(/violated/);
    await rows('update nn set v = 2 where v is null');
    const model = await apply([{ op: 'setNullable', table: 'nn', column: 'v', nullable: false }]);
    expect(columnOf(model, 'nn', 'v').nullable).toBe(false);
    expect(tableOf(model, 'nn').checks).toEqual([]);
  });

  it('native types Postgres has beyond the portable ones read back as the same NeutralType', async () => {
    const types: Record<string, NeutralType> = {
      r: { kind: 'real' },
      m: { kind: 'money' },
      t3: { kind: 'time', precision: 3 },
      ts0: { kind: 'timestamptz', precision: 0 },
      iv: { kind: 'interval' },
      xs: { kind: 'array', element: { kind: 'varchar', length: 5 } },
      x: { kind: 'xml' },
      ip: { kind: 'network' },
      ch: { kind: 'char' },
      vc: { kind: 'varchar' },
      num: { kind: 'decimal' },
      n5: { kind: 'decimal', precision: 5, scale: 0 },
    };
    const model = await apply([{ op: 'createTable', table: 'natives', columns: Object.entries(types).map(([name, type]) => ({ name, type })) }]);
    for (const [name, type] of Object.entries(types)) expect(columnOf(model, 'natives', name).type, name).toEqual(type);
  });

  it('enums: CREATE TYPE, columns of it, values added before/after/at the end, DROP TYPE', async () => {
    const model = await apply([
      { op: 'createEnum', name: "mood's", values: ['sad', 'happy'] },
      { op: 'createTable', table: 'feel', columns: [{ name: 'm', type: { kind: 'enum', enumName: "mood's" }, default: { kind: 'value', value: 'sad' } }] },
      { op: 'addEnumValue', enum: "mood's", value: 'ok', before: 'happy' },
      { op: 'addEnumValue', enum: "mood's", value: 'meh', after: 'sad' },
      { op: 'addEnumValue', enum: "mood's", value: "it's fine" },
    ]);
    expect(model.enums).toEqual([{ schema: 'public', name: "mood's", values: ['sad', 'meh', 'ok', 'happy', "it's fine"] }]);
    expect(columnOf(model, 'feel', 'm').type).toEqual({ kind: 'enum', enumName: "mood's" });
    await rows(`insert into feel values ('it''s fine')`);
    await expect(rows(`insert into feel values ('angry')`)).rejects.toThrow(/invalid input value/);
    expect(() => migrations.compile(op({ op: 'addEnumValue', enum: 'e', value: 'v', before: 'a', after: 'b' }), model)).toThrow(/not both/);
    const dropped = await apply([
      { op: 'dropTable', table: 'feel' },
      { op: 'dropEnum', name: "mood's" },
    ]);
    expect(dropped.enums).toEqual([]);
  });

  it('alterColumnType casts explicitly by default and takes a USING expression', async () => {
    await apply([
      {
        op: 'createTable',
        table: 'conv',
        columns: [
          { name: 'n', type: { kind: 'text' } },
          { name: 'c', type: { kind: 'integer' } },
        ],
      },
    ]);
    await rows(`insert into conv values ('12', 250)`);
    const model = await apply([
      { op: 'alterColumnType', table: 'conv', column: 'n', type: { kind: 'bigint' } },
      { op: 'alterColumnType', table: 'conv', column: 'c', type: { kind: 'decimal', precision: 8, scale: 2 }, using: { postgres: 'c / 100.0' } },
    ]);
    expect(columnOf(model, 'conv', 'n').type).toEqual({ kind: 'bigint' });
    expect(await rows('select n::text as n, c::text as c from conv')).toEqual([{ n: '12', c: '2.50' }]);
  });

  it('a strongLock statement under a conflicting lock times out with an error isTimeout recognises', async () => {
    await apply([{ op: 'createTable', table: 'busy', columns: [{ name: 'id', type: { kind: 'integer' } }] }]);
    const holder = new pg.Client({ connectionString: databaseUrl(tenant) });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table busy in access share mode');
      const [statement] = migrations.compile(
        op({ op: 'addColumn', table: 'busy', column: { name: 'x', type: { kind: 'integer' } } }),
        await introspect(tenant),
      );
      expect(statement!.strongLock).toBe(true);
      const error = await tenant.db
        .transaction()
        .execute(async (trx) => {
          await sql.raw(migrations.lockTimeout!.statement(100)).execute(trx);
          await runCompiledStatement(trx, statement!);
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(Error);
      expect(migrations.lockTimeout!.isTimeout(error)).toBe(true);
      expect(migrations.lockTimeout!.isTimeout(new Error('other'))).toBe(false);
      await holder.query('rollback');
      expect(tableOf(await introspect(tenant), 'busy').columns.map((c) => c.name)).toEqual(['id']);
    } finally {
      await holder.end();
    }
    expect(() => migrations.lockTimeout!.statement(0)).toThrow(/positive whole number/);
    expect(migrations.lockTimeout!.statement(1500)).toBe("SET LOCAL lock_timeout = '1500ms'");
  });

  it('withMigrationLock serialises two runners on different connections and releases on failure', async () => {
    const other = await freshTenantDbOn(tenant);
    const events: string[] = [];
    const runner = (name: string, db: TenantDb) =>
      migrations.withMigrationLock(db.db, async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 150));
        events.push(`${name} out`);
      });
    await Promise.all([runner('a', tenant), runner('b', other)]);
    expect([events.slice(0, 2), events.slice(2)].map((pair) => pair[0]!.split(' ')[0] === pair[1]!.split(' ')[0])).toEqual([true, true]);
    await expect(migrations.withMigrationLock(tenant.db, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    // Released: another session takes it at once.
    const probe = new pg.Client({ connectionString: databaseUrl(tenant) });
    await probe.connect();
    try {
      const { rows: got } = await probe.query(`select pg_try_advisory_lock(${POSTGRES_MIGRATION_LOCK_KEY}) as ok`);
      expect(got[0].ok).toBe(true);
    } finally {
      await probe.end();
    }
  });
});

/** The URL of the tenant's database (the test server's superuser). */
function databaseUrl(tenant: TenantDb): string {
  const url = new URL(pgAdminUrl());
  url.pathname = `/${tenant.profile.database}`;
  return url.toString();
}

/** A second connection pool on the same database. */
async function freshTenantDbOn(tenant: TenantDb): Promise<TenantDb> {
  const other = await connect(databaseUrl(tenant));
  afterAll(() => other.close());
  return other;
}
