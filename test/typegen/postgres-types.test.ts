import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTypes, introspect, type SchemaModel, type TenantDb } from '@byos/runtime';
import { freshTenantDb } from '../helpers/databases.ts';
import { scratchProject, typecheck } from '../helpers/scratch.ts';

/** Every type the Postgres introspector maps, plus an enum, a domain with a check, simple CHECKs, a view and a second schema. */
const SCHEMA = `
  create type mood as enum ('happy', 'sad', 'neutral');
  create domain positive_int as integer check (value > 0);
  create domain int_list as integer[];
  create domain score as smallint not null default 0 check (value between 0 and 10);
  create table every_type (
    id bigint generated always as identity primary key,
    b boolean not null,
    i2 smallint, i4 integer not null, i8 bigint,
    n numeric(6,2) check (n >= 0 and n <= 1000),
    r real, d double precision, m money,
    c char(3), vc varchar(10) not null, t text,
    u uuid default gen_random_uuid(),
    dt date, tm time, ts timestamp, tstz timestamptz not null default now(), iv interval,
    j json, jb jsonb, by bytea,
    e mood not null default 'happy',
    ai integer[], at text[], an numeric[], ab boolean[], adt date[], ats timestamptz[], ajb jsonb[], au uuid[], ae mood[],
    x xml, ip inet, net cidr, mac macaddr,
    pi positive_int,
    sc score,
    api positive_int[],
    il int_list,
    status text check (status in ('open', 'closed')),
    twice numeric generated always as (n * 2) stored
  );
  comment on table every_type is 'One column of every supported type';
  comment on column every_type.vc is 'A short name';
  create table tag (id serial primary key, every_type_id bigint not null unique references every_type (id), label text not null);
  create view every_type_view as select id, vc, e from every_type;
  create schema audit;
  create table audit.event (id bigserial primary key, at timestamptz not null default now(), what text not null);
`;

const FULL_ROW = {
  b: true,
  i2: 7,
  i4: 42,
  i8: '9007199254740993', // beyond 2^53: only a string carries it exactly
  n: '12.34',
  r: 1.5,
  d: 2.25,
  m: '12.50',
  c: 'abc',
  vc: 'short',
  t: 'text',
  dt: '2024-02-29',
  tm: '12:34:56',
  ts: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  iv: '1 day 02:00:00',
  j: JSON.stringify({ a: [1, 2] }),
  jb: JSON.stringify({ nested: { x: true } }),
  by: Buffer.from([0, 1, 2]),
  e: 'sad',
  ai: [1, 2],
  at: ['a', 'b'],
  an: [1.5],
  ab: [true, false],
  adt: ['2024-01-01'],
  ats: [new Date(Date.UTC(2024, 0, 1))],
  ajb: [JSON.stringify({ k: 1 })],
  au: ['6f1c1b5e-2b8a-4a8e-9d3c-1f2e3d4c5b6a'],
  ae: '{happy,sad}',
  x: '<a>1</a>',
  ip: '10.0.0.1',
  net: '10.0.0.0/8',
  mac: '08:00:2b:01:02:03',
  pi: 5,
  api: [1, 2],
  il: [3, 4],
  status: 'open',
};

