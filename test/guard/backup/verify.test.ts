import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TenantDb } from '@byos/runtime';
import { verifyBackup } from '@byos/runtime/guard/backup';
import { freshTenantDb } from '../../helpers/databases.ts';
import { startSystemPostgres, SYSTEM_PG_BIN, type SystemPostgres } from '../../helpers/system-postgres.ts';

let server: SystemPostgres;

beforeAll(async () => {
  server = await startSystemPostgres();
});
afterAll(async () => {
  await server?.stop();
});

/** A new database on the PostgreSQL 15 server, connected, with `setup` run in it. */
async function tenantOn15(name: string, setup: string): Promise<TenantDb> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(setup);
  await client.end();
  const tenant = await connect(url);
  afterAll(() => tenant.close());
  return tenant;
}

async function scratchDatabases(): Promise<string[]> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'byos_verify_%'`);
  await admin.end();
  return rows.map((r) => r.datname);
}

// Several CLI processes (or pg_dump/pg_restore runs) per test, on a machine shared with other work: a 3-minute budget.
describe('byos backup verify (pg_dump, pg_restore into a scratch database, per-table checksums)', { timeout: 180_000 }, () => {
  it('a clean dump restores with equal row counts and checksums; the scratch database is dropped', async () => {
    const tenant = await tenantOn15(
      'clean',
      `create schema crm;
       create table crm.customers (id int primary key, email text, born date, tags text[], meta jsonb, balance numeric(12,2));
       insert into crm.customers select g, 'u' || g || '@example.com', date '1980-01-01' + g, array['a', 'b' || g], jsonb_build_object('n', g), g * 1.25
         from generate_series(1, 500) g;
       create table invoices (id bigint generated always as identity primary key, customer int references crm.customers, total numeric);
       insert into invoices (customer, total) select (g % 500) + 1, g from generate_series(1, 1200) g;
       create table empty_table (x int);`,
    );
    const steps: string[] = [];
    const result = await verifyBackup(tenant, { binDir: server.binDir, onStep: (s) => steps.push(s) });
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.tools).toMatchObject({ toolMajor: 15, serverMajor: 15 });
    expect(result.dumpBytes).toBeGreaterThan(1000);
    const byTable = Object.fromEntries(result.tables.map((t) => [t.table, t]));
    expect(Object.keys(byTable).sort()).toEqual(['crm.customers', 'empty_table', 'invoices']);
    expect(byTable['crm.customers']).toMatchObject({ sourceRows: 500, restoredRows: 500, equal: true });
    expect(byTable.invoices).toMatchObject({ sourceRows: 1200, restoredRows: 1200, equal: true });
    expect(byTable.invoices!.sourceChecksum).toMatch(/^[0-9a-f]{32}$/);
    expect(byTable.invoices!.sourceChecksum).toBe(byTable.invoices!.restoredChecksum);
    expect(steps).toContain('restoring into a scratch database');
    expect(await scratchDatabases()).toEqual([]);
  });

  it('a table whose data fails to restore is reported, with the restore error', async () => {
    // The CHECK calls a function that names its table without a schema. pg_restore runs with an empty search_path,
    // so loading `items` fails and the restored table stays empty: the classic dump that does not restore.
    const tenant = await tenantOn15(
      'broken',
      `create table allowed (code text primary key);
       insert into allowed values ('a'), ('b');
       create function code_ok(c text) returns boolean language plpgsql as $$ begin return exists (select 1 from allowed where code = c); end $$;
       create table items (id int primary key, code text check (code_ok(code)));
       insert into items values (1, 'a'), (2, 'b'), (3, 'a');`,
    );
    const result = await verifyBackup(tenant, { binDir: server.binDir });
    expect(result.ok).toBe(false);
    const rules = result.findings.map((f) => `${f.rule} ${f.subject}`);
    expect(rules).toContain('backup-row-count items');
    expect(result.findings.find((f) => f.rule === 'backup-row-count')!.message).toBe('items has 3 rows live but 0 after restore');
    const restoreError = result.findings.find((f) => f.rule === 'backup-restore-error')!;
    expect(restoreError.message).toMatch(/relation "allowed" does not exist/);
    expect(restoreError.message).toMatch(/COPY failed for table "items"/);
    expect(result.tables.find((t) => t.table === 'allowed')!.equal).toBe(true);
    expect(await scratchDatabases()).toEqual([]);
  });

  it('refuses a pg_dump older than the server, naming both versions and the fix', async () => {
    const tenant = await freshTenantDb('postgres', 'backup18');
    await expect(verifyBackup(tenant, { binDir: SYSTEM_PG_BIN })).rejects.toThrow(
      'pg_dump 15 cannot dump a PostgreSQL 18 server; install postgresql-client-18 or set BYOS_PG_BIN',
    );
  });

  it('names a missing tool and a dialect without one', async () => {
    const tenant = await freshTenantDb('postgres', 'backup_missing');
    await expect(verifyBackup(tenant, { binDir: '/nonexistent/pg/bin' })).rejects.toThrow('pg_dump not found in /nonexistent/pg/bin');
    const sqlite = await freshTenantDb('sqlite', 'backup');
    await sql`create table t (x int)`.execute(sqlite.db);
    await expect(verifyBackup(sqlite)).rejects.toThrow('backup verify needs dump and restore tools; the sqlite dialect has none');
  });
});
