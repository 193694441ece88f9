import { describe, expect, it } from 'vitest';
import { copyChinookSqlite } from '../../../cli/src/demo/chinook.ts';
import { runCliInProcess } from '../../helpers/cli.ts';
import { freshPostgresDatabase, freshSqlitePath } from '../../helpers/databases.ts';

describe('byos copy / byos verify', () => {
  it('copies Chinook SQLite into Postgres, verifies, and prints one JSON summary', async () => {
    const path = await freshSqlitePath('cli_src');
    await copyChinookSqlite(path);
    const to = await freshPostgresDatabase('cli_to');
    const result = await runCliInProcess([
      'copy',
      '--from',
      `sqlite:${path}`,
      '--to',
      to,
      '--tables',
      'Artist,Album,Genre,MediaType,Track',
      '--batch-size',
      '1000',
      '--jobs',
      '2',
      '--verify',
      '--json',
    ]);
    expect(result.stderr).not.toMatch(/byos:/);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      copy: { rows: number; tables: { table: string; rows: number }[] };
      verify: { equal: boolean; tables: { table: string; equal: boolean }[] };
    };
    expect(summary.copy.rows).toBe(275 + 347 + 25 + 5 + 3503);
    expect(summary.verify.equal).toBe(true);
    expect(summary.verify.tables.map((t) => t.table).sort()).toEqual(['Album', 'Artist', 'Genre', 'MediaType', 'Track']);
    // The password of the URL never reaches the output.
    const password = decodeURIComponent(new URL(to).password);
    expect(result.stdout + result.stderr).not.toContain(password);

    const again = await runCliInProcess(['verify', '--from', `sqlite:${path}`, '--to', to, '--tables', 'Track', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ equal: true, tables: [{ table: 'Track', sourceRows: 3503, targetRows: 3503 }] });

    // Into the same target again: refused, nothing written, exit 1.
    const refused = await runCliInProcess(['copy', '--from', `sqlite:${path}`, '--to', to, '--tables', 'Artist']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the target already has a table Artist');
  });

  it('answers bad arguments with exit 2 and the flag named', async () => {
    const bad = await runCliInProcess(['copy', '--from', 'sqlite:/nowhere/x.sqlite', '--to', 'sqlite:/nowhere/y.sqlite', '--jobs', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--jobs must be a positive integer from 1 to 64');
    const scheme = await runCliInProcess(['verify', '--from', 'ftp://x/y', '--to', 'sqlite:/tmp/y.sqlite']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain('--from');
  });
});
