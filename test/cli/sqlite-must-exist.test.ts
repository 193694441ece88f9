import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.ts';
import { freshSqlitePath } from '../helpers/databases.ts';
import { copyChinookSqlite } from '../../cli/src/demo/chinook.ts';

// Issue 15: a command that only reads must not create the SQLite file it was pointed at (a typo in the path used to
// give an empty database and exit 0). Commands that create a database on purpose (copy --to, migrate up, import)
// still do.

describe('SQLite files are created only by commands that create on purpose', () => {
  it('reading commands refuse a path that does not exist and leave nothing behind', async () => {
    const path = await freshSqlitePath('never_created');
    const migrations = join(dirname(path), 'migrations');
    await mkdir(migrations);
    for (const args of [
      ['introspect', '--url', `sqlite:${path}`],
      ['pii', 'scan', '--url', `sqlite:${path}`],
      ['types', '--url', `sqlite:${path}`, '--out', `${path}.ts`],
      ['export', '--url', `sqlite:${path}`, '--table', 'x', '--out', `${path}.csv`],
      ['migrate', 'status', '--url', `sqlite:${path}`, '--dir', migrations],
      ['audit', 'verify', '--url', `sqlite:${path}`],
      ['copy', '--from', `sqlite:${path}`, '--to', `sqlite:${path}-target`],
      ['verify', '--from', `sqlite:${path}`, '--to', `sqlite:${path}-target`],
    ]) {
      const result = await runCliInProcess(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(`SQLite database ${path}`);
      expect(result.stderr).toContain('does not exist');
      expect(existsSync(path), args.join(' ')).toBe(false);
      expect(existsSync(`${path}-target`), args.join(' ')).toBe(false);
    }
  });

  it('copy --to a new SQLite file still creates it', async () => {
    const source = await freshSqlitePath('exists_source');
    await copyChinookSqlite(source);
    const target = await freshSqlitePath('created_target');
    const result = await runCliInProcess(['copy', '--from', `sqlite:${source}`, '--to', `sqlite:${target}`, '--tables', 'Artist']);
    expect(result.stderr).not.toMatch(/byos:/);
    expect(result.code).toBe(0);
    expect(existsSync(target)).toBe(true);
  });
});
