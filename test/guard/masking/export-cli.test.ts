import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createMasker } from '@byos/runtime/guard/masking';
import { freshSqlitePath } from '../../helpers/databases.ts';
import { runCli } from '../../helpers/cli.ts';

const KEY = 'the-cli-export-masking-key-0123456789abcdef';

async function customers(): Promise<string> {
  const path = await freshSqlitePath('export-mask');
  const db = new Database(path);
  db.exec(`create table customers (id integer primary key, email text, card text, nric text);
    insert into customers values (1, 'ana@example.com', '4111 1111 1111 1234', 'S1234567D'), (2, 'wei@example.sg', null, 'G5872776N');`);
  db.close();
  return path;
}

// Several CLI processes (or pg_dump/pg_restore runs) per test, on a machine shared with other work: a 3-minute budget.
describe('byos export --mask', { timeout: 180_000 }, () => {
  it('writes masked columns with the key from BYOS_MASK_KEY; the tokens reverse with the same key', async () => {
    const path = await customers();
    const out = join(dirname(path), 'masked.csv');
    const result = await runCli(
      ['export', '--url', `sqlite:${path}`, '--table', 'customers', '--mask', 'customers.email=hash,customers.card=partial,customers.nric=token', '--out', out],
      { env: { BYOS_MASK_KEY: KEY } },
    );
    expect(result.stderr).not.toMatch(/byos:/);
    expect(result.code).toBe(0);
    const text = await readFile(out, 'utf8');
    for (const raw of ['ana@example.com', 'wei@example.sg', '4111 1111 1111', 'S1234567D', 'G5872776N']) expect(text).not.toContain(raw);
    const masker = createMasker({ key: KEY, rules: {} });
    const [header, first, second] = text
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(header).toEqual(['id', 'email', 'card', 'nric']);
    expect(first).toEqual(['1', masker.maskValue('hash', 'ana@example.com'), '**** **** **** 1234', expect.stringMatching(/^tok1_/)]);
    expect(masker.detokenize(first![3]!)).toBe('S1234567D');
    expect(masker.detokenize(second![3]!)).toBe('G5872776N');
  });

  it('rules from a mask file; a misspelt column stops the export before any row is written', async () => {
    const path = await customers();
    const dir = dirname(path);
    await writeFile(join(dir, 'masks.yaml'), 'customers.email: redact\ncustomers.nric: partial\n');
    const fromFile = await runCli([
      'export',
      '--url',
      `sqlite:${path}`,
      '--table',
      'customers',
      '--mask-file',
      join(dir, 'masks.yaml'),
      '--out',
      join(dir, 'a.csv'),
    ]);
    expect(fromFile.code).toBe(0);
    expect(await readFile(join(dir, 'a.csv'), 'utf8')).toContain('1,[redacted],4111 1111 1111 1234,*****567D');

    const typo = await runCli(['export', '--url', `sqlite:${path}`, '--table', 'customers', '--mask', 'customers.emial=redact', '--out', join(dir, 'c.csv')]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('mask rule customers.emial: the export has no column "emial"');
    // a failed export leaves no file at all (it writes beside the target and renames only on success)
    expect(existsSync(join(dir, 'c.csv'))).toBe(false);
  });
});
