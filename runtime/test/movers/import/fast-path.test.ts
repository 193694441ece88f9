import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../src/movers/import/index.ts';
import { ImportDatabaseError } from '../../../src/movers/import/import.ts';
import { readCsvRecords } from '../../../src/movers/import/csv-records.ts';
import type { CsvFormat } from '../../../src/dialects/bulk-load.ts';
import { freshTenantDb } from '../../../../test/helpers/databases.ts';
import { cases } from '../../../../test/helpers/thorough.ts';

// The Postgres fast path: batches whose every cell reads back as its validated value go to COPY … CSV as the
// file's own text; the rest are encoded again. These tests hold it to the same result as the validating path.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-import-fast-'));
});
async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Random text over CSV's special characters, in random chunks: readCsvRecords must read it as csv-parse does. */
function* randomInputs(seed: number, count: number): Generator<{ text: string; chunks: string[]; newline: string }> {
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const alphabet = ['a', 'b', ',', '"', '\n', ' ', 'x', '\r', '\t', '\r\n', 'é', 'ab,cd\n', '"q"'];
  for (let k = 0; k < count; k++) {
    let text = '';
    const length = 1 + Math.floor(random() * 40);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
    const chunks: string[] = [];
    for (let at = 0; at < text.length; ) {
      const size = 1 + Math.floor(random() * 12);
      chunks.push(text.slice(at, at + size));
      at += size;
    }
    yield { text, chunks, newline: random() < 0.5 ? '\n' : '\r\n' };
  }
}

describe('CSV reading: the fast parser and its hand-over to csv-parse', () => {
  const inputs = cases(2_000, 10_000);
  it(`reads ${inputs.toLocaleString('en')} random inputs exactly as csv-parse does, whatever the chunking`, async () => {
    let compared = 0;
    for (const { text, chunks, newline } of randomInputs(7, inputs)) {
      const format: CsvFormat = { delimiter: ',', quote: '"', newline };
      const options = {
        delimiter: ',',
        quote: '"',
        escape: '"',
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        record_delimiter: ['\r\n', '\n', '\r'],
        // an empty field is NULL, a quoted empty one the empty string
        cast: (value: string, context: { quoting: boolean }) => (value === '' && !context.quoting ? null : value),
      };
      let expected: (string | null)[][] | Error;
      try {
        expected = parse(text, options) as (string | null)[][];
      } catch (error) {
        expected = error as Error;
      }
      const got: (string | null)[][] = [];
      let failure: Error | null = null;
      try {
        for await (const batch of readCsvRecords(chunks[Symbol.iterator]() as unknown as AsyncIterator<string>, {
          path: 'random.csv',
          format,
          maxRecordChars: 1 << 20,
        })) {
          got.push(...batch.rows.map((r) => r.cells as (string | null)[]));
        }
      } catch (error) {
        failure = error as Error;
      }
      if (expected instanceof Error) expect(failure, JSON.stringify(text)).not.toBeNull();
      else expect(got, JSON.stringify(text)).toEqual(expected);
      compared++;
    }
    expect(compared).toBe(inputs);
  });

  it('hands over to csv-parse at a stray line ending past the first chunks, keeping row and line numbers', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `${i + 1},name ${i + 1}`);
    lines[15_000] = `15001,"two\r\nlines"`; // CRLF inside a value of an LF file, past the first 64 KiB: not regular
    lines[15_001] = `15002,x\r`; // a CR line ending
    const text = ['id,name\n', ...lines.map((l) => `${l}\n`)].join('');
    const chunks = text.match(/[\s\S]{1,65536}/g)!;
    const rows = [];
    let textBatches = 0;
    for await (const batch of readCsvRecords(chunks[Symbol.iterator]() as unknown as AsyncIterator<string>, {
      path: 'x.csv',
      format: { delimiter: ',', quote: '"', newline: '\n' },
      maxRecordChars: 1 << 20,
    })) {
      rows.push(...batch.rows);
      if (batch.csv !== null) textBatches++;
    }
    expect(textBatches).toBeGreaterThan(0); // the chunks before the stray ending went the fast way
    // Row and line numbers as csv-parse gives them reading the whole text (it counts the CR and the LF of a CRLF
    // inside a value as two lines).
    const reference = parse(text, {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    expect(rows).toEqual(reference.map((r, i) => ({ row: i + 1, line: r.info.lines, cells: r.record })));
    expect(rows[15_001]!.cells).toEqual(['15001', 'two\r\nlines']);
    expect(rows[15_002]!.cells).toEqual(['15002', 'x']);
  });
});

