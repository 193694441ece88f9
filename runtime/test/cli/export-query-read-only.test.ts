import pg from 'pg';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type TenantDb } from '../../src/index.ts';
import { runCliInProcess } from '../../../test/helpers/cli.ts';
import { freshPostgresDatabase, freshSqlitePath } from '../../../test/helpers/databases.ts';

// Issue 15, item 7: `export --query` ran the user's SQL as written, so `select 1; commit; drop table victim` dropped
// the table on Postgres and `delete … returning *` deleted rows on SQLite, exit 0. A query now runs as one statement
// in a read-only transaction (Postgres: extended protocol inside BEGIN READ ONLY; SQLite: a prepared statement that
// must be read-only, run with query_only on); anything else is refused before it writes.

const dir = await mkdtemp(join(tmpdir(), 'byos-export-ro-'));
const opened: TenantDb[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
  await rm(dir, { recursive: true, force: true });
});

async function seeded(url: string, extra: string[] = []): Promise<TenantDb> {
  const tenant = await connect(url);
  opened.push(tenant);
  await sql`create table victim (id integer primary key, body text)`.execute(tenant.db);
  await sql`insert into victim values (1, 'one'), (2, 'two'), (3, 'three')`.execute(tenant.db);
  for (const statement of extra) await sql.raw(statement).execute(tenant.db);
  return tenant;
}

