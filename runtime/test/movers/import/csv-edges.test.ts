import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile, ImportMappingError, mapHeaders, matchScore, openSource, SourceError } from '../../../src/movers/import/index.ts';
import { detectEncoding } from '../../../src/movers/import/encoding.ts';
import { sniffCsv } from '../../../src/movers/import/sniff.ts';
import { freshTenantDb } from '../../../../test/helpers/databases.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-import-edges-'));
});
async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}
async function readAll(path: string, options = {}) {
  const source = await openSource(path, options);
  const rows = [];
  for await (const row of source.rows) rows.push(row);
  await source.close();
  return { headers: source.headers, details: source.details, rows };
}

describe('reading CSV files', () => {
  const text = 'name,city\nZoë,Zürich\n"Ørsted, A",Århus\n';

  it('UTF-8 with and without BOM, UTF-16 LE and BE with BOM, Latin-1 when not valid UTF-8', async () => {
    const utf16be = Buffer.from(text, 'utf16le').swap16();
    const cases: [string, Buffer, string][] = [
      ['utf8.csv', Buffer.from(text), 'utf-8'],
      ['utf8bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8'],
      ['utf16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf-16le'],
      ['utf16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]), 'utf-16be'],
      ['latin1.csv', Buffer.from(text, 'latin1'), 'latin1'],
    ];
    for (const [name, bytes, encoding] of cases) {
      const got = await readAll(await file(name, bytes));
      expect(got.details.encoding, name).toBe(encoding);
      expect(got.headers, name).toEqual(['name', 'city']);
      expect(
        got.rows.map((r) => r.cells),
        name,
      ).toEqual([
        ['Zoë', 'Zürich'],
        ['Ørsted, A', 'Århus'],
      ]);
    }
  });

  it('detectEncoding: UTF-16 without a BOM from its zero bytes', () => {
    expect(detectEncoding(Buffer.from('a,b\n1,2\n', 'utf16le'), true)).toEqual({ encoding: 'utf-16le', bom: 0 });
    expect(detectEncoding(Buffer.from('a,b\n1,2\n', 'utf16le').swap16(), true)).toEqual({ encoding: 'utf-16be', bom: 0 });
  });

  it('an invalid UTF-8 byte past the sniffed sample stops the read with its offset (UTF-8 before it); alone, it is Latin-1', async () => {
    const head = `a,b\né,${'x,y\n'.repeat(20_000)}`;
    const big = Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0x2c, 0x31, 0x0a])]);
    await expect(readAll(await file('late-invalid.csv', big))).rejects.toThrow(`at byte ${Buffer.byteLength(head)} (row 20002)`);
    const ascii = Buffer.concat([Buffer.from(`a,b\n${'x,y\n'.repeat(20_000)}`), Buffer.from([0xff, 0x2c, 0x31, 0x0a])]);
    const read = await readAll(await file('late-latin1.csv', ascii));
    expect([read.details.encoding, read.rows.at(-1)!.cells]).toEqual(['latin1', ['ÿ', '1']]);
  });

  it('sniffs semicolons, tabs and pipes, single quotes, and whether there is a header', () => {
    expect(sniffCsv('a;b;c\n1;2;3\n')).toEqual({ delimiter: ';', quote: '"', header: true });
    expect(sniffCsv('a\tb\n"x,y"\t2\n')).toMatchObject({ delimiter: '\t', header: true });
    expect(sniffCsv('a|b\n1|2\n')).toMatchObject({ delimiter: '|' });
    expect(sniffCsv("name,note\n'Ann, B',x\n")).toMatchObject({ quote: "'" });
    expect(sniffCsv('1,2024-01-01,x\n2,2024-01-02,y\n')).toMatchObject({ header: false });
  });

  it('takes \' as the quote only where it quotes whole fields, and never over "', () => {
    // the formula guard's '- and apostrophes in words quote nothing, even when two of them pair up across lines
    expect(sniffCsv("id,v\r\n1,'-\r\n2,'\r\n3,'-\r\n4,'\r\n")).toMatchObject({ quote: '"', delimiter: ',' });
    expect(sniffCsv("id,v\n1,''\n2,'-\n")).toMatchObject({ quote: '"' });
    expect(sniffCsv("name,note\nO'Brien,it's\n")).toMatchObject({ quote: '"' });
    expect(sniffCsv('a;b\n\'x\';"y"\n')).toMatchObject({ quote: '"', delimiter: ';' });
    expect(sniffCsv("a;b\n'x; y';'z'\n'1';'2'\n")).toMatchObject({ quote: "'", delimiter: ';' });
  });

  it('LF, CRLF and mixed line endings, quoted newlines, empty lines skipped, line numbers of multi-line records', async () => {
    const lf = await readAll(await file('lines-lf.csv', 'a,b\n1,"x\ny"\n\n2,z\n'));
    expect(lf.rows.map((r) => [r.row, r.line, r.cells])).toEqual([
      [2, 3, ['1', 'x\ny']],
      [3, 5, ['2', 'z']],
    ]);
    const mixed = await readAll(await file('lines-mixed.csv', 'a,b\r\n1,"x\r\ny"\r\n\r\n2,z\n3,w'));
    expect(mixed.rows.map((r) => [r.row, r.cells])).toEqual([
      [2, ['1', 'x\r\ny']],
      [3, ['2', 'z']],
      [4, ['3', 'w']],
    ]);
  });

  it('an empty file and a BOM-only file are refused by name; a header-only file has no rows', async () => {
    await expect(readAll(await file('empty.csv', ''))).rejects.toThrow(/empty.csv is empty/);
    await expect(readAll(await file('bom-only.csv', Buffer.from([0xef, 0xbb, 0xbf])))).rejects.toThrow(SourceError);
    const headerOnly = await readAll(await file('header-only.csv', 'a,b,c\n'));
    expect(headerOnly.headers).toEqual(['a', 'b', 'c']);
    expect(headerOnly.rows).toEqual([]);
  });

  it('an unclosed quote is an error naming the line', async () => {
    await expect(readAll(await file('unclosed.csv', 'a,b\n1,2\n3,"never closed\n4,5\n'))).rejects.toThrow(/unclosed.csv is malformed near line \d/);
  });

  it('1,000 columns', async () => {
    const headers = Array.from({ length: 1000 }, (_, i) => `col_${i}`);
    const got = await readAll(await file('wide.csv', `${headers.join(',')}\n${headers.map((_, i) => i).join(',')}\n`));
    expect(got.headers).toHaveLength(1000);
    expect(got.rows[0]!.cells[999]).toBe('999');
  });
});