describe('Postgres import: file text where it reads back the same, encoded values elsewhere', async () => {
  const tenant = await freshTenantDb('postgres', 'import_fast');
  await sql
    .raw('create table people (id integer primary key, name text not null, amount numeric(10,2), active boolean, joined date, note text)')
    .execute(tenant.db);

  it('loads a mixed file exactly as validation reads it, sending the regular batches as text', async () => {
    // The odd cells sit in the last chunks of the file: the chunks before them (64 KiB, ~1,000 rows) go as text.
    const rows = 8000;
    // [cell as written, value stored] for the few cells the server would read differently from validation.
    const odd: Record<number, [column: number, written: string, stored: unknown]> = {
      5500: [2, '"1,234.50"', '1234.50'],
      6000: [3, 'yes', true],
      6500: [4, '31/12/2024', '2024-12-31'],
      7000: [5, '"   "', '   '], // blank text is a text column's value
      7500: [5, '""', ''], // a quoted empty field is the empty string; an empty one (rows i % 7 == 0) NULL
      7600: [5, "'=SUM(A1)", '=SUM(A1)'],
      7700: [0, '+7700', 7700],
      7999: [3, 'FALSE', false],
    };
    const expected: unknown[][] = [];
    let text = 'id,name,amount,active,joined,note\n';
    for (let i = 1; i <= rows; i++) {
      const cells = [String(i), `"Name ${i}, ""quoted"""`, `${i}.25`, i % 2 ? 'true' : 'f', `2024-0${(i % 9) + 1}-1${i % 10}`, i % 7 ? `note ${i}` : ''];
      const values: unknown[] = [i, `Name ${i}, "quoted"`, `${i}.25`, Boolean(i % 2), `2024-0${(i % 9) + 1}-1${i % 10}`, i % 7 ? `note ${i}` : null];
      const special = odd[i];
      if (special) {
        cells[special[0]] = special[1];
        values[special[0]] = special[2];
      }
      text += `${cells.join(',')}\n`;
      expected.push(values);
    }
    const report = await importFile(tenant, { file: await file('mixed.csv', text), table: 'people' });
    expect(report.rowsLoaded).toBe(rows);
    expect(report.rowsAsFileText).toBeGreaterThan(0);
    expect(report.rowsAsFileText).toBeLessThan(rows);
    const stored = await sql<
      Record<string, unknown>
    >`select id, name, amount::text as amount, active, to_char(joined, 'YYYY-MM-DD') as joined, note from people order by id`.execute(tenant.db);
    expect(stored.rows.map((r) => [r.id, r.name, r.amount, r.active, r.joined, r.note])).toEqual(expected);
  });

  it('a row the database refuses is named by its row in the file, and nothing is imported', async () => {
    const before = (await sql<{ n: string }>`select count(*) as n from people`.execute(tenant.db)).rows[0]!.n;
    const text = `id,name\n9001,a\n9002,b\n9003,"two\nlines"\n17,duplicate of an existing id\n9004,c\n`;
    const error = await importFile(tenant, { file: await file('dup.csv', text), table: 'people' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportDatabaseError);
    expect((error as ImportDatabaseError).row).toBe(5);
    expect((error as Error).message).toMatch(/refused row 5 of .*dup\.csv: duplicate key .*\(id\)=\(17\)/);
    expect((await sql<{ n: string }>`select count(*) as n from people`.execute(tenant.db)).rows[0]!.n).toBe(before);
  });
});

describe('the file text reaches Postgres as validation read it', async () => {
  const postgres = await freshTenantDb('postgres', 'import_fast_random');
  const sqlite = await freshTenantDb('sqlite', 'import_fast_random');
  for (const tenant of [postgres, sqlite]) await sql.raw('create table notes (id integer primary key, a text, b text)').execute(tenant.db);

  /** A field written the way people and tools write them: quoted or not (where a reader may take either), quotes inside unquoted text. */
  function* randomFiles(seed: number, count: number): Generator<{ text: string; newline: string }> {
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const pieces = ['x', 'y z', '"', '""', ',', '\n', '\r\n', 'é', '\\.', '\\', "'", ' ', 'NULL', '\\N'];
    let id = 0;
    for (let k = 0; k < count; k++) {
      const newline = random() < 0.5 ? '\n' : '\r\n';
      let text = `id,a,b${newline}`;
      const records = 1 + Math.floor(random() * 8);
      for (let r = 0; r < records; r++) {
        const fields = [String(++id)];
        for (let c = 0; c < 2; c++) {
          let value = '';
          for (let n = Math.floor(random() * 4); n > 0; n--) value += pick(pieces);
          const mustQuote = /[,\r\n]/.test(value) || value.startsWith('"') || value === '';
          fields.push(mustQuote || random() < 0.3 ? `"${value.replaceAll('"', '""')}"` : value);
        }
        text += fields.join(',') + newline;
      }
      yield { text, newline };
    }
  }

  const files = cases(60, 200);
  it(`${files} random files with quotes, delimiters and line breaks in odd places store the same rows on Postgres (file text) as on SQLite (values)`, async () => {
    let asText = 0;
    let index = 0;
    for (const { text } of randomFiles(11, files)) {
      const path = await file(`random-${index++}.csv`, text);
      const reports = [];
      for (const tenant of [postgres, sqlite]) reports.push(await importFile(tenant, { file: path, table: 'notes', onError: 'skip' }));
      expect(reports[0]!.rowsLoaded, text).toBe(reports[1]!.rowsLoaded);
      asText += reports[0]!.rowsAsFileText;
    }
    const read = async (tenant: typeof postgres) =>
      (await sql<{ id: number; a: string | null; b: string | null }>`select id, a, b from notes order by id`.execute(tenant.db)).rows;
    const fromSqlite = await read(sqlite);
    expect(fromSqlite.length).toBeGreaterThan(files * 2);
    expect(await read(postgres)).toEqual(fromSqlite);
    // Both ways were taken: regular files went as text, the others (quotes inside unquoted fields, …) as values.
    expect(asText).toBeGreaterThan(0);
    expect(asText).toBeLessThan(fromSqlite.length);
  });

  it('a quote inside an unquoted field is kept as a character, not read as the start of a quoted value', async () => {
    const path = await file('mid-quote.csv', 'id,a,b\n90001,ab"c,x\n90002,y,d"\n90003,"q",e\n');
    const report = await importFile(postgres, { file: path, table: 'notes' });
    expect(report.rowsLoaded).toBe(3);
    const stored = await sql<{ a: string; b: string }>`select a, b from notes where id > 90000 order by id`.execute(postgres.db);
    expect(stored.rows).toEqual([
      { a: 'ab"c', b: 'x' },
      { a: 'y', b: 'd"' },
      { a: 'q', b: 'e' },
    ]);
  });
});

describe('floats, delimiters and chunk boundaries on the text path', async () => {
  const tenant = await freshTenantDb('postgres', 'import_fast_edges');
  await sql.raw('create table floats (id integer primary key, d double precision, r real)').execute(tenant.db);

  it('a float cell stores the same whether its batch goes as text or as values (-0, many digits into real)', async () => {
    const cells = ['-0', '-0.0', '1.000000059604644775390624999', '12.50', '1.5', '0.1', '123456789.123456789'];
    let id = 0;
    for (const cell of cells) {
      const asText = ++id;
      const asValues = ++id;
      // The integer matcher only passes canonical integers: a `+N` id makes its batch go as encoded values.
      const a = await importFile(tenant, { file: await file(`float-${asText}.csv`, `id,d,r\n${asText},${cell},${cell}\n`), table: 'floats' });
      const b = await importFile(tenant, { file: await file(`float-${asValues}.csv`, `id,d,r\n+${asValues},${cell},${cell}\n`), table: 'floats' });
      expect(b.rowsAsFileText).toBe(0);
      const stored = await sql<{
        id: number;
        d: string;
        r: string;
      }>`select id, d::text as d, r::text as r from floats where id in (${asText}, ${asValues}) order by id`.execute(tenant.db);
      expect(stored.rows[0]!.d, cell).toBe(stored.rows[1]!.d);
      expect(stored.rows[0]!.r, cell).toBe(stored.rows[1]!.r);
      expect(a.rowsLoaded + b.rowsLoaded).toBe(2);
    }
  });

  it('a float the column cannot hold is rejected by validation with its row, not left to the server', async () => {
    const huge = `1${'0'.repeat(400)}`;
    const tiny = `0.${'0'.repeat(400)}1`;
    const text = `id,d,r\n9001,${huge},1\n9002,1,1e39\n9003,${tiny},1\n9004,2.5,2.5\n`;
    const report = await importFile(tenant, { file: await file('float-range.csv', text), table: 'floats', onError: 'skip' });
    expect(report.rowsLoaded).toBe(1);
    expect(report.rejected.map((r) => [r.row, r.header, /out of range for (double precision|real)/.test(r.reason)])).toEqual([
      [2, 'd', true],
      [3, 'r', true],
      [4, 'd', true],
    ]);
  });

  it('a delimiter COPY cannot take (not one byte) loads through encoded values', async () => {
    await sql.raw('create table sections (id integer primary key, name text)').execute(tenant.db);
    const report = await importFile(tenant, { file: await file('section.csv', 'id§name\n1§Straße\n2§"a§b"\n'), table: 'sections', delimiter: '§' });
    expect(report.rowsLoaded).toBe(2);
    expect(report.rowsAsFileText).toBe(0);
    const stored = await sql<{ id: number; name: string }>`select id, name from sections order by id`.execute(tenant.db);
    expect(stored.rows).toEqual([
      { id: 1, name: 'Straße' },
      { id: 2, name: 'a§b' },
    ]);
  });

  it('a CRLF chunk cut between CR and LF after a quoted field stays on the fast reader', async () => {
    const format: CsvFormat = { delimiter: ',', quote: '"', newline: '\r\n' };
    const text = `id,name\r\n${Array.from({ length: 3000 }, (_, i) => `${i + 1},"name ${i + 1}"\r\n`).join('')}`;
    // Cut every chunk just after a CR.
    const chunks: string[] = [];
    for (let at = 0; at < text.length; ) {
      const cr = text.indexOf('\r', at + 4000);
      const end = cr === -1 ? text.length : cr + 1;
      chunks.push(text.slice(at, end));
      at = end;
    }
    expect(chunks.length).toBeGreaterThan(3);
    let rows = 0;
    let textRows = 0;
    for await (const batch of readCsvRecords(chunks[Symbol.iterator]() as unknown as AsyncIterator<string>, {
      path: 'crlf.csv',
      format,
      maxRecordChars: 1 << 20,
    })) {
      rows += batch.rows.length;
      if (batch.csv !== null) textRows += batch.rows.length;
    }
    expect(rows).toBe(3001);
    expect(textRows).toBe(3001);
  });
});
