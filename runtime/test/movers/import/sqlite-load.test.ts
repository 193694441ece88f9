import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BulkRowError, type BulkValue } from '../../../src/dialects/bulk-load.ts';
import { sqliteBulk } from '../../../src/dialects/sqlite/bulk-load.ts';
import { openSqlite } from '../../../src/dialects/sqlite/driver.ts';
import { freshSqlitePath } from '../../../../test/helpers/databases.ts';

async function open(sqlText: string) {
  const file = await freshSqlitePath('load');
  const opened = await openSqlite({ dialect: 'sqlite', database: file } as never);
  (opened.native as Database.Database).exec(sqlText);
  return { file, tenant: opened, native: opened.native as Database.Database };
}

const rowsOf = (n: number, from = 1): BulkValue[][] => Array.from({ length: n }, (_, i) => [from + i, `name ${from + i}`, i % 7 === 0 ? null : (from + i) / 4]);
const load = (tenant: { db: never; native: unknown }, rows: BulkValue[][], options = {}) =>
  sqliteBulk.inTransaction(tenant, (session) => session.load('t', ['id', 'name', 'amount'], [rows.slice(0, 333), rows.slice(333)]), options);

describe('SQLite bulk load (rows in groups of one multi-row INSERT)', () => {
  it('loads a number of rows that is not a multiple of the group, in order and unchanged', async () => {
    const { tenant, native } = await open('create table t (id integer primary key, name text not null, amount real)');
    const rows = rowsOf(1001);
    expect(await load(tenant as never, rows)).toBe(1001);
    expect(native.prepare('select id, name, amount from t order by id').raw(true).all()).toEqual(rows);
    await tenant.close();
  });

  for (const [label, table, trigger] of [
    ['the default ABORT', 'create table t (id integer primary key, name text not null, amount real)', ''],
    // FAIL keeps the rows of the statement before the one refused: the group must be undone by its savepoint.
    ['ON CONFLICT FAIL', 'create table t (id integer primary key on conflict fail, name text not null on conflict fail, amount real)', ''],
    [
      'a trigger raising FAIL',
      'create table t (id integer primary key, name text, amount real)',
      `create trigger no_bad before insert on t when new.name = 'bad' begin select raise(fail, 'bad row'); end;`,
    ],
  ] as const) {
    // Row 700 sits inside the fifth statement of 166 rows (3 columns) of the first savepoint (16 statements); row
    // 3000 inside the second savepoint.
    for (const at of [700, 3000]) {
      it(`a refused row (${at}) in the middle of a group is named exactly under ${label}, and the table is left as it was`, async () => {
        const { tenant, native } = await open(`${table}; ${trigger} insert into t values (1, 'kept', 1.5);`);
        const rows = rowsOf(4000, 10);
        rows[at] = trigger ? [9000, 'bad', 1] : label === 'ON CONFLICT FAIL' ? [9000, null, 1] : [10 + at - 600, 'duplicate of row at - 600', 1];
        const error = await load(tenant as never, rows).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BulkRowError);
        expect((error as BulkRowError).index).toBe(at);
        expect(native.prepare('select id, name, amount from t').raw(true).all()).toEqual([[1, 'kept', 1.5]]);
        await tenant.close();
      });
    }
  }
});

describe('SQLite journal for one large load', () => {
  const settings = (native: Database.Database) => ({
    journal: native.pragma('journal_mode', { simple: true }),
    synchronous: native.pragma('synchronous', { simple: true }),
  });

  it('runs under a rollback journal with synchronous FULL, then sets WAL and NORMAL back, after a commit and after a failure', async () => {
    const { tenant, native } = await open('create table t (id integer primary key, name text not null, amount real)');
    expect(settings(native)).toEqual({ journal: 'wal', synchronous: 1 });
    const during = await sqliteBulk.inTransaction(tenant as never, async () => settings(native), { oneLargeLoad: true });
    expect(during).toEqual({ journal: 'delete', synchronous: 2 });
    expect(settings(native)).toEqual({ journal: 'wal', synchronous: 1 });
    const rows = rowsOf(10);
    rows[5] = [1, 'duplicate', null];
    await expect(load(tenant as never, rows, { oneLargeLoad: true })).rejects.toBeInstanceOf(BulkRowError);
    expect(native.prepare('select count(*) from t').pluck().get()).toBe(0);
    expect(settings(native)).toEqual({ journal: 'wal', synchronous: 1 });
    // Many small transactions (a copy's batches) keep WAL.
    expect(await sqliteBulk.inTransaction(tenant as never, async () => settings(native))).toEqual({ journal: 'wal', synchronous: 1 });
    await tenant.close();
  });

  it('keeps WAL when another connection has the file open (SQLite cannot leave WAL then), without waiting', async () => {
    const { file, tenant, native } = await open('create table t (id integer primary key, name text not null, amount real)');
    const other = new Database(file);
    other.prepare('select count(*) from t').get();
    const started = performance.now();
    const during = await sqliteBulk.inTransaction(tenant as never, async () => settings(native), { oneLargeLoad: true });
    expect(during).toEqual({ journal: 'wal', synchronous: 1 });
    expect(performance.now() - started).toBeLessThan(4000); // not the 5 s busy timeout
    expect(native.pragma('busy_timeout', { simple: true })).toBe(5000);
    other.close();
    await tenant.close();
  });

  it('a process killed inside the load leaves a hot journal that the next connection rolls back: the table is as it was', async () => {
    const { file, tenant, native } = await open("create table t (id integer primary key, name text not null); insert into t values (1, 'kept');");
    await tenant.close();
    native.close(); // Kysely closes the handle only if a query went through it
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('./fixtures/killed-load.ts', import.meta.url)), file, '50000'], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toBe('loaded delete\n'); // the load ran under the rollback journal
    expect(existsSync(`${file}-journal`)).toBe(true);
    const again = await openSqlite({ dialect: 'sqlite', database: file } as never);
    const reopened = again.native as Database.Database;
    expect(reopened.prepare('select id, name from t').raw(true).all()).toEqual([[1, 'kept']]);
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(reopened.pragma('journal_mode', { simple: true })).toBe('wal');
    await again.close();
    reopened.close();
  });
});
