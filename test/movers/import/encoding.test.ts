import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { openSource, SourceError } from '@byos/runtime/import';
import { runCliInProcess } from '../../helpers/cli.ts';
import { freshSqlitePath } from '../../helpers/databases.ts';
import { oneLineFailure } from '../../helpers/full-disk.ts';

const dir = await mkdtemp(join(tmpdir(), 'byos-encoding-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, ...parts: (string | Buffer)[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))));
  return path;
}
const latin1 = (text: string) => Buffer.from(text, 'latin1');

async function readAll(path: string, options = {}) {
  const source = await openSource(path, options);
  const rows: unknown[][] = [];
  try {
    for await (const row of source.rows) rows.push(row.cells);
  } finally {
    await source.close();
  }
  return { encoding: source.details.encoding, rows };
}

/** ASCII rows enough to push what follows past the 64 KiB sample the sniffer reads. */
const filler = (from: number, count: number) => Array.from({ length: count }, (_, i) => `${from + i},plain ascii row ${from + i}\n`).join('');

describe('text encoding, decided from the whole file', () => {
  it('a UTF-8 file with one invalid byte stops at its row and byte offset instead of reading as Latin-1', async () => {
    // "José" and "Zoë" in UTF-8, then "René" written in Latin-1 (0xE9 alone): row 4, at byte 28
    const path = await file('mostly-utf8.csv', 'id,name\n1,José\n2,Zoë\n3,Ren', latin1('é'), '\n4,Ana\n');
    const error = await readAll(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe(
      `${path} is not valid UTF-8 at byte 28 (row 4), though the rest reads as UTF-8: fix that byte, or give --encoding latin1 (or the file's real encoding) to read the whole file that way`,
    );
    // forcing the encoding is the way out, and reads every byte as that encoding
    expect((await readAll(path, { encoding: 'latin1' })).rows[0]).toEqual(['1', 'JosÃ©']);
  });

  it('the row is right for a byte at the start of a record, inside a quoted multi-line value, and past the sample', async () => {
    const start = await file('at-start.csv', 'id,name\n1,Zoë\n', latin1('é'), ',x\n');
    await expect(readAll(start)).rejects.toThrow(/at byte 15 \(row 3\)/);
    const quoted = await file('quoted.csv', 'id,name\n1,Zoë\n2,"two\nlines ', latin1('é'), '"\n3,x\n');
    await expect(readAll(quoted)).rejects.toThrow(/\(row 3\)/);
    const head = `id,name\n${filler(1, 5000)}`;
    const late = await file('late.csv', head, '5001,Zoë\n5002,Ren', latin1('é'), '\n');
    await expect(readAll(late)).rejects.toThrow(`at byte ${Buffer.byteLength(head) + 18} (row 5003)`);
  });

  it('a Latin-1 file is Latin-1, even when its first accent comes after the sniffed sample', async () => {
    const early = await readAll(await file('latin1.csv', latin1('id,name\n1,José\n2,Zoë\n')));
    expect(early).toEqual({
      encoding: 'latin1',
      rows: [
        ['1', 'José'],
        ['2', 'Zoë'],
      ],
    });
    const late = await readAll(await file('latin1-late.csv', `id,name\n${filler(1, 5000)}`, latin1('5001,José\n5002,Zoë\n')));
    expect(late.encoding).toBe('latin1');
    expect(late.rows.slice(-2)).toEqual([
      ['5001', 'José'],
      ['5002', 'Zoë'],
    ]);
    // a stray pair of bytes that happens to be valid UTF-8 (Ã© is C3 A9) does not outvote the Latin-1 letters
    const mostly = await readAll(await file('latin1-stray.csv', latin1('id,name\n1,José\n2,Zoë\n3,Ã©\n4,Ådne\n')));
    expect(mostly.encoding).toBe('latin1');
  });

  it('through the CLI: one line, exit 1, and nothing imported', async () => {
    const db = await freshSqlitePath('encoding');
    const tenant = await connect(`sqlite:${db}`);
    await tenant.db.schema
      .createTable('people')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .execute();
    const path = await file('cli.csv', 'id,name\n1,José\n2,Ren', latin1('é'), '\n');
    const line = oneLineFailure(await runCliInProcess(['import', path, '--url', `sqlite:${db}`, '--table', 'people']));
    expect(line).toMatch(/is not valid UTF-8 at byte 21 \(row 3\)/);
    expect(await tenant.db.selectFrom('people').selectAll().execute()).toEqual([]);
    await tenant.close();
  });
});
