import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, introspect } from '@byos/runtime';
import { loadMigrations, migrateDown, migrateUp } from '@byos/runtime/migrate';
import { opsFromSentence } from '@byos/runtime/migrate/sentence';
import { nextId, slug } from '../../cli/src/commands/migrate-authoring.ts';
import { demoSentenceMigrations } from '../../cli/src/demo/sentences.ts';
import { runCliInProcess } from '../helpers/cli.ts';
import { DIALECTS, freshProfile } from '../helpers/databases.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-migrate-new-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('byos migrate new', { timeout: 180_000 }, () => {
  it('--dry-run --json prints ops, SQL per dialect, findings and rollback, and writes nothing', async () => {
    const target = join(dir, 'dry');
    const r = await runCliInProcess([
      'migrate',
      'new',
      'create table customers with id (integer) primary key, email (text) required',
      '--dir',
      target,
      '--dry-run',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.file).toBeNull();
    expect(doc.id).toBe('0001');
    expect(doc.ops).toEqual(opsFromSentence('create table customers with id (integer) primary key, email (text) required'));
    expect(doc.dialects.map((d: { dialect: string }) => d.dialect)).toEqual(['postgres', 'mssql', 'sqlite']);
    const pg = doc.dialects[0].plan;
    expect(pg.steps[0].statements[0].sql).toMatch(/^CREATE TABLE "customers"/);
    expect(doc.dialects[1].plan.steps[0].statements[0].sql).toMatch(/^CREATE TABLE \[dbo\]\.\[customers\]/);
    expect(pg.rollback).toEqual([{ op: 'dropTable', table: 'customers' }]);
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);
  });

  it('writes numbered files the runner loads and applies; the next sentence is planned on top of the earlier ones', async () => {
    const target = join(dir, 'real');
    const sentences = [
      'create table customers with id (integer) primary key, email (text)',
      "add a required column status (varchar(20)) with default 'new' to customers",
      'create table orders with id (integer) primary key, customer_id (integer)',
      'orders.customer_id references customers on delete cascade',
      'rename column email in customers to mail',
    ];
    for (const s of sentences) {
      const r = await runCliInProcess(['migrate', 'new', s, '--dir', target]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/wrote .*\.ts/);
    }
    const files = (await readdir(target)).sort();
    expect(files[0]).toBe('0001_create_table_customers_with_id_integer_primary_key_email.ts');
    expect(files.map((f) => f.slice(0, 4))).toEqual(['0001', '0002', '0003', '0004', '0005']);
    expect(await readFile(join(target, files[1]!), 'utf8')).toContain(
      `// Written by: byos migrate new "add a required column status (varchar(20)) with default 'new' to customers"`,
    );
    const migrations = await loadMigrations(target);
    expect(migrations.map((m) => m.ops)).toEqual(sentences.map((s) => opsFromSentence(s)));

    // Applied for real on Postgres and SQLite, and rolled back to nothing.
    for (const dialect of DIALECTS) {
      const tenant = await connect(await freshProfile(dialect, 'migrate_new'));
      try {
        await migrateUp(tenant, migrations);
        const model = await introspect(tenant);
        const customers = model.tables.find((t) => t.name === 'customers')!;
        expect(customers.columns.map((c) => c.name)).toEqual(['id', 'mail', 'status']);
        expect(model.tables.find((t) => t.name === 'orders')!.foreignKeys[0]).toMatchObject({
          columns: ['customer_id'],
          referencedTable: 'customers',
          onDelete: 'cascade',
        });
        await migrateDown(tenant, migrations, { to: '0', forceLossy: true });
        expect((await introspect(tenant)).tables.filter((t) => t.name !== 'byos_migrations')).toEqual([]);
      } finally {
        await tenant.close();
      }
    }
  });

  it('shows the lint and the rollback in the human output', async () => {
    const target = join(dir, 'lint');
    await runCliInProcess(['migrate', 'new', 'create table t with id (integer) primary key, name (varchar(80))', '--dir', target]);
    const r = await runCliInProcess(['migrate', 'new', 'change t.name to varchar(10)', '--dir', target, '--dry-run', '--dialect', 'postgres']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('postgres:');
    expect(r.stdout).toContain('ALTER TABLE "t" ALTER COLUMN "name" TYPE character varying(10)');
    expect(r.stdout).toContain('error narrowing-column-type: narrows t.name from varchar(80) to varchar(10)');
    expect(r.stdout).toMatch(/rollback: alterColumnType table=t column=name .*"length":80/);
    expect(r.stdout).toContain('dry run: nothing written');
    expect(r.stdout).not.toContain('mssql:');
  });

  it('a sentence it does not understand exits 2 with the closest forms; nothing is written', async () => {
    const target = join(dir, 'bad');
    const r = await runCliInProcess(['migrate', 'new', 'rnmae column email in customers to mail', '--dir', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('could not understand "rnmae column email in customers to mail"');
    expect(r.stderr).toMatch(/Closest forms understood:\n {2}rename/);
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);
  });

  it("ops that do not fit the folder's schema are refused: nothing written, exit 1, one line", async () => {
    const target = join(dir, 'missing');
    const r = await runCliInProcess(['migrate', 'new', 'drop column x from nowhere', '--dir', target, '--dialect', 'sqlite']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^byos: not written: .* does not apply to the schema the migrations in .* imply: .*nowhere[^\n]*\n$/);
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);
  });

  it("names are resolved against the schema the folder's migrations imply", async () => {
    const target = join(dir, 'resolve');
    await runCliInProcess(['migrate', 'new', 'create table customers with id (integer) primary key, email (text), country (text)', '--dir', target]);
    await runCliInProcess(['migrate', 'new', 'create table users with id (integer) primary key, email (text)', '--dir', target]);
    const r = await runCliInProcess(['migrate', 'new', 'index country', '--dir', target, '--json', '--dialect', 'postgres']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ops).toEqual([{ op: 'createIndex', table: 'customers', name: 'customers_country_idx', columns: ['country'], unique: false }]);

    // A column two tables have: refused naming both, nothing written.
    const ambiguous = await runCliInProcess(['migrate', 'new', 'index email', '--dir', target]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('email could be in customers or users: say which, as in customers.email or users.email');
    expect((await readdir(target)).length).toBe(3);
  });

  it('after a raw SQL migration the schema may be incomplete: names it lacks are taken as written', async () => {
    const target = join(dir, 'raw');
    await runCliInProcess(['migrate', 'new', 'create table customers with id (integer) primary key', '--dir', target]);
    await writeFile(join(target, '0002_legacy.ts'), "export default { ops: [{ op: 'sql', up: { postgres: 'create table legacy (x int)' }, down: null }] };\n");
    const r = await runCliInProcess(['migrate', 'new', 'drop column x from legacy', '--dir', target, '--dry-run', '--json', '--dialect', 'postgres']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ops).toEqual([{ op: 'dropColumn', table: 'legacy', column: 'x' }]);
  });

  it('a guessed type is said back; a column without a table in an empty folder is refused', async () => {
    const target = join(dir, 'guess');
    await runCliInProcess(['migrate', 'new', 'create table orders with id (integer) primary key', '--dir', target]);
    const r = await runCliInProcess(['migrate', 'new', 'add a shipped_at column to orders', '--dir', target, '--dry-run', '--dialect', 'postgres']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: guessed type timestamp for shipped_at: give it as "shipped_at (type)" to choose another');
    expect(r.stdout).toContain('ALTER TABLE "orders" ADD COLUMN "shipped_at" timestamp');
    const empty = await runCliInProcess(['migrate', 'new', 'create an index on customer email', '--dir', join(dir, 'empty'), '--dry-run']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/say which table/);
  });

  it('a hostile sentence stays data in the file it writes', async () => {
    const target = join(dir, 'hostile');
    const sentence = 'add column "x""); process.exit(9); //" (text) to "t */ evil"';
    const r = await runCliInProcess(['migrate', 'new', 'create table "t */ evil" with id (integer)', '--dir', target]);
    expect(r.code).toBe(0);
    const r2 = await runCliInProcess(['migrate', 'new', sentence, '--dir', target]);
    expect(r2.code).toBe(0);
    const [, second] = await loadMigrations(target);
    expect(second!.ops).toEqual(opsFromSentence(sentence));
  });
});

describe('file naming', () => {
  it('next id is one past the highest, as wide as the widest', () => {
    expect(nextId([])).toBe('0001');
    expect(nextId([{ id: '0009' }, { id: '0002' }])).toBe('0010');
    expect(nextId([{ id: '20251125' }])).toBe('20251126');
  });
  it('slug keeps letters and digits, cuts at a word boundary', () => {
    expect(slug('Add a required column email (text) to customers')).toBe('add_a_required_column_email_text_to_customers');
    expect(slug('"()"')).toBe('migration');
    expect(slug('x'.repeat(80))).toHaveLength(60);
    expect(slug('create table customers with id (integer) primary key, email (text) required')).toBe(
      'create_table_customers_with_id_integer_primary_key_email',
    );
  });
});

describe('demoSentenceMigrations', () => {
  it('writes the demo sentences as numbered migrations that apply to SQLite', async () => {
    const target = join(dir, 'demo');
    const files = await demoSentenceMigrations(target);
    expect(files.map((f) => f.slice(target.length + 1, target.length + 5))).toEqual(['0001', '0002', '0003', '0004', '0005', '0006']);
    const tenant = await connect(await freshProfile('sqlite', 'demo_sentences'));
    try {
      await migrateUp(tenant, await loadMigrations(target));
      const orders = (await introspect(tenant)).tables.find((t) => t.name === 'orders')!;
      expect(orders.columns.map((c) => c.name)).toEqual(['id', 'customer_id', 'total', 'status']);
    } finally {
      await tenant.close();
    }
  });
});
