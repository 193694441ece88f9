import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { TenantDb } from '@byos/runtime';
import { exportTable } from '@byos/runtime/export';
import { importFile } from '@byos/runtime/import';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';
import { cases } from '../../helpers/thorough.ts';

const dir = await mkdtemp(join(tmpdir(), 'byos-identity-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A column name a spreadsheet would run as a formula: its header cell must be neutralised and come back as it was. */
const FORMULA_COLUMN = '=HYPERLINK("http://evil","x")';

/** Pieces that break naive CSV and XLSX writers and readers: quotes, formula triggers, line breaks, XML-illegal characters. */
const PIECES = [
  '"',
  "'",
  "''",
  '""',
  '=',
  '+',
  '-',
  '@',
  '\t',
  '\r',
  '\n',
  '\r\n',
  ',',
  ';',
  '|',
  ' ',
  '  ',
  '\\',
  '\\.',
  '\\N',
  'NULL',
  '_x000D_',
  '_x005F_',
  '\u0001',
  '\u001f',
  '\u007f',
  '\ufeff',
  '\u2028',
  'é',
  'Zoë',
  '日本',
  '😀',
  'a',
  '1',
  '0',
  '08',
];
const text = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 6,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme', maxLength: 4 })), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join('').replace(/\u0000/g, '')),
  },
);
/** Whole numbers across bigint's range, beyond 2^53 included. */
const big = fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null });
/** Decimals with their scale as written (trailing zeros kept). */
const decimal = fc.option(
  fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 6 })).map(([digits, scale]) => {
    const sign = digits < 0n ? '-' : '';
    const abs = (digits < 0n ? -digits : digits).toString().padStart(scale + 1, '0');
    return scale ? `${sign}${abs.slice(0, -scale)}.${abs.slice(-scale)}` : `${sign}${abs}`;
  }),
  { nil: null },
);
/** Calendar days and wall-clock times across the range both engines hold (Excel's own dates start in 1900). */
const day = fc.option(
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  { nil: null },
);
const at = fc.option(
  fc
    .tuple(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999_999 }))
    .map(([d, micros]) => `${d.toISOString().slice(0, 19).replace('T', ' ')}.${String(micros).padStart(6, '0')}`),
  { nil: null },
);
const row = fc.record({ body: text, note: text, big, amount: decimal, day, at });
type Row = { body: string | null; note: string | null; big: bigint | null; amount: string | null; day: string | null; at: string | null };
/** Rows for one of two tables: `plain` (headers without quotes, so the sniffer sees only the values) or `t`. */
const tables = fc.record({ table: fc.constantFrom('plain', 't'), rows: fc.array(row, { minLength: 0, maxLength: 8 }) });

async function rowsOf(tenant: TenantDb, table: string): Promise<unknown[][]> {
  const { bulk } = tenant.dialect;
  const rows: unknown[][] = [];
  for await (const batch of bulk.stream(tenant, sql`select * from ${sql.table(table)} order by id`.compile(tenant.db), 1000)) rows.push(...batch.rows);
  return rows;
}

for (const dialect of DIALECTS) {
  describe(`export → import is the identity (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, `identity_${dialect}`);
    const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const noteColumn = { t: FORMULA_COLUMN, plain: 'note' } as Record<string, string>;
    for (const [table, note] of Object.entries(noteColumn)) {
      await sql
        .raw(`create table ${table} (id integer primary key, body text, ${q(note)} text, big bigint, amount numeric, day date, at timestamp)`)
        .execute(tenant.db);
    }

    async function load(values: Row[], table = 't'): Promise<void> {
      await tenant.db.deleteFrom(table).execute();
      for (const [i, v] of values.entries()) {
        await tenant.db
          .insertInto(table)
          .values({
            id: i + 1,
            body: v.body,
            [noteColumn[table]!]: v.note,
            big: v.big === null ? null : v.big.toString(),
            amount: v.amount,
            day: v.day,
            at: v.at,
          } as never)
          .execute();
      }
    }

    async function roundTrip(format: 'csv' | 'xlsx', label: string, table = 't'): Promise<{ before: unknown[][]; after: unknown[][]; out: string }> {
      const before = await rowsOf(tenant, table);
      const out = join(dir, `${dialect}-${label}.${format}`);
      await exportTable(tenant, table, { format, out });
      await tenant.db.deleteFrom(table).execute();
      const report = await importFile(tenant, { file: out, table });
      expect(report.rowsRejected).toBe(0);
      return { before, after: await rowsOf(tenant, table), out };
    }

    it('CSV: 20 rows of "-" and "\'" (the formula guard writes \'-) come back as 20 rows', async () => {
      await sql.raw('create table dashes (id integer primary key, v text)').execute(tenant.db);
      for (let id = 1; id <= 20; id++)
        await tenant.db
          .insertInto('dashes')
          .values({ id, v: id % 2 ? '-' : "'" } as never)
          .execute();
      const out = join(dir, `${dialect}-dashes.csv`);
      await exportTable(tenant, 'dashes', { format: 'csv', out });
      await tenant.db.deleteFrom('dashes').execute();
      const report = await importFile(tenant, { file: out, table: 'dashes' });
      expect([report.rowsRead, report.rowsLoaded]).toEqual([20, 20]);
      const back = await tenant.db.selectFrom('dashes').selectAll().orderBy('id').execute();
      expect(back).toEqual(Array.from({ length: 20 }, (_, i) => ({ id: i + 1, v: i % 2 ? "'" : '-' })));
    });

    it("CSV: a column named ' (a header cell the sniffer must still read as a label) comes back into a new table", async () => {
      await sql.raw(`create table apostrophe (id integer primary key, "'" text)`).execute(tenant.db);
      await tenant.db
        .insertInto('apostrophe')
        .values([
          { id: 1, "'": 'a' },
          { id: 2, "'": 'b' },
        ] as never)
        .execute();
      const out = join(dir, `${dialect}-apostrophe.csv`);
      await exportTable(tenant, 'apostrophe', { format: 'csv', out });
      const report = await importFile(tenant, { file: out, table: 'apostrophe_back', create: true });
      expect([report.rowsRead, report.rowsLoaded]).toEqual([2, 2]);
      const back = await tenant.db.selectFrom('apostrophe_back').selectAll().orderBy('id').execute();
      expect(back).toEqual([
        { id: 1, "'": 'a' },
        { id: 2, "'": 'b' },
      ]);
    });

    for (const format of ['csv', 'xlsx'] as const) {
      it(
        `${format}: random tables of hostile text, NULL and empty strings, big integers, scaled decimals, dates and timestamps come back unchanged`,
        async () => {
          let run = 0;
          await fc.assert(
            fc.asyncProperty(tables, async ({ table, rows }) => {
              await load(rows, table);
              const { before, after } = await roundTrip(format, `prop-${run++}`, table);
              expect(after).toEqual(before);
            }),
            { numRuns: cases(25, 400) },
          );
        },
        cases(60_000, 600_000),
      );
    }

    it('CSV: NULL is an empty field, an empty string is "" (as PostgreSQL writes CSV)', async () => {
      await load([{ body: null, note: '', big: null, amount: null, day: null, at: null }]);
      const { after, out } = await roundTrip('csv', 'null-vs-empty');
      expect((await readFile(out, 'utf8')).split('\r\n')[1]).toBe('1,,"",,,,');
      expect(after).toEqual([[1, null, '', null, null, null, null]]);
    });
  });
}
