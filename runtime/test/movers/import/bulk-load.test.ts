import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadDialect } from '../../../src/dialects/index.ts';
import { BulkRowError, type BulkValue, type CsvFormat } from '../../../src/dialects/bulk-load.ts';
import { encodeCopyValue } from '../../../src/dialects/postgres/bulk-load.ts';
import { DIALECTS, freshTenantDb } from '../../../../test/helpers/databases.ts';

const TRICKY = ['tab\there', 'new\nline', 'cr\rlf\r\n', 'back\\slash\\N', '\\N', '', 'ünïcödé ✓ 😀', 'quote " and \' ', 'a'.repeat(5000)];

describe('encodeCopyValue (COPY text format)', () => {
  it('escapes the specials and encodes each kind', () => {
    expect(encodeCopyValue(null)).toBe('\\N');
    expect(encodeCopyValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(encodeCopyValue('\\N')).toBe('\\\\N');
    expect(encodeCopyValue(true)).toBe('t');
    expect(encodeCopyValue(12345678901234567890n)).toBe('12345678901234567890');
    expect(encodeCopyValue(new Uint8Array([0, 255, 16]))).toBe('\\\\x00ff10');
    expect(encodeCopyValue(new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 7)))).toBe('2024-02-29T23:59:58.007Z');
    expect(encodeCopyValue({ a: 'x\ty' })).toBe('{"a":"x\\\\ty"}');
    expect(() => encodeCopyValue('nul\u0000')).toThrow(/NUL/);
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect} BulkDialect`, async () => {
    const tenant = await freshTenantDb(dialect, `bulk_${dialect}`);
    const { bulk } = await loadDialect(dialect);
    const binary = dialect === 'postgres' ? 'bytea' : 'blob';
    const json = dialect === 'postgres' ? 'jsonb' : 'text';
    const bool = dialect === 'postgres' ? 'boolean' : 'integer';
    await sql
      .raw(`create table "odd ""table""" (id integer primary key, "na;me" text, data ${binary}, doc ${json}, flag ${bool}, big bigint, at text)`)
      .execute(tenant.db);
    const count = async () => Number((await sql<{ n: number }>`select count(*) as n from "odd ""table"""`.execute(tenant.db)).rows[0]!.n);

    it('loads batches of rows with every kind of value and reads them back unchanged', async () => {
      const rows: BulkValue[][] = TRICKY.map((text, i) => [
        i + 1,
        text,
        new Uint8Array([i, 0, 255]),
        { i, text },
        i % 2 === 0,
        BigInt(2) ** 62n + BigInt(i),
        null,
      ]);
      async function* batches() {
        yield rows.slice(0, 4);
        yield rows.slice(4);
      }
      const loaded = await bulk.inTransaction(tenant, (session) => session.load('odd "table"', ['id', 'na;me', 'data', 'doc', 'flag', 'big', 'at'], batches()));
      expect(loaded).toBe(TRICKY.length);
      const back = await sql<Record<string, unknown>>`select *, cast(big as text) as bigtext from "odd ""table""" order by id`.execute(tenant.db);
      expect(back.rows.map((r) => r['na;me'])).toEqual(TRICKY);
      expect(back.rows.map((r) => [...(r.data as Buffer)])).toEqual(TRICKY.map((_, i) => [i, 0, 255]));
      const docs = back.rows.map((r) => (typeof r.doc === 'string' ? JSON.parse(r.doc) : r.doc));
      expect(docs).toEqual(TRICKY.map((text, i) => ({ i, text })));
      expect(back.rows.map((r) => Boolean(r.flag))).toEqual(TRICKY.map((_, i) => i % 2 === 0));
      // read as text: better-sqlite3 without safe integers would round the number on the way out
      expect(back.rows.map((r) => r.bigtext)).toEqual(TRICKY.map((_, i) => String(2n ** 62n + BigInt(i))));
      expect(back.rows.every((r) => r.at === null)).toBe(true);
    });

    it('rolls everything back when the work fails, including rows already loaded', async () => {
      const before = await count();
      await expect(
        bulk.inTransaction(tenant, async (session) => {
          await session.load('odd "table"', ['id', 'na;me'], [[[1000, 'kept?']]]);
          await session.execute(sql`insert into "odd ""table""" (id) values (${1001})`.compile(tenant.db));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await count()).toBe(before);
    });

    it('a duplicate key fails the load with the position of the refused row, and leaves the table as it was', async () => {
      const before = await count();
      const error = await bulk
        .inTransaction(tenant, (session) =>
          session.load(
            'odd "table"',
            ['id', 'na;me'],
            [
              [
                [2000, 'a'],
                [2001, 'multi\nline'],
              ],
              [
                [2002, 'c'],
                [2000, 'b'],
              ],
            ],
          ),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BulkRowError);
      expect((error as BulkRowError).index).toBe(3);
      expect((error as Error).message).toMatch(/unique|duplicate|constraint/i);
      expect(await count()).toBe(before);
    });

    it('execute runs on the same transaction and reports affected rows', async () => {
      const result = await bulk.inTransaction(tenant, async (session) => {
        await session.load('odd "table"', ['id'], [[[4000], [4001]]]);
        const seen = await session.execute<{ n: number }>(sql`select count(*) as n from "odd ""table""" where id >= ${4000}`.compile(tenant.db));
        const deleted = await session.execute(sql`delete from "odd ""table""" where id >= ${4000}`.compile(tenant.db));
        return { seen: Number(seen.rows[0]!.n), deleted: deleted.numAffectedRows };
      });
      expect(result).toEqual({ seen: 2, deleted: 2n });
    });

    it('a row of the wrong width is refused', async () => {
      await expect(bulk.inTransaction(tenant, (session) => session.load('odd "table"', ['id', 'na;me'], [[[5000]]]))).rejects.toThrow(/1 values for 2 columns/);
    });

    it('streams a query in batches with column kinds, and releases the connection when the reader stops early', async () => {
      const query = sql`select id, "na;me", big from "odd ""table""" where id <= ${TRICKY.length} order by id`.compile(tenant.db);
      const batches = [];
      for await (const batch of bulk.stream(tenant, query, 4)) batches.push(batch);
      expect(batches.map((b) => b.rows.length).filter((n) => n > 0)).toEqual([4, 4, 1]);
      expect(batches[0]!.columns.map((c) => c.name)).toEqual(['id', 'na;me', 'big']);
      expect(batches[0]!.columns.map((c) => c.kind)).toEqual(['integer', 'text', 'bigint']);
      expect(batches.flatMap((b) => b.rows.map((r) => r[1]))).toEqual(TRICKY);
      // 2^62 is past 2^53: kept exact as text
      expect(batches[0]!.rows[0]![2]).toBe(String(2n ** 62n));
      for await (const batch of bulk.stream(tenant, query, 2)) {
        expect(batch.rows).toHaveLength(2);
        break;
      }
      const empty = [];
      for await (const batch of bulk.stream(tenant, sql`select id from "odd ""table""" where id < ${0}`.compile(tenant.db), 10)) empty.push(batch);
      expect(empty).toEqual([{ columns: [{ name: 'id', kind: 'integer' }], rows: [] }]);
      expect(await count()).toBeGreaterThan(0); // the connection is usable again
    });
  });
}

describe("postgres CSV load (the import's path)", async () => {
  const tenant = await freshTenantDb('postgres', 'bulk_csv_postgres');
  const { bulk } = await loadDialect('postgres');
  await sql
    .raw('create table csv_load (id integer primary key, name text, data bytea, doc jsonb, flag boolean, big bigint, at timestamptz)')
    .execute(tenant.db);
  const columns = ['id', 'name', 'data', 'doc', 'flag', 'big', 'at'];
  const formats: CsvFormat[] = [
    { delimiter: ',', quote: '"', newline: '\n' },
    { delimiter: ';', quote: "'", newline: '\r\n' },
    { delimiter: '\t', quote: '"', newline: '\n' },
  ];

  it('encodes every kind of value (quotes, delimiters, line breaks, \\., NULL) and reads it back unchanged, in each format', async () => {
    const texts = [...TRICKY.filter((t) => t !== ''), 'semi;colon', "it's", '\\.', ' padded '];
    for (const [f, format] of formats.entries()) {
      const rows: BulkValue[][] = texts.map((text, i) => [
        f * 1000 + i,
        text,
        new Uint8Array([i, 92, 255]),
        { text },
        i % 2 === 0,
        2n ** 62n + BigInt(i),
        i % 3 ? null : new Date(Date.UTC(2024, 0, 1, 0, 0, i)),
      ]);
      rows.push([f * 1000 + 999, null, null, null, null, null, null]);
      const loaded = await bulk.inTransaction(tenant, (session) => session.load('csv_load', columns, [rows.slice(0, 3), rows.slice(3)], { csv: format }));
      expect(loaded).toBe(rows.length);
      const back = await sql<
        Record<string, unknown>
      >`select id, name, data, doc, flag, big::text as big, at from csv_load where id between ${f * 1000} and ${f * 1000 + 999} order by id`.execute(tenant.db);
      expect(back.rows.map((r) => r.name)).toEqual([...texts, null]);
      expect(back.rows.map((r) => (r.data === null ? null : [...(r.data as Buffer)]))).toEqual([...texts.map((_, i) => [i, 92, 255]), null]);
      expect(back.rows.map((r) => r.doc)).toEqual([...texts.map((text) => ({ text })), null]);
      expect(back.rows.map((r) => r.flag)).toEqual([...texts.map((_, i) => i % 2 === 0), null]);
      expect(back.rows.map((r) => r.big)).toEqual([...texts.map((_, i) => String(2n ** 62n + BigInt(i))), null]);
      expect(back.rows.map((r) => (r.at as Date | null)?.getTime() ?? null)).toEqual([
        ...texts.map((_, i) => (i % 3 ? null : Date.UTC(2024, 0, 1, 0, 0, i))),
        null,
      ]);
    }
  });

  it('a refused row is named by its position, after rows with line breaks inside', async () => {
    const error = await bulk
      .inTransaction(tenant, (session) =>
        session.load(
          'csv_load',
          ['id', 'name'],
          [
            [
              [6000, 'two\nlines'],
              [6001, 'three\r\nlines\n'],
            ],
            [
              [6002, 'x'],
              [6000, 'again'],
            ],
          ],
          { csv: formats[0]! },
        ),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkRowError);
    expect((error as BulkRowError).index).toBe(3);
    expect((error as Error).message).toMatch(/duplicate key.*\(id\)=\(6000\)/);
    // CRLF: the server counts the \r of breaks inside values (and only those).
    const crlf = await bulk
      .inTransaction(tenant, (session) =>
        session.load(
          'csv_load',
          ['id', 'name'],
          [
            [
              [7000, 'a\r\nb'],
              [7001, 'c\rd\re'],
              [7002, 'f\ng'],
              [7003, 'h'],
              [7000, 'again'],
              [7005, 'i'],
            ],
          ],
          { csv: formats[1]! },
        ),
      )
      .catch((e: unknown) => e);
    expect((crlf as BulkRowError).index).toBe(4);
  });

  it('CSV text batches are sent as they are, value batches encoded, in one COPY', async () => {
    const format = formats[0]!;
    const loaded = await bulk.inTransaction(tenant, (session) =>
      session.load(
        'csv_load',
        ['id', 'name'],
        [
          { csvText: '5001,"from, the text"\n5002,""\n5004,\n', rowCount: 3 },
          [
            [5003, 'encoded "row"'],
            [5005, ''],
            [5006, null],
          ],
        ],
        { csv: format },
      ),
    );
    expect(loaded).toBe(6);
    const back = await sql<{ id: number; name: string | null }>`select id, name from csv_load where id > 5000 order by id`.execute(tenant.db);
    // A quoted empty field is the empty string, as in PostgreSQL's CSV (no FORCE_NULL); an empty one is NULL.
    expect(back.rows).toEqual([
      { id: 5001, name: 'from, the text' },
      { id: 5002, name: '' },
      { id: 5003, name: 'encoded "row"' },
      { id: 5004, name: null },
      { id: 5005, name: '' },
      { id: 5006, name: null },
    ]);
  });
});
