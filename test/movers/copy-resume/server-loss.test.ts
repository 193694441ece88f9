import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../helpers/cli.ts';
import { freshPostgresDatabase, pgAdminUrl } from '../../helpers/databases.ts';
import { sqlOn } from '../../helpers/sql.ts';

// Issue 15, item 12 (copy): when the server goes away mid-copy, `byos copy` used to die with node-postgres's
// "Unhandled 'error' event" and a stack trace. It must fail with one line naming what failed, exit 1, and leave a
// copy that `--resume` completes and `--verify` proves once the server is back.

const ROWS = 400_000;

function databaseOf(url: string): string {
  return new URL(url).pathname.slice(1);
}

function startCopy(args: string[]): { done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--conditions=@byos/source', `${REPO_ROOT}cli/bin/byos.js`, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return { done: new Promise((resolve, reject) => child.on('error', reject).on('close', (code) => resolve({ code, stdout, stderr }))) };
}

/** Rows the copy has committed into the target so far (0 before its table exists). */
async function copiedRows(target: string): Promise<number> {
  try {
    const [row] = await sqlOn<{ n: string }>(target, 'select count(*)::text as n from big');
    return Number(row!.n);
  } catch {
    return 0;
  }
}

/** The server "goes away" for both databases: no new connections, and every open one of the copy is terminated. */
async function cutOff(databases: string[], allow: boolean): Promise<void> {
  const admin = pgAdminUrl();
  for (const name of databases) await sqlOn(admin, `alter database "${name}" allow_connections ${allow}`);
  if (!allow) {
    await sqlOn(
      admin,
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = any(array[${databases.map((d) => `'${d}'`).join(',')}]) and pid <> pg_backend_pid()`,
    );
  }
}

describe('byos copy when the server goes away mid-copy', { timeout: 240_000 }, () => {
  for (const mode of ['native', 'neutral'] as const) {
    it(`${mode}: one line naming what failed, exit 1, then --resume completes and verifies`, async () => {
      const from = await freshPostgresDatabase(`loss_from_${mode}`);
      const to = await freshPostgresDatabase(`loss_to_${mode}`);
      await sqlOn(
        from,
        `create table big (id int primary key, body text not null);
                         insert into big select g, repeat('x', 100) || g from generate_series(1, ${ROWS}) g;
                         create table small (id int primary key); insert into small values (1), (2);`,
      );
      const args = ['copy', '--from', from, '--to', to, '--batch-size', '1000', '--jobs', '1', ...(mode === 'neutral' ? ['--neutral'] : [])];
      const run = startCopy(args);
      const databases = [databaseOf(from), databaseOf(to)];
      let seen = 0;
      for (let i = 0; i < 2000 && seen === 0; i++) {
        seen = await copiedRows(to);
        if (seen === 0) await new Promise((r) => setTimeout(r, 25));
      }
      expect(seen, 'the copy started loading rows').toBeGreaterThan(0);
      expect(seen, 'the copy was still running when the server went away').toBeLessThan(ROWS);
      await cutOff(databases, false);
      const failed = await run.done;
      await cutOff(databases, true);

      expect(failed.code).toBe(1);
      expect(failed.stderr).not.toMatch(/Unhandled|node:events|^\s+at /m);
      const errors = failed.stderr.split('\n').filter((line) => line.startsWith('byos:'));
      expect(errors, failed.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(/^byos: .*(copying the rows of|creating|reading).*failed: .+; run the same command with --resume/);
      expect(failed.stderr).not.toContain(decodeURIComponent(new URL(to).password));

      const resumed = await runCli([...args, '--resume', '--verify', '--json']);
      expect(resumed.stderr).not.toMatch(/byos:/);
      expect(resumed.code).toBe(0);
      const report = JSON.parse(resumed.stdout) as { copy: { resumed: boolean; rows: number }; verify: { equal: boolean } };
      expect(report.copy.resumed).toBe(true);
      expect(report.verify.equal).toBe(true);
      expect(await copiedRows(to)).toBe(ROWS);
    });
  }
});
