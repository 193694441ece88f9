import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, introspect, type TenantDb } from '@byos/runtime';
import type { ConnectionProfileInput, DialectName } from '@byos/runtime';
import { loadMigrations, migrateDown, migrateUp, MigrationFailedError, MigrationRefusedError, readJournal } from '@byos/runtime/migrate';
import { DIALECTS, freshProfile } from '../helpers/databases.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A migration folder holding `files` (name → text). */
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-migrations-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const ts = (ops: unknown[]) => `export default { ops: ${JSON.stringify(ops, null, 2)} };\n`;

const CUSTOMERS = ts([
  {
    op: 'createTable',
    table: 'customers',
    columns: [
      { name: 'id', type: { kind: 'integer' }, nullable: false, identity: 'by-default' },
      { name: 'email', type: { kind: 'varchar', length: 120 }, nullable: false },
    ],
    primaryKey: { columns: ['id'] },
  },
]);
const PHONE = ts([{ op: 'addColumn', table: 'customers', column: { name: 'phone', type: { kind: 'text' } } }]);
const SEED = "-- byos:up\nINSERT INTO customers (email) VALUES ('ann@example.com')\n-- byos:down\nDELETE FROM customers\n";

async function tenantPair(dialect: DialectName): Promise<[TenantDb, TenantDb, ConnectionProfileInput]> {
  const profile = await freshProfile(dialect, 'runner');
  const a = await connect(profile);
  const b = await connect(profile);
  afterAll(async () => {
    await a.close();
    await b.close();
  });
  return [a, b, profile];
}

