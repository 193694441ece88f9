import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { generateTypes, introspect, noNativeParts, type SchemaModel } from '@byos/runtime';
import { runCli } from '../helpers/cli.ts';
import { freshTenantDb } from '../helpers/databases.ts';
import { scratchProject, typecheck } from '../helpers/scratch.ts';

const column = (name: string, type: SchemaModel['tables'][number]['columns'][number]['type'], nullable = false) => ({
  name,
  type,
  nativeType: type.kind,
  nullable,
  default: null,
  identity: null,
  generated: null,
  comment: null,
});

describe('typegen options', () => {
  it('--bigint bigint matches better-sqlite3 with safeIntegers; the default schema rejects its bigints', async () => {
    const tenant = await freshTenantDb('sqlite', 'typegen-safe-integers');
    await sql`create table counter (id integer primary key, hits bigint not null, flag boolean not null, ratio real)`.execute(tenant.db);
    await sql`insert into counter (hits, flag, ratio) values (9007199254740993, 1, 0.5), (42, 0, null)`.execute(tenant.db);
    const model = await introspect(tenant);
    const dir = await scratchProject('typegen-safe-integers');
    await writeFile(join(dir, 'safe.ts'), generateTypes(model, { zod: true, kysely: true, bigintAs: 'bigint' }));
    await writeFile(join(dir, 'plain.ts'), generateTypes(model, { zod: true, kysely: true }));
    await typecheck(dir);
    const safe = await import(join(dir, 'safe.ts'));
    const plain = await import(join(dir, 'plain.ts'));

    const database = new Database(tenant.profile.database!, { readonly: true });
    database.defaultSafeIntegers(true);
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
    try {
      const rows = await db.selectFrom('counter').selectAll().orderBy('id').execute();
      expect(rows[0]).toEqual({ id: 1n, hits: 9007199254740993n, flag: 1n, ratio: 0.5 });
      for (const row of rows) {
        expect(safe.CounterRowSchema.parse(row)).toEqual(row);
        expect(plain.CounterRowSchema.safeParse(row).success).toBe(false);
      }
    } finally {
      await db.destroy();
    }
    // The runtime's handle (no safeIntegers) returns numbers: a small one validates, and one past 2^53, which the
    // driver has already rounded, is flagged rather than passed off as exact.
    const [big, small] = await tenant.db.selectFrom('counter').selectAll().orderBy('id').execute();
    expect(plain.CounterRowSchema.parse(small)).toEqual({ id: 2, hits: 42, flag: 0, ratio: null });
    expect(big.hits).toBe(9007199254740992);
    expect(plain.CounterRowSchema.safeParse(big).success).toBe(false);
  });

  it('the CLI passes --bigint and --decimal through and refuses other values', async () => {
    const tenant = await freshTenantDb('sqlite', 'typegen-cli-options');
    await sql`create table t (id integer primary key)`.execute(tenant.db);
    const dir = await scratchProject('typegen-cli-options');
    const out = join(dir, 'db.ts');
    const url = `sqlite:${tenant.profile.database}`;
    expect((await runCli(['types', '--url', url, '--out', out, '--kysely', '--bigint', 'bigint'])).code).toBe(0);
    expect((await runCli(['types', '--url', url, '--out', out, '--kysely', '--bigint', 'bigint', '--check'])).code).toBe(0);
    expect((await runCli(['types', '--url', url, '--out', out, '--kysely', '--check'])).code).toBe(1); // a different mapping is a different file
    const bad = await runCli(['types', '--url', url, '--out', out, '--decimal', 'float']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--decimal must be string or number, not "float"');
  });

  it('hostile names and comments cannot break out of the generated code', async () => {
    const evil = 'x */ export const pwned = 1; /* "\' `${1}`\\';
    const model: SchemaModel = {
      ...noNativeParts('public'),
      dialect: 'postgres',
      defaultSchema: 'public',
      enums: [{ schema: 'public', name: evil, values: [evil, 'line\nbreak', '\u2028'] }],
      domains: [],
      views: [],
      tables: [
        {
          schema: 'public',
          name: evil,
          comment: evil,
          partitionBy: null,
          primaryKey: { name: null, columns: [evil] },
          foreignKeys: [
            {
              name: evil,
              columns: [evil],
              referencedSchema: evil,
              referencedTable: evil,
              referencedColumns: [evil],
              onDelete: 'no action',
              onUpdate: 'no action',
            },
          ],
          uniques: [],
          indexes: [],
          checks: [{ name: null, expression: `"${evil.replace(/"/g, '""')}" IN ('${evil.replace(/'/g, "''")}')` }],
          columns: [
            { ...column(evil, { kind: 'varchar', length: 80 }), comment: evil },
            column('e', { kind: 'enum', enumName: evil }, true),
            column('class', { kind: 'integer' }),
          ],
        },
      ],
    };
    const dir = await scratchProject('typegen-hostile');
    const text = generateTypes(model, { zod: true, kysely: true });
    await writeFile(join(dir, 'db.ts'), text);
    await typecheck(dir);
    const generated = await import(join(dir, 'db.ts'));
    expect(generated.pwned).toBeUndefined();
    const exported = Object.keys(generated).sort();
    expect(exported.every((name) => /^[A-Za-z_$][\w$]*$/.test(name))).toBe(true);
    const rowSchema = exported.find((name) => name.endsWith('RowSchema'))!;
    const insertSchema = exported.find((name) => name.endsWith('InsertSchema'))!;
    expect(generated[rowSchema].parse({ [evil]: evil, e: null, class: 1 })).toEqual({ [evil]: evil, e: null, class: 1 });
    expect(generated[insertSchema].safeParse({ [evil]: 'other', class: 1 }).success).toBe(false); // the IN check survived quoting
    expect(text).toMatch(/export const \w+Values = /);
    expect(generateTypes(model, { enumConstants: false })).not.toMatch(/Values = /); // --no-enum-constants
  });
});
