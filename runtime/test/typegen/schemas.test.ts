import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, generateTypes, introspect, type SchemaModel, type TenantDb } from '../../src/index.ts';
import { pascalCase, TypeNames } from '../../src/typegen/names.ts';
import { runCliInProcess } from '../../../test/helpers/cli.ts';
import { freshPostgresDatabase } from '../../../test/helpers/databases.ts';
import { atFileEnd } from '../../../test/helpers/file-cleanup.ts';
import { scratchProject, typecheck } from '../../../test/helpers/scratch.ts';

const ODD = 'Odd "Schema" ü';

/**
 * Tables in three schemas: the same name in each, names that differ only in case, an enum and a domain outside the
 * default schema, names with quotes, spaces, Arabic, a dot, and a view; plus an enum whose type name would be a
 * table's Row type.
 */
const SCHEMA = `
  create schema app;
  create schema "Odd ""Schema"" ü";
  create type app.status as enum ('new', 'paid');
  create type "Odd ""Schema"" ü"."Mood ü" as enum ('up', 'down');
  create domain app.qty as integer check (value > 0);
  create type orders_row as enum ('x');
  create table orders (id serial primary key, total numeric(10,2) not null);
  create table "Items" (id int primary key);
  create table items (id int primary key, n int);
  create table "app.orders" (id int);
  create table app.orders (id serial primary key, status app.status not null default 'new', qty app.qty not null, note text);
  create table app."a.b" (id int primary key);
  create view app.order_view as select id, status from app.orders;
  create table "Odd ""Schema"" ü".orders (id int primary key, mood "Odd ""Schema"" ü"."Mood ü", app_order int references app.orders (id));
  create table "Odd ""Schema"" ü"."Items" ("Name" text primary key);
  create table "Odd ""Schema"" ü".items (label text not null);
  create table "Odd ""Schema"" ü"."تست" (id int primary key, "قيمة" text);
  create table "Odd ""Schema"" ü"."SPECIAL ""@/\\#~_-" (id int primary key, "we ""ird"" col" text);
  insert into app.orders (status, qty, note) values ('paid', 2, 'first'), ('new', 5, null);
`;