describe.each(DIALECTS)('migration runner on %s', (dialect) => {
  it('down reverts a column or table that holds no values without --force-lossy, and refuses once one holds a value', async () => {
    const [tenant] = await tenantPair(dialect);
    const dir = await folder({ '0001_customers.ts': CUSTOMERS, '0002_phone.ts': PHONE });
    const migrations = await loadMigrations(dir);
    await migrateUp(tenant, migrations);
    await sql`insert into customers (email) values ('ann@example.com')`.execute(tenant.db);
    // phone was added and never filled: dropping it again loses nothing.
    expect((await migrateDown(tenant, migrations)).ran.map((r) => r.id)).toEqual(['0002']);
    await migrateUp(tenant, migrations);
    await sql`update customers set phone = '+1 555 0100'`.execute(tenant.db);
    await expect(migrateDown(tenant, migrations)).rejects.toThrow(/drops column customers\.phone and its 1 value\b/);
    await sql`update customers set phone = null`.execute(tenant.db);
    await sql`delete from customers`.execute(tenant.db);
    // With no row left, the table's drop loses nothing either.
    expect((await migrateDown(tenant, migrations, { to: '0' })).ran.map((r) => r.id)).toEqual(['0002', '0001']);
    expect((await introspect(tenant)).tables.map((t) => t.name).filter((n) => n === 'customers')).toEqual([]);
  });

  it('refuses an applied migration that was edited, is missing, or a new one older than the last applied', async () => {
    const [tenant] = await tenantPair(dialect);
    const dir = await folder({ '0001_customers.ts': CUSTOMERS, '0002_phone.ts': PHONE });
    await migrateUp(tenant, await loadMigrations(dir));

    await writeFile(join(dir, '0002_phone.ts'), PHONE.replace('phone', 'mobile'));
    await expect(migrateUp(tenant, await loadMigrations(dir))).rejects.toThrow(
      /migration 0002_phone was edited after it was applied \(checksum [0-9a-f]{12}… recorded, [0-9a-f]{12}… now/,
    );
    await writeFile(join(dir, '0002_phone.ts'), PHONE);

    await rm(join(dir, '0002_phone.ts'));
    await expect(migrateUp(tenant, await loadMigrations(dir))).rejects.toThrow('migration 0002_phone is applied');
    await writeFile(join(dir, '0002_phone.ts'), PHONE);

    await writeFile(join(dir, '0001.5_x.sql'), '');
    await expect(loadMigrations(dir)).rejects.toThrow(/0001\.5_x\.sql: not a migration file name/);
    await rm(join(dir, '0001.5_x.sql'));
    await writeFile(join(dir, '00015_late.sql'), SEED);
    await writeFile(join(dir, '0000_early.sql'), SEED);
    await expect(migrateUp(tenant, await loadMigrations(dir))).rejects.toThrow(/migration 0000_early is older than the last applied one \(0002_phone\)/);
    expect((await readJournal(tenant.db)).map((e) => e.id)).toEqual(['0001', '0002']);
  });

  it('two runners started together apply each migration exactly once', async () => {
    const [a, b] = await tenantPair(dialect);
    const migrations = await loadMigrations(await folder({ '0001_customers.ts': CUSTOMERS, '0002_phone.ts': PHONE, '0003_seed.sql': SEED }));
    const [x, y] = await Promise.all([migrateUp(a, migrations), migrateUp(b, migrations)]);
    expect([...x.ran, ...y.ran].map((r) => r.id).sort()).toEqual(['0001', '0002', '0003']);
    // One runner did everything, the other found the journal written once it got the lock.
    expect([x.ran.length, y.ran.length].sort()).toEqual([0, 3]);
    expect((await readJournal(a.db)).map((e) => [e.id, e.dialect])).toEqual([
      ['0001', dialect],
      ['0002', dialect],
      ['0003', dialect],
    ]);
    expect(await a.db.selectFrom('customers').select('email').execute()).toEqual([{ email: 'ann@example.com' }]);
  });

  it('a migration that fails half-way leaves schema and journal as they were', async () => {
    const [tenant] = await tenantPair(dialect);
    const dir = await folder({ '0001_customers.ts': CUSTOMERS });
    await migrateUp(tenant, await loadMigrations(dir));
    const schema = await introspect(tenant);
    const journal = await readJournal(tenant.db);
    await writeFile(
      join(dir, '0002_breaks.ts'),
      ts([
        { op: 'addColumn', table: 'customers', column: { name: 'phone', type: { kind: 'text' } } },
        // Built outside the transaction on Postgres (CONCURRENTLY), so the runner must undo it by hand.
        { op: 'createIndex', table: 'customers', name: 'customers_phone_idx', columns: ['phone'] },
        { op: 'createTable', table: 'notes', columns: [{ name: 'body', type: { kind: 'text' } }] },
        { op: 'sql', up: { postgres: 'SELECT * FROM no_such_table', sqlite: 'SELECT * FROM no_such_table' }, down: null },
      ]),
    );
    const failure = await migrateUp(tenant, await loadMigrations(dir)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect((failure as Error).message).toMatch(/migration 0002_breaks failed and was rolled back: .*no_such_table/);
    expect(await introspect(tenant)).toEqual(schema);
    expect(await readJournal(tenant.db)).toEqual(journal);
  });

  it('runs a SQL migration’s down section, and refuses to revert one without a down section', async () => {
    const [tenant] = await tenantPair(dialect);
    const dir = await folder({
      '0001_customers.ts': CUSTOMERS,
      '0002_seed.sql': `-- byos:up postgres\nINSERT INTO customers (email) VALUES ('pg@example.com')\n-- byos:up sqlite\nINSERT INTO customers (email) VALUES ('lite@example.com')\n-- byos:down\nDELETE FROM customers\n`,
      '0003_forever.sql': '-- byos:up\nUPDATE customers SET email = lower(email)\n',
    });
    const migrations = await loadMigrations(dir);
    await migrateUp(tenant, migrations);
    expect(await tenant.db.selectFrom('customers').select('email').execute()).toEqual([
      { email: dialect === 'postgres' ? 'pg@example.com' : 'lite@example.com' },
    ]);
    await expect(migrateDown(tenant, migrations)).rejects.toThrow(MigrationRefusedError);
    await expect(migrateDown(tenant, migrations)).rejects.toThrow('migration 0003_forever cannot be reverted: no inverse: a raw SQL op with down: null');
    expect((await readJournal(tenant.db)).map((e) => e.id)).toEqual(['0001', '0002', '0003']);
  });
});

describe('a half-done migration on postgres, whose safe forms commit part of the work', () => {
  it('cleans up what each failing safe form left (invalid unique index, helper NOT NULL check, NOT VALID foreign key)', async () => {
    const [tenant] = await tenantPair('postgres');
    const dir = await folder({
      '0001_customers.ts': CUSTOMERS,
      '0002_phone.ts': PHONE,
      '0003_twins.sql': "-- byos:up\nINSERT INTO customers (email) VALUES ('twin@example.com'), ('twin@example.com')\n-- byos:down\nDELETE FROM customers\n",
    });
    await migrateUp(tenant, await loadMigrations(dir));
    const schema = await introspect(tenant);
    const journal = await readJournal(tenant.db);
    const failing: Record<string, unknown[]> = {
      // CREATE UNIQUE INDEX CONCURRENTLY fails on the twins and leaves an invalid index behind.
      '0004_unique_email.ts': [{ op: 'addUnique', table: 'customers', unique: { name: 'customers_email_key', columns: ['email'] } }],
      // ADD CHECK … NOT VALID commits, VALIDATE fails on the NULL phones.
      '0004_phone_required.ts': [{ op: 'setNullable', table: 'customers', column: 'phone', nullable: false }],
      // A table and a row commit with the NOT VALID foreign key, then VALIDATE fails on the orphan.
      '0004_orders.ts': [
        { op: 'createTable', table: 'orders', columns: [{ name: 'customer_id', type: { kind: 'integer' } }] },
        { op: 'sql', up: { postgres: 'INSERT INTO orders VALUES (999)' }, down: { postgres: 'DELETE FROM orders' } },
        {
          op: 'addForeignKey',
          table: 'orders',
          foreignKey: { name: 'orders_customer_fk', columns: ['customer_id'], references: { table: 'customers', columns: ['id'] } },
        },
      ],
    };
    for (const [file, ops] of Object.entries(failing)) {
      await writeFile(join(dir, file), ts(ops));
      await expect(migrateUp(tenant, await loadMigrations(dir)), file).rejects.toThrow(/failed and was rolled back/);
      expect(await introspect(tenant), file).toEqual(schema);
      expect(await readJournal(tenant.db)).toEqual(journal);
      await rm(join(dir, file));
    }
  });
});

describe('lock timeouts on postgres', () => {
  it('retries a migration whose strong lock times out, and gives up after the last retry with nothing changed', async () => {
    const [tenant, , profile] = await tenantPair('postgres');
    const dir = await folder({ '0001_customers.ts': CUSTOMERS });
    await migrateUp(tenant, await loadMigrations(dir));
    await writeFile(join(dir, '0002_phone.ts'), PHONE);
    const migrations = await loadMigrations(dir);
    const schema = await introspect(tenant);
    const blocker = new pg.Client({ host: profile.host, port: profile.port, database: profile.database, user: profile.user, password: profile.password });
    await blocker.connect();
    try {
      await blocker.query('BEGIN; LOCK TABLE customers IN ACCESS SHARE MODE');
      const failure = await migrateUp(tenant, migrations, { lockTimeoutMs: 50, retries: 1, retryDelayMs: 10 }).catch((error: unknown) => error);
      expect((failure as Error).message).toMatch(/0002_phone failed and was rolled back: .*lock timeout/);
      expect((await readJournal(tenant.db)).map((e) => e.id)).toEqual(['0001']);
      expect(await introspect(tenant)).toEqual(schema);

      // Released while the runner backs off after its second timeout: the next attempt gets the lock.
      let retries = 0;
      let released: Promise<unknown> = Promise.resolve();
      const run = migrateUp(tenant, migrations, {
        lockTimeoutMs: 50,
        retries: 8,
        retryDelayMs: 20,
        onRetry: () => {
          if (++retries === 2) released = blocker.query('COMMIT');
        },
      });
      await run;
      await released;
      expect((await run).ran.map((r) => r.id)).toEqual(['0002']);
      expect(retries).toBeGreaterThanOrEqual(2);
      const journal = await sql<{ n: string }>`select count(*) as n from byos_migrations`.execute(tenant.db);
      expect(Number(journal.rows[0]!.n)).toBe(2);
    } finally {
      await blocker.end();
    }
  });
});
