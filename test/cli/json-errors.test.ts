import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from '../helpers/cli.ts';
import { freshSqlitePath } from '../helpers/databases.ts';

// Issue 15, item 14: under --json every failure prints one document on stdout, { error: { code, message, exitCode } },
// with a stable machine-readable code, whether commander refused the arguments or the command failed inside.

interface JsonError {
  error: { code: string; message: string; exitCode: number; findings?: unknown[] };
}

function jsonError(stdout: string): JsonError['error'] {
  const parsed = JSON.parse(stdout) as JsonError;
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(typeof parsed.error.message).toBe('string');
  expect(parsed.error.message).not.toMatch(/\n/);
  return parsed.error;
}

let dir: string;
let sqlite: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-json-errors-'));
  sqlite = await freshSqlitePath('json_errors');
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(sqlite);
  db.exec('create table customers (id integer primary key, email text)');
  db.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--json errors carry a code, a one-line message and the exit code', () => {
  it('usage errors from commander: unknown option, missing argument, unknown command option value', async () => {
    const unknown = await runCliInProcess(['introspect', '--bogus', '--json']);
    expect(unknown.code).toBe(2);
    expect(jsonError(unknown.stdout)).toEqual({ code: 'usage', message: "unknown option '--bogus'", exitCode: 2 });

    const missingValue = await runCliInProcess(['export', '--json', '--out']);
    expect(missingValue.code).toBe(2);
    expect(jsonError(missingValue.stdout)).toMatchObject({ code: 'usage', exitCode: 2, message: expect.stringContaining("'--out <file>' argument missing") });

    const missingArgument = await runCliInProcess(['switch', '--json']);
    expect(missingArgument.code).toBe(2);
    expect(jsonError(missingArgument.stdout)).toMatchObject({
      code: 'usage',
      exitCode: 2,
      message: expect.stringContaining("missing required argument 'tenant'"),
    });
  });

  it('usage errors thrown inside commands', async () => {
    const result = await runCliInProcess(['pii', 'scan', '--url', `sqlite:${sqlite}`, '--sample', '0', '--json']);
    expect(result.code).toBe(2);
    expect(jsonError(result.stdout)).toMatchObject({ code: 'usage', exitCode: 2, message: expect.stringContaining('--sample') });
    const neither = await runCliInProcess(['introspect', '--json']);
    expect(jsonError(neither.stdout)).toMatchObject({ code: 'usage', exitCode: 2 });
  });

  it('invalid input: a profile file that fails validation', async () => {
    const file = join(dir, 'bad.profile.json');
    await writeFile(file, JSON.stringify({ provider: 'aws', dialect: 'postgres', database: 'x', port: 99999 }));
    const result = await runCliInProcess(['introspect', '--profile', file, '--json']);
    expect(result.code).toBe(2);
    const error = jsonError(result.stdout);
    expect(error).toMatchObject({ code: 'invalid-input', exitCode: 2 });
    expect(error.message).toContain(file);
  });

  it('not found: a missing SQLite file, a missing profile file, a table that does not exist', async () => {
    const missingDb = await runCliInProcess(['introspect', '--url', `sqlite:${join(dir, 'nothing.sqlite')}`, '--json']);
    expect(jsonError(missingDb.stdout)).toMatchObject({ code: 'not-found' });
    const missingProfile = await runCliInProcess(['introspect', '--profile', join(dir, 'none.yaml'), '--json']);
    expect(missingProfile.code).toBe(2);
    expect(jsonError(missingProfile.stdout)).toMatchObject({ code: 'not-found', exitCode: 2 });
    const missingTable = await runCliInProcess(['export', '--url', `sqlite:${sqlite}`, '--table', 'invoices', '--out', join(dir, 'x.csv'), '--json']);
    expect(missingTable.code).toBe(1);
    expect(jsonError(missingTable.stdout)).toMatchObject({
      code: 'not-found',
      exitCode: 1,
      message: expect.stringContaining('table "invoices" does not exist'),
    });
  });

  it('connection: a server that cannot be reached, the password in no output', async () => {
    const result = await runCli(['introspect', '--url', 'postgres://someone:hunter2-secret@127.0.0.1:1/nothing', '--json']);
    expect(result.code).toBe(1);
    expect(jsonError(result.stdout)).toMatchObject({ code: 'connection', exitCode: 1, message: expect.stringMatching(/^cannot connect to/) });
    expect(result.stdout + result.stderr).not.toContain('hunter2-secret');
  });

  it('failed: a command that fails for another reason (a query the database rejects)', async () => {
    const result = await runCliInProcess([
      'export',
      '--url',
      `sqlite:${sqlite}`,
      '--query',
      'select nope from customers',
      '--out',
      join(dir, 'y.csv'),
      '--json',
    ]);
    expect(result.code).toBe(1);
    expect(jsonError(result.stdout)).toMatchObject({ code: 'failed', exitCode: 1, message: expect.stringContaining('nope') });
  });

  it('the message also goes to stderr for people, one line', async () => {
    const result = await runCliInProcess(['introspect', '--bogus', '--json']);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });
});
