import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.ts';

// Issue 15: whole-number options are read by one shared parser with bounds, so a value the database would choke on
// (`pii scan --sample 99999999999999999999`) is a usage error naming the flag, before anything connects.

const CASES: [string[], string][] = [
  [['pii', 'scan', '--url', 'sqlite:/nowhere/x.sqlite'], '--sample'],
  [['copy', '--from', 'sqlite:/nowhere/x.sqlite', '--to', 'sqlite:/nowhere/y.sqlite'], '--jobs'],
  [['copy', '--from', 'sqlite:/nowhere/x.sqlite', '--to', 'sqlite:/nowhere/y.sqlite'], '--batch-size'],
  [['copy', '--from', 'sqlite:/nowhere/x.sqlite', '--to', 'sqlite:/nowhere/y.sqlite'], '--sample'],
  [['verify', '--from', 'sqlite:/nowhere/x.sqlite', '--to', 'sqlite:/nowhere/y.sqlite'], '--sample'],
  [['switch', 'acme', '--to', 'sqlite:/nowhere/y.sqlite'], '--jobs'],
  [['keys', 'rotate', '--url', 'sqlite:/nowhere/x.sqlite'], '--batch-size'],
];
const BAD = ['99999999999999999999', '1e3', '-1', '2.5', 'ten', '', '0x10'];

describe('whole-number options', () => {
  for (const [command, flag] of CASES) {
    it(`${command.slice(0, 2).join(' ')} ${flag} refuses values out of range or not whole numbers (exit 2, flag named)`, async () => {
      for (const value of BAD) {
        const result = await runCliInProcess([...command, flag, value, '--json']);
        expect(result.code, `${flag} ${JSON.stringify(value)}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toContain(flag);
        expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'usage', exitCode: 2 });
      }
    });
  }

  it('pii scan --sample at its bound is accepted as far as the arguments go', async () => {
    const result = await runCliInProcess(['pii', 'scan', '--url', 'sqlite:/nowhere/x.sqlite', '--sample', '100000', '--json']);
    // The arguments pass; the missing database is what stops it.
    expect(result.stderr).not.toContain('--sample');
    expect(JSON.parse(result.stdout).error.code).toBe('not-found');
  });
});