async function victimRows(tenant: TenantDb): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from victim`.execute(tenant.db);
  return Number(rows[0]!.n);
}

async function exportQuery(url: string, query: string, name: string) {
  const out = join(dir, `${name}.csv`);
  const result = await runCliInProcess(['export', '--url', url, '--query', query, '--out', out, '--json']);
  return { ...result, out };
}

const POSTGRES_WRITES = [
  'select 1; commit; drop table victim',
  'select 1; drop table victim',
  'delete from victim returning *',
  'with d as (delete from victim returning *) select * from d',
  'select zap()',
  "select nextval('counter')",
  "select set_config('transaction_read_only', 'off', false), (select count(*) from zap_all())",
];

const SQLITE_WRITES = [
  'delete from victim returning *',
  "insert into victim values (9, 'nine') returning *",
  "update victim set body = 'x' returning *",
  'select 1; drop table victim',
  'drop table victim',
  'pragma journal_mode = delete',
  'pragma wal_checkpoint(truncate)',
];

describe('export --query only reads', () => {
  it('Postgres: multiple statements, writes and writing functions are refused; the table is intact', async () => {
    const url = await freshPostgresDatabase('export_ro');
    const tenant = await seeded(url, [
      'create sequence counter',
      "create function zap() returns integer language sql as 'delete from victim returning 1'",
      "create function zap_all() returns setof integer language sql as 'delete from victim returning 1'",
    ]);
    for (const [i, query] of POSTGRES_WRITES.entries()) {
      const result = await exportQuery(url, query, `pg-write-${i}`);
      expect(result.code, `${query}: ${result.stderr}`).not.toBe(0);
      expect(result.stderr, query).toMatch(/^byos: .*(one statement|read-only|only reads)/m);
      expect(result.stderr.trim().split('\n'), query).toHaveLength(1);
      expect(JSON.parse(result.stdout).error.code, query).toMatch(/^(invalid-input|failed)$/);
      expect(await victimRows(tenant), query).toBe(3);
    }
    const { rows } = await sql<{ n: string }>`select last_value::text as n from counter`.execute(tenant.db);
    expect(rows[0]!.n).toBe('1');
    const { rows: called } = await sql<{ c: boolean }>`select is_called as c from counter`.execute(tenant.db);
    expect(called[0]!.c).toBe(false);
  });

  it('Postgres: a plain SELECT (with a trailing semicolon, a comment, a CTE) still exports', async () => {
    const url = await freshPostgresDatabase('export_ro_ok');
    await seeded(url);
    for (const [i, query] of [
      'select id, body from victim order by id;',
      'with v as (select * from victim) select body from v order by id -- the bodies',
      'values (1), (2)',
    ].entries()) {
      const result = await exportQuery(url, query, `pg-read-${i}`);
      expect(result.code, `${query}: ${result.stderr}`).toBe(0);
      expect((await readFile(result.out, 'utf8')).split('\r\n').filter(Boolean).length, query).toBeGreaterThan(2);
    }
  });

  it('Postgres: functions a read-only transaction still lets write leave nothing behind (the export rolls back)', async () => {
    const url = await freshPostgresDatabase('export_ro_side_effects');
    const tenant = await seeded(url, ['create schema imported']);
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.channel));
    await listener.query('listen byos_export_probe');
    try {
      const collations = await exportQuery(url, "select pg_import_system_collations('imported')", 'pg-collations');
      expect(collations.code, collations.stderr).toBe(0);
      const { rows } = await sql<{ n: string }>`select count(*)::text as n from pg_collation where collnamespace = 'imported'::regnamespace`.execute(tenant.db);
      expect(rows[0]!.n).toBe('0');
      const notify = await exportQuery(url, "select pg_notify('byos_export_probe', 'x')", 'pg-notify');
      expect(notify.code, notify.stderr).toBe(0);
      await listener.query('select 1'); // a round trip: a delivered notification has arrived by now
      expect(heard).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it('SQLite: statements that write, or several statements, are refused; the table is intact', async () => {
    const path = await freshSqlitePath('export_ro');
    const url = `sqlite:${path}`;
    const tenant = await seeded(url);
    const journal = async () => (await sql<{ journal_mode: string }>`pragma journal_mode`.execute(tenant.db)).rows[0]!.journal_mode;
    const before = await journal();
    for (const [i, query] of SQLITE_WRITES.entries()) {
      const result = await exportQuery(url, query, `sqlite-write-${i}`);
      expect(result.code, `${query}: ${result.stderr}`).not.toBe(0);
      expect(result.stderr, query).toMatch(/^byos: .*(one statement|read-only|only reads)/m);
      expect(await victimRows(tenant), query).toBe(3);
      expect(existsSync(join(dir, `sqlite-write-${i}.csv`)) ? (await readFile(join(dir, `sqlite-write-${i}.csv`), 'utf8')).includes('one') : false, query).toBe(
        false,
      );
    }
    expect(await journal()).toBe(before);
    const ok = await exportQuery(url, 'select * from victim order by id;', 'sqlite-read');
    expect(ok.code, ok.stderr).toBe(0);
    expect(await readFile(ok.out, 'utf8')).toContain('three');
  });
});

describe('SQL Server: the text of an exported query is checked before it is sent (no server on this machine)', () => {
  it('refuses several statements, with or without semicolons, and every statement that writes or escapes', async () => {
    const { assertReadOnlyTsql } = await import('../../src/dialects/mssql/read-only-query.ts');
    for (const query of [
      'select 1; drop table victim',
      'select 1 drop table victim',
      'select 1 select 2',
      'select (select 1) select 2',
      'delete from victim output deleted.*',
      'select * into copy_of_victim from victim',
      'with d as (select 1 as x) delete from victim',
      "select 1; exec('drop table victim')",
      'exec sp_who',
      "select * from openrowset(bulk N'c:\\x', single_clob) as x",
      'begin tran select 1 commit',
      'set nocount on select 1',
      "waitfor delay '00:01'",
      "select 'unclosed",
      'select 1 /* unclosed',
      'update victim set body = 1',
    ]) {
      expect(() => assertReadOnlyTsql(query), query).toThrow(/one statement that only reads/);
    }
  });

  it('accepts one SELECT, CTEs, set operations, and keywords inside strings, [names] and comments', async () => {
    const { assertReadOnlyTsql } = await import('../../src/dialects/mssql/read-only-query.ts');
    for (const query of [
      'select * from victim order by id;',
      "SELECT TOP 10 [delete], [set] FROM [drop table] WHERE body = N'; drop table victim' -- delete me",
      'with a as (select 1 as x), b as (select x from a) select * from b',
      'select 1 union all select 2 except select 3',
      "select 'it''s; insert' as s /* a /* nested */ comment with delete */",
      "select * from victim with (nolock) where id in (select id from victim where body like '%insert%')",
    ]) {
      expect(() => assertReadOnlyTsql(query), query).not.toThrow();
    }
  });
});
