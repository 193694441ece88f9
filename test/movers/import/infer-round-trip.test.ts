import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { introspect, type TenantDb } from '@byos/runtime';
import { importFile } from '@byos/runtime/import';
import { runCliInProcess } from '../../helpers/cli.ts';
import { DIALECTS, freshPostgresDatabase, freshSqlitePath, freshTenantDb } from '../../helpers/databases.ts';
import { cases } from '../../helpers/thorough.ts';

const dir = await mkdtemp(join(tmpdir(), 'byos-infer-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Text that looks like a number: zip codes, ids past 2^53, phone numbers, decimals with their scale, signs. */
const numberish = fc.oneof(
  fc.integer({ min: -100000, max: 100000 }).map(String),
  fc.stringMatching(/^0\d{1,6}$/), // a leading zero
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String), // past 2^53 and past int64
  fc.stringMatching(/^-?(0|[1-9]\d{0,12})\.\d{1,6}$/), // scale as written, trailing zeros too
  fc.stringMatching(/^\+\d{8,12}$/), // a phone number
  fc.constantFrom('-0', '0.0', '-0.00', '1e5', '1,234', '12 345', '0x1F', '  7', '9007199254740991', '9007199254740992', '-2147483648', '2147483648'),
);
const table = fc.array(fc.tuple(numberish, numberish, numberish), { minLength: 1, maxLength: 12 });

async function textOf(tenant: TenantDb, name: string): Promise<string[][]> {
  const { bulk } = tenant.dialect;
  const rows: string[][] = [];
  for await (const batch of bulk.stream(tenant, sql`select a, b, c from ${sql.table(name)} order by n`.compile(tenant.db), 1000)) {
    rows.push(...batch.rows.map((r) => r.map((v) => (v === null ? '' : String(v)))));
  }
  return rows;
}

for (const dialect of DIALECTS) {
  describe(`import --create keeps every value's text (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, `infer_${dialect}`);

    it(
      'whatever type each column gets, every value reads back as written (a round trip per value)',
      async () => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(table, async (rows) => {
            const name = `t${run++}`;
            const path = join(dir, `${dialect}-${name}.csv`);
            await writeFile(path, `n,a,b,c\n${rows.map((r, i) => `${i},${r.map((v) => `"${v}"`).join(',')}`).join('\n')}\n`);
            await importFile(tenant, { file: path, table: name, create: true });
            expect(await textOf(tenant, name)).toEqual(rows);
          }),
          { numRuns: cases(40, 400) },
        );
      },
      cases(60_000, 600_000),
    );

    it('a zip-code column stays text, ids and amounts become numbers', async () => {
      const path = join(dir, `${dialect}-zips.csv`);
      await writeFile(path, 'zip,id,amount,phone\n08123,1,12.5,+441234567890\n10115,2,3,+15551234567\n');
      await importFile(tenant, { file: path, table: 'zips', create: true });
      const model = await introspect(tenant);
      expect(model.tables.find((t) => t.name === 'zips')!.columns.map((c) => [c.name, c.type.kind])).toEqual([
        ['zip', 'text'],
        ['id', 'integer'],
        ['amount', 'decimal'],
        ['phone', 'text'],
      ]);
      expect((await sql<{ zip: string }>`select zip from zips order by id`.execute(tenant.db)).rows.map((r) => r.zip)).toEqual(['08123', '10115']);
    });
  });
}

describe('--dry-run shows the inferred types; --type overrides one', async () => {
  const url = `sqlite:${await freshSqlitePath('infer_cli')}`;
  const path = join(dir, 'cli.csv');
  await writeFile(path, 'zip,total\n08123,"1,234.50"\n10115,3\n');

  it('--dry-run names each column with its type, and why numbers stay text', async () => {
    const result = await runCliInProcess(['import', path, '--url', url, '--table', 'orders', '--create', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('note: would create table orders (zip text, total text)');
    expect(result.stdout).toContain(
      'note: column "zip" stays text: "08123" would not read back as written from a number column (--type zip=decimal to store numbers anyway)',
    );
    expect(result.stdout).toContain('note: column "total" stays text: "1,234.50" would not read back');
  });

  it('--type COLUMN=TYPE sets a type; an unknown column or type, or --type without --create, is a usage error (exit 2)', async () => {
    const typed = await runCliInProcess(['import', path, '--url', url, '--table', 'orders', '--create', '--type', 'total=decimal(10,2)', '--json']);
    expect(typed.code, typed.stderr).toBe(0);
    expect(JSON.parse(typed.stdout)).toMatchObject({ created: true, rowsLoaded: 2 });
    const column = await runCliInProcess(['import', path, '--url', url, '--table', 'orders2', '--create', '--type', 'totl=decimal']);
    expect([column.code, column.stderr.trim()]).toEqual([2, 'byos: --type names "totl", not a column the file creates (its columns: "zip", "total")']);
    const type = await runCliInProcess(['import', path, '--url', url, '--table', 'orders2', '--create', '--type', 'total=money2']);
    expect(type.code).toBe(2);
    expect(type.stderr).toMatch(/^byos: --type total=money2: unknown type "money2"; use one of boolean, .*decimal\(P,S\)/);
    const existing = await runCliInProcess(['import', path, '--url', url, '--table', 'orders', '--type', 'total=text']);
    expect([existing.code, existing.stderr.trim()]).toEqual([2, 'byos: --type only applies with --create (an existing table has its types)']);
  });
});

describe('--create on Postgres refuses a name PostgreSQL would cut off (63 bytes)', async () => {
  const url = await freshPostgresDatabase('infer_names');
  const path = join(dir, 'names.csv');
  await writeFile(path, 'a\n1\n');

  it('a 64-byte table name is a usage error naming the limit; 63 bytes is fine', async () => {
    const long = `t${'é'.repeat(31)}x`; // 64 bytes
    const refused = await runCliInProcess(['import', path, '--url', url, '--table', long, '--create']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is 64 bytes long; PostgreSQL keeps 63 and would cut the rest off: choose a shorter --table');
    const fits = await runCliInProcess(['import', path, '--url', url, '--table', long.slice(0, -1), '--create']);
    expect(fits.code, fits.stderr).toBe(0);
  });

  it('SQLite has no such limit', async () => {
    const long = 'x'.repeat(100);
    const result = await runCliInProcess(['import', path, '--url', `sqlite:${await freshSqlitePath('infer_long')}`, '--table', long, '--create', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ created: true, table: long });
  });
});
