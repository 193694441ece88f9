import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, type TenantDb } from '../../../src/index.ts';
import { SQLITE_BUSY_TIMEOUT_MS, sqlitePragmas } from '../../../src/dialects/sqlite/driver.ts';
import { freshSqlitePath, freshTenantDb } from '../../../../test/helpers/databases.ts';

async function pragma(tenant: TenantDb, name: string): Promise<unknown> {
  const row = (await sql.raw(`pragma ${name}`).execute(tenant.db)).rows[0] as Record<string, unknown>;
  return Object.values(row)[0];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('sqlite pragmas', () => {
  it('sets WAL, foreign keys, the busy timeout and synchronous=NORMAL, in that order', () => {
    expect(sqlitePragmas()).toEqual(['journal_mode = WAL', 'foreign_keys = ON', `busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`, 'synchronous = NORMAL']);
    expect(sqlitePragmas(250)).toContain('busy_timeout = 250');
  });

  it('refuses a busy timeout that is not a whole number of milliseconds', () => {
    expect(() => sqlitePragmas(-1)).toThrow(/busy timeout must be a whole number of milliseconds, got -1/);
    expect(() => sqlitePragmas(1.5)).toThrow(/got 1.5/);
  });
});

describe('sqlite connector', () => {
  it('creates the file and opens it in WAL mode with synchronous=NORMAL', async () => {
    const path = await freshSqlitePath('wal');
    expect(existsSync(path)).toBe(false);
    const tenant = await connect(`sqlite:${path}`);
    try {
      expect(await pragma(tenant, 'journal_mode')).toBe('wal');
      expect(await pragma(tenant, 'synchronous')).toBe(1); // NORMAL
      await sql`create table t (x integer)`.execute(tenant.db);
      await sql`insert into t values (1)`.execute(tenant.db);
      expect(existsSync(`${path}-wal`)).toBe(true);
    } finally {
      await tenant.close();
    }
  });

  it('enforces foreign keys', async () => {
    const tenant = await freshTenantDb('sqlite', 'fk');
    expect(await pragma(tenant, 'foreign_keys')).toBe(1);
    await sql`create table parent (id integer primary key)`.execute(tenant.db);
    await sql`create table child (id integer primary key, parent_id integer references parent (id))`.execute(tenant.db);
    await sql`insert into parent (id) values (1)`.execute(tenant.db);
    await sql`insert into child (id, parent_id) values (1, 1)`.execute(tenant.db);
    await expect(sql`insert into child (id, parent_id) values (2, 42)`.execute(tenant.db)).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await expect(sql`delete from parent where id = 1`.execute(tenant.db)).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });

  it('waits for another writer instead of failing: the busy timeout', async () => {
    const tenant = await freshTenantDb('sqlite', 'busy');
    expect(await pragma(tenant, 'busy_timeout')).toBe(SQLITE_BUSY_TIMEOUT_MS);
    await sql`create table t (who text)`.execute(tenant.db);
    const path = (await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(tenant.db)).rows[0]!.file;

    // Another thread takes the write lock, waits for our go, then holds the lock a moment longer and commits.
    const go = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const db = new (require(workerData.driver))(workerData.path);
       db.exec("begin immediate; insert into t values ('worker')");
       parentPort.postMessage('locked');
       Atomics.wait(workerData.go, 0, 0);
       Atomics.wait(workerData.go, 0, 1, 300);
       db.exec('commit');
       db.close();`,
      { eval: true, workerData: { path, go, driver: createRequire(import.meta.url).resolve('better-sqlite3') } },
    );
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await new Promise((resolve) => worker.once('message', resolve));

    // Without a busy timeout a writer fails at once while the lock is held.
    const impatient = new Database(path, { timeout: 0 });
    expect(() => impatient.exec("insert into t values ('impatient')")).toThrow(/database is locked/);
    impatient.close();

    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    await sql`insert into t values ('tenant')`.execute(tenant.db);
    await exited;
    expect((await sql<{ who: string }>`select who from t order by rowid`.execute(tenant.db)).rows.map((r) => r.who)).toEqual(['worker', 'tenant']);
  });

  it('names the missing directory instead of creating it', async () => {
    const path = join(dirname(await freshSqlitePath('missing')), 'no-such-dir', 'tenant.sqlite');
    await expect(connect(`sqlite:${path}`)).rejects.toThrow(`cannot open SQLite database ${path}: directory ${dirname(path)} does not exist`);
    expect(existsSync(dirname(path))).toBe(false);
  });

  it('names a path that is a directory', async () => {
    const path = join(dirname(await freshSqlitePath('dir')), 'a-folder');
    await mkdir(path);
    await expect(connect(`sqlite:${path}`)).rejects.toThrow(`cannot open SQLite database ${path}: it is a directory, not a file`);
  });

  it('names the file that is not a SQLite database', async () => {
    const path = await freshSqlitePath('garbage');
    await writeFile(path, 'this is not a database, just text that is long enough to have a header'.repeat(20));
    await expect(connect(`sqlite:${path}`)).rejects.toThrow(
      new RegExp(
        `^cannot connect to local-sqlite database ${escapeRegExp(path)}: cannot open SQLite database ${escapeRegExp(path)}: file is not a database \\(the file exists but is not a SQLite database\\)$`,
      ),
    );
  });

  it('opens an in-memory database', async () => {
    const tenant = await connect({ provider: 'local-sqlite', dialect: 'sqlite', database: ':memory:' });
    try {
      expect(await pragma(tenant, 'foreign_keys')).toBe(1);
      expect((await sql<{ v: number }>`select 1 + 1 as v`.execute(tenant.db)).rows).toEqual([{ v: 2 }]);
    } finally {
      await tenant.close();
    }
  });
});
