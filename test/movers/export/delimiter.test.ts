import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { runCliInProcess } from '../../helpers/cli.ts';
import { freshSqlitePath } from '../../helpers/databases.ts';

it('export refuses a delimiter its file could not be read back with (quote, CR, LF, letter, digit), before writing', async () => {
  const path = await freshSqlitePath('delimiter');
  const tenant = await connect({ provider: 'local-sqlite', dialect: 'sqlite', database: path });
  await sql`create table t (a text, b text)`.execute(tenant.db);
  await sql`insert into t values ('x"y', 'z')`.execute(tenant.db);
  await tenant.close();
  for (const delimiter of ['"', '\r', '\n', 'a', '7']) {
    const out = join(path, '..', `d-${delimiter.charCodeAt(0)}.csv`);
    const r = await runCliInProcess(['export', '--url', `sqlite:${path}`, '--table', 't', '--out', out, '--delimiter', delimiter, '--json']);
    expect(r.code, JSON.stringify(delimiter)).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('invalid-input');
    expect(existsSync(out)).toBe(false);
  }
  const ok = await runCliInProcess(['export', '--url', `sqlite:${path}`, '--table', 't', '--out', join(path, '..', 'ok.csv'), '--delimiter', ';']);
  expect(ok.code).toBe(0);
});