describe('header mapping', () => {
  it('scores exact, normalised, synonym and fuzzy matches in that order', () => {
    expect(matchScore('email', 'email')).toEqual({ confidence: 1, method: 'exact' });
    expect(matchScore('First Name', 'first_name')).toEqual({ confidence: 0.95, method: 'normalised' });
    expect(matchScore('Zip', 'postal_code')).toEqual({ confidence: 0.85, method: 'synonym' });
    expect(matchScore('Adress', 'address')).toMatchObject({ method: 'fuzzy' });
    expect(matchScore('Adress', 'address').confidence).toBeGreaterThan(0.7);
    expect(matchScore('id', 'ip').confidence).toBe(0); // too short to fuzz
  });

  it('each column is taken once, by the most certain header', () => {
    const result = mapHeaders(['Email', 'E-Mail Address', 'name'], ['email', 'name']);
    expect(result.entries.map((e) => e.column)).toEqual(['email', null, 'name']);
    expect(result.undecided.map((e) => e.header)).toEqual(['E-Mail Address']);
  });

  it('explicit mappings naming unknown headers or columns are problems, positions work', () => {
    const result = mapHeaders(['a', 'b'], ['x', 'y'], { nope: 'x', a: 'zz', '2': 'y' });
    expect(result.problems).toEqual(['--map nope=x: the file has no header "nope"', '--map a=zz: the table has no column "zz"']);
    expect(result.entries[1]).toMatchObject({ column: 'y', method: 'explicit' });
  });
});

describe('importing awkward files (sqlite)', async () => {
  const tenant = await freshTenantDb('sqlite', 'edges');
  await sql.raw('create table people (id integer primary key, name text, city text)').execute(tenant.db);

  it('duplicate headers stop the import and say how to map them by position', async () => {
    const path = await file('dupes.csv', 'id,name,name\n1,a,b\n');
    const failure = await importFile(tenant, { file: path, table: 'people' }).catch((e) => e);
    expect(failure).toBeInstanceOf(ImportMappingError);
    expect(failure.message).toBe('the header "name" appears 2 times (columns 2, 3); say which is which by position, e.g. --map 2=COLUMN --map 3=');
    const report = await importFile(tenant, { file: path, table: 'people', map: { '2': 'name', '3': 'city' } });
    expect(report.rowsLoaded).toBe(1);
    expect((await sql`select name, city from people`.execute(tenant.db)).rows).toEqual([{ name: 'a', city: 'b' }]);
  });

  it('a header-only file imports nothing and succeeds', async () => {
    const report = await importFile(tenant, { file: await file('only-header.csv', 'id,name\n'), table: 'people' });
    expect([report.rowsRead, report.rowsLoaded, report.committed]).toEqual([0, 0, true]);
  });

  it('a missing table is named, with the way to create it', async () => {
    await expect(importFile(tenant, { file: await file('x.csv', 'a\n1\n'), table: 'nope' })).rejects.toThrow(
      'table "nope" does not exist; add --create to make it from the file',
    );
  });

  it('a required column with no header is named before anything is read', async () => {
    await sql.raw('create table strict (id integer primary key, code text not null)').execute(tenant.db);
    await expect(importFile(tenant, { file: await file('nocode.csv', 'id\n1\n'), table: 'strict' })).rejects.toThrow(
      'no header maps to the required column(s) "code" (NOT NULL without a default)',
    );
  });
});