describe('typegen over every schema (postgres)', () => {
  let tenant: TenantDb;
  let model: SchemaModel;
  let text: string;
  let url: string;

  beforeAll(async () => {
    url = await freshPostgresDatabase('typegen-schemas');
    tenant = await connect(url);
    atFileEnd(() => tenant.close());
    await sql.raw(SCHEMA).execute(tenant.db);
    model = await introspect(tenant);
    text = generateTypes(model, { kysely: true, zod: true });
  });

  it('keys the DB interface as kysely-codegen does: bare in the default schema, "schema.table" elsewhere', () => {
    expect(text).toContain('  orders: OrdersTable;');
    expect(text).toContain('  "app.orders": AppOrdersTable;');
    expect(text).toContain(`  ${JSON.stringify(`${ODD}.orders`)}: OddSchemaÜOrdersTable;`);
    expect(text).toContain('  "app.order_view": AppOrderViewTable;');
    expect(text).toContain(`  ${JSON.stringify(`${ODD}.تست`)}: OddSchemaÜتستTable;`);
    expect(text).toContain(`  ${JSON.stringify(`${ODD}.SPECIAL "@/\\#~_-`)}: OddSchemaÜSPECIALTable;`);
    // public."app.orders" would take app.orders's key: it keeps its types but stays out of DB, so the file compiles.
    expect(text).toContain('export interface AppOrders2Table {');
    expect(text).toContain('  // AppOrders2Table is left out: its key "app.orders" is AppOrdersTable\'s.');
    // Kysely would split "app.a.b" at both dots: the entry says how to reach the table instead.
    expect(text).toMatch(/cannot name this one: use sql\.id\("app", "a\.b"\)\. \*\/\n {2}"app\.a\.b": AppABTable;/);
  });

  it('never gives two relations, enums or helpers the same type name', () => {
    // Tables first: the enum named like the orders table's Row type yields.
    expect(text).toContain('export interface OrdersRow {');
    expect(text).toContain('export type OrdersRow2 = "x";');
    expect(text).toContain('export type AppStatus = "new" | "paid";');
    expect(text).toContain('export type OddSchemaÜMoodÜ = "up" | "down";');
    // Names differing only in case: the second in the model's order (by schema, then name) gets a 2.
    expect(text).toContain('  Items: ItemsTable;\n');
    expect(text).toContain('  items: Items2Table;\n');
    expect(text).toContain(`  ${JSON.stringify(`${ODD}.Items`)}: OddSchemaÜItemsTable;`);
    expect(text).toContain(`  ${JSON.stringify(`${ODD}.items`)}: OddSchemaÜItems2Table;`);
    expect(text).toContain('export interface Items2Table {\n  id: number;\n  n: number | null;\n}');
    const declared = [...text.matchAll(/^export (?:interface|type|const) ([^\s=<]+)/gmu)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(70);
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('names types like kysely-codegen: PascalCase of the qualified name, 2, 3, … on a clash', () => {
    expect(pascalCase('app.order_items')).toBe('AppOrderItems');
    expect(pascalCase(`${ODD}.We "ird" Ñame`)).toBe('OddSchemaÜWeIrdÑame');
    expect(pascalCase('1st')).toBe('T1st');
    const names = new TypeNames();
    expect([names.take('Items', ['Row']), names.take('Items', ['Row']), names.take('Items', ['Row'])]).toEqual(['Items', 'Items2', 'Items3']);
    expect(names.take('DB')).toBe('DB2'); // the interface itself
    expect(names.take('Json', ['Row', 'Insert'])).toBe('Json2'); // JsonInsert is a helper type
  });

  it('--include and --exclude globs match the qualified name', () => {
    const keys = (options: { include?: string[]; exclude?: string[] }) =>
      [...generateTypes(model, { kysely: true, ...options }).matchAll(/^ {2}(\S.*): [\p{L}\p{N}_]+Table;$/gmu)].map((m) =>
        m[1]!.startsWith('"') ? JSON.parse(m[1]!) : m[1],
      );
    expect(keys({ include: ['app.*'] })).toEqual(['app.a.b', 'app.orders', 'app.order_view']);
    expect(keys({ include: ['*orders'] })).toEqual([`${ODD}.orders`, 'app.orders', 'orders']);
    expect(keys({ include: [`${ODD}.*`], exclude: ['*.SPECIAL*', '*.?tems'] })).toEqual([`${ODD}.orders`, `${ODD}.تست`]);
    // As `byos introspect` prints it, a part holding a dot is quoted; names are exact, case included.
    expect(keys({ include: ['app."a.b"'] })).toEqual(['app.a.b']);
    expect(keys({ include: ['Items'] })).toEqual(['Items']);
    expect(keys({ exclude: ['*.*', 'Items', 'orders'] })).toEqual(['items']);
  });

  it('byos types --include takes the qualified name', async () => {
    const dir = await scratchProject('typegen-schemas-cli');
    const out = join(dir, 'odd.ts');
    const result = await runCliInProcess(['types', '--url', url, '--out', out, '--kysely', '--include', `${ODD}.*`, '--exclude', `${ODD}.?tems`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const generated = await readFile(out, 'utf8');
    expect(generated).toContain(`  ${JSON.stringify(`${ODD}.orders`)}: OddSchemaÜOrdersTable;`);
    expect(generated).not.toContain('"app.orders": ');
    expect(generated).toContain('referencedTable: "app.orders"');
    expect(generated).not.toContain('OddSchemaÜItems');
    await typecheck(dir);
  });

  it('compiles under strict, and a typed query on app.orders runs against the database', async () => {
    const dir = await scratchProject('typegen-schemas');
    await writeFile(join(dir, 'db.ts'), text);
    await writeFile(
      join(dir, 'queries.ts'),
      `import type { Kysely } from 'kysely';
import type { AppStatus, DB, OddSchemaÜMoodÜ } from './db.ts';
import { AppOrdersRowSchema } from './db.ts';

export async function appOrders(db: Kysely<DB>) {
  const rows = await db.selectFrom('app.orders').select(['id', 'status', 'qty', 'note']).orderBy('id').execute();
  const status: AppStatus = rows[0]!.status;
  const qty: number = rows[0]!.qty;
  const odd = await db.selectFrom('${ODD.replace(/"/g, '\\"')}.orders').select(['mood']).execute();
  const mood: OddSchemaÜMoodÜ | null | undefined = odd[0]?.mood;
  return { rows: rows.map((r) => AppOrdersRowSchema.parse(r)), status, qty, mood };
}

/** Type-checked, never run. */
export function refused(db: Kysely<DB>) {
  return [
    // @ts-expect-error public.orders has no status column
    db.selectFrom('orders').select(['status']),
    // @ts-expect-error app.orders.status only takes the enum's labels
    db.insertInto('app.orders').values({ status: 'lost', qty: 1 }),
    // @ts-expect-error the Items table of the odd schema has no id column (its namesake in public has)
    db.selectFrom('${ODD.replace(/"/g, '\\"')}.Items').select(['id']),
  ];
}
`,
    );
    await typecheck(dir);
    const { appOrders } = (await import(join(dir, 'queries.ts'))) as { appOrders: (db: Kysely<any>) => Promise<{ rows: unknown[] }> };
    const result = await appOrders(tenant.db);
    expect(result.rows).toEqual([
      { id: 1, status: 'paid', qty: 2, note: 'first' },
      { id: 2, status: 'new', qty: 5, note: null },
    ]);
  });
});