describe('generateTypes on a Postgres schema using every supported type', () => {
  let tenant: TenantDb;
  let model: SchemaModel;
  let dir: string;
  let generated: Record<string, { parse(v: unknown): unknown; safeParse(v: unknown): { success: boolean } }>;

  beforeAll(async () => {
    tenant = await freshTenantDb('postgres', 'typegen-every');
    await sql.raw(SCHEMA).execute(tenant.db);
    model = await introspect(tenant);
    dir = await scratchProject('typegen-every');
    // Stricter than the project: an application may turn these on, and the generated file must still compile.
    const tsconfig = JSON.parse(await readFile(join(dir, 'tsconfig.json'), 'utf8'));
    Object.assign(tsconfig.compilerOptions, {
      noUnusedLocals: true,
      noUnusedParameters: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
    });
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    await writeFile(join(dir, 'db.ts'), generateTypes(model, { zod: true, kysely: true }));
    generated = await import(join(dir, 'db.ts'));
  });

  it('compiles under strict, and the typed Kysely handle accepts and rejects what the database does', async () => {
    await writeFile(
      join(dir, 'checks.ts'),
      `import type { Kysely } from 'kysely';
import type { DB, EveryTypeRow, EveryTypeInsert, EveryTypeViewRow, AuditEventRow, Mood } from './db.ts';
import { MoodValues, TagRelationships } from './db.ts';
declare const db: Kysely<DB>;

export async function checks() {
  const row = await db.selectFrom('every_type').selectAll().executeTakeFirstOrThrow();
  const typed: EveryTypeRow = row;
  const back: typeof row = typed;
  const i8: string | null = row.i8;
  const n: string | null = row.n;
  const dt: Date | null = row.dt;
  const by: Buffer | null = row.by;
  const mood: Mood = row.e;
  const ints: number[] | null = row.ai;
  const score: number = row.sc; // a NOT NULL domain: never null, and optional on insert (its default)
  const view: EveryTypeViewRow = await db.selectFrom('every_type_view').selectAll().executeTakeFirstOrThrow();
  const event: AuditEventRow = await db.selectFrom('audit.event').selectAll().executeTakeFirstOrThrow();
  const values: readonly Mood[] = MoodValues;
  const oneToOne: true = TagRelationships[0].oneToOne;

  const ok: EveryTypeInsert = { b: true, i4: 1, vc: 'x', i8: 10n, n: 1.5, e: 'happy', by: Buffer.from('') };
  await db.insertInto('every_type').values(ok).execute();
  // @ts-expect-error vc is required
  await db.insertInto('every_type').values({ b: true, i4: 1 }).execute();
  // @ts-expect-error i4 is an integer column
  await db.insertInto('every_type').values({ b: true, i4: 'one', vc: 'x' }).execute();
  // @ts-expect-error e only takes the enum's labels
  await db.insertInto('every_type').values({ b: true, i4: 1, vc: 'x', e: 'angry' }).execute();
  // @ts-expect-error id is GENERATED ALWAYS: it cannot be written
  await db.insertInto('every_type').values({ id: '1', b: true, i4: 1, vc: 'x' }).execute();
  await db.insertInto('every_type').values({ b: true, i4: 1, vc: 'x', ae: ['happy', 'sad'], jb: { list: [1] }, iv: '1 day' }).execute();
  await db.updateTable('every_type').set({ iv: row.iv, ajb: ['[1]', { a: 1 }] }).execute();
  // @ts-expect-error a JS array would be sent as a Postgres array, not as JSON
  await db.insertInto('every_type').values({ b: true, i4: 1, vc: 'x', jb: [1, 2] }).execute();
  // @ts-expect-error a plain object is not an interval the driver can write
  await db.insertInto('every_type').values({ b: true, i4: 1, vc: 'x', iv: { days: 1 } }).execute();
  // @ts-expect-error twice is a generated column
  await db.updateTable('every_type').set({ twice: '2' }).execute();
  return [back, i8, n, dt, by, mood, ints, score, view, event, values, oneToOne];
}
`,
    );
    await typecheck(dir);
  });

  it('rows read back through the typed handle validate against the generated Row schemas', async () => {
    await tenant.db.insertInto('every_type').values(FULL_ROW).execute();
    await tenant.db.insertInto('every_type').values({ b: false, i4: 0, vc: 'nulls' }).execute();
    await tenant.db.insertInto('audit.event').values({ what: 'created' }).execute();
    const rows = await tenant.db.selectFrom('every_type').selectAll().orderBy('id').execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(generated.EveryTypeRowSchema!.parse(row)).toEqual(row);
    for (const row of await tenant.db.selectFrom('every_type_view').selectAll().execute()) generated.EveryTypeViewRowSchema!.parse(row);
    for (const row of await tenant.db.selectFrom('audit.event').selectAll().execute()) generated.AuditEventRowSchema!.parse(row);

    // What the driver returns, as the generated types say.
    const [full] = rows;
    expect(full).toMatchObject({ i8: '9007199254740993', n: '12.34', twice: '24.68', an: [1.5], ae: '{happy,sad}', api: '{1,2}', il: [3, 4] });
    expect(full.dt).toBeInstanceOf(Date);
    expect([full.dt.getHours(), full.dt.getMinutes()]).toEqual([0, 0]); // a date is local midnight
    expect(full.by).toBeInstanceOf(Buffer);
    expect(full.jb).toEqual({ nested: { x: true } });
    expect(full.iv).toMatchObject({ days: 1, hours: 2 });

    // The Row schema is not a rubber stamp: typing int8 as number (as if the app had set a type parser) rejects pg's strings.
    const asNumber = join(dir, 'db-int8-number.ts');
    await writeFile(asNumber, generateTypes(model, { zod: true, bigintAs: 'number' }));
    const wrong = await import(asNumber);
    expect(wrong.EveryTypeRowSchema.safeParse(full).success).toBe(false);
  });

  it('the Insert schema rejects what the database would reject', () => {
    const insert = generated.EveryTypeInsertSchema!;
    const minimal = { b: true, i4: 1, vc: 'x' };
    expect(insert.safeParse(minimal).success).toBe(true);
    expect(insert.safeParse({ ...FULL_ROW, ae: ['happy'], ajb: [{ k: 1 }], j: { a: 1 }, jb: { b: 2 } }).success).toBe(true);
    expect(insert.safeParse({ ...minimal, vc: 'longer than ten' }).success).toBe(false); // varchar(10)
    expect(insert.safeParse({ ...minimal, e: 'angry' }).success).toBe(false); // enum
    expect(insert.safeParse({ ...minimal, ae: ['happy', 'angry'] }).success).toBe(false); // enum array
    expect(insert.safeParse({ ...minimal, j: 'not json' }).success).toBe(false); // a string is sent as JSON text
    expect(insert.safeParse({ ...minimal, jb: [1, 2] }).success).toBe(false); // an array would be sent as a Postgres array
    expect(insert.safeParse({ ...minimal, n: '1000.01' }).success).toBe(false); // check (n <= 1000)
    expect(insert.safeParse({ ...minimal, n: -1 }).success).toBe(false); // check (n >= 0)
    expect(insert.safeParse({ ...minimal, n: '1.234' }).success).toBe(false); // numeric(6,2) scale
    expect(insert.safeParse({ ...minimal, pi: 0 }).success).toBe(false); // domain check (value > 0)
    expect(insert.safeParse({ ...minimal, sc: 11 }).success).toBe(false); // domain check (value between 0 and 10)
    expect(insert.safeParse({ ...minimal, sc: null }).success).toBe(false); // NOT NULL domain
    expect(insert.safeParse({ ...minimal, status: 'pending' }).success).toBe(false); // check (status in (...))
    expect(insert.safeParse({ ...minimal, i2: 40000 }).success).toBe(false); // smallint range
    expect(insert.safeParse({ ...minimal, i4: null }).success).toBe(false); // not null
    expect(insert.safeParse({ ...minimal, id: '1' }).success).toBe(false); // GENERATED ALWAYS
    expect(insert.safeParse({ ...minimal, twice: '2' }).success).toBe(false); // generated column
  });

  it('the database agrees with the Insert schema on the same values', async () => {
    const insert = generated.EveryTypeInsertSchema!;
    for (const bad of [{ vc: 'longer than ten' }, { n: 1000.01 }, { pi: 0 }, { sc: 11 }, { sc: null }, { status: 'pending' }]) {
      const values = { b: true, i4: 1, vc: 'x', ...bad };
      expect(insert.safeParse(values).success).toBe(false);
      await expect(tenant.db.insertInto('every_type').values(values).execute()).rejects.toThrow();
    }
  });

  it('documents the model: JSDoc from comments, relationships, keys qualified only outside the default schema', () => {
    const text = generateTypes(model, { kysely: true });
    expect(text).toContain('/** A short name */');
    expect(text).toMatch(/One column of every supported type/);
    expect(text).toContain('"audit.event": AuditEventTable;');
    expect(text).toContain('every_type: EveryTypeTable;');
    expect(text).toContain('id: GeneratedAlways<string>;');
    expect(text).toMatch(/referencedTable: "every_type", referencedColumns: \["id"\], oneToOne: true/);
    expect(text).toContain('export const MoodValues = ["happy","sad","neutral"] as const;');
    expect(generateTypes(model, { kysely: true, bigintAs: 'bigint' })).toContain(
      'i8: ColumnType<bigint | null, bigint | number | null, bigint | number | null>;',
    );
  });
});
