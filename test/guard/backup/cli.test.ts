import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '../../helpers/databases.ts';
import { runCli } from '../../helpers/cli.ts';
import { startSystemPostgres, SYSTEM_PG_BIN, type SystemPostgres } from '../../helpers/system-postgres.ts';

let server: SystemPostgres;
beforeAll(async () => {
  server = await startSystemPostgres();
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(`create table notes (id int primary key, body text); insert into notes select g, 'n' || g from generate_series(1, 50) g;`);
  await client.end();
});
afterAll(async () => {
  await server?.stop();
});

// Several CLI processes (or pg_dump/pg_restore runs) per test, on a machine shared with other work: a 3-minute budget.
describe('byos backup verify', { timeout: 180_000 }, () => {
  it('prints each table with its counts and exits 0 when the restore matches', async () => {
    const result = await runCli(['backup', 'verify', '--url', server.url, '--pg-bin', server.binDir]);
    expect(result.stderr).not.toMatch(/byos:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/notes\s+50\s+50\s+equal/);
    expect(result.stdout).toContain('backup verified: 1 tables restored identically');
    expect(result.stderr).toContain('• restoring into a scratch database');
  });

  it('--json for scripts; BYOS_PG_BIN picks the tools; an old pg_dump against PostgreSQL 18 exits 1 with the fix', async () => {
    const json = await runCli(['backup', 'verify', '--url', server.url, '--json'], { env: { BYOS_PG_BIN: server.binDir } });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; tables: { table: string; equal: boolean }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.tables).toEqual([expect.objectContaining({ table: 'notes', equal: true })]);
    const url = await freshPostgresDatabase('backup_cli18');
    const old = await runCli(['backup', 'verify', '--url', url, '--pg-bin', SYSTEM_PG_BIN]);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('pg_dump 15 cannot dump a PostgreSQL 18 server; install postgresql-client-18 or set BYOS_PG_BIN');
    expect(old.stderr).not.toContain(decodeURIComponent(new URL(url).password) || 'no-password-in-url');
  });
});
