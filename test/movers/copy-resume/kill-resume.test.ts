import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { copyChinookSqlite, loadChinookPostgres } from '../../../cli/src/demo/chinook.ts';
import { connect, type TenantDb } from '@byos/runtime';
import { copyDatabase } from '@byos/runtime/copy';
import { verifyDatabases } from '@byos/runtime/verify';
import { freshPostgresDatabase, freshSqlitePath } from '../../helpers/databases.ts';

const CHILD = fileURLToPath(new URL('./copy-child.ts', import.meta.url));
const opened: TenantDb[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
});

function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@byos/source', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function open(url: string): Promise<TenantDb> {
  const tenant = await connect(url);
  opened.push(tenant);
  return tenant;
}

/** Kill points: before the schema, after several batch counts (within and across tables), before the indexes. */
const KILL_POINTS = {
  'SQLite → Postgres': ['schema', 'load:1', 'load:9', 'load:23'],
  'Postgres → Postgres': ['load:4', 'indexes'],
};

describe('a copy killed with SIGKILL resumes without losing or duplicating rows', () => {
  for (const [label, source] of [
    [
      'SQLite → Postgres',
      async () => {
        const path = await freshSqlitePath('chinook');
        await copyChinookSqlite(path);
        return `sqlite:${path}`;
      },
    ],
    [
      'Postgres → Postgres',
      async () => {
        const url = await freshPostgresDatabase('resume_src');
        const tenant = await open(url);
        await loadChinookPostgres(tenant);
        return url;
      },
    ],
  ] as const) {
    it(`${label}: killed at ${KILL_POINTS[label].join(', ')}`, async () => {
      const fromUrl = await source();
      const from = await open(fromUrl);
      for (const killAt of KILL_POINTS[label]) {
        const toUrl = await freshPostgresDatabase('resume_to');
        const killed = await runChild([fromUrl, toUrl, '700', killAt]);
        expect({ killAt, signal: killed.signal }).toEqual({ killAt, signal: 'SIGKILL' });
        const to = await open(toUrl);
        // The resumed copy runs here: what matters is what the killed process left behind.
        const report = await copyDatabase({ from, to, batchSize: 700, jobs: 2, resume: true });
        expect(report.resumed).toBe(killAt !== 'schema');
        if (killAt.startsWith('load')) expect(report.tables.some((t) => t.resumedAt > 0)).toBe(true);
        const verified = await verifyDatabases({ from, to, sample: 5 });
        expect({ killAt, findings: verified.findings }).toEqual({ killAt, findings: [] });
        const tables = await sql<{ n: string }>`select count(*)::text as n from information_schema.tables where table_name = 'byos_copy_checkpoint'`.execute(
          to.db,
        );
        expect(tables.rows[0]!.n).toBe('0');
      }
    }, 180_000);
  }

  it('refuses to overwrite or to resume with other tables; resumes with the same ones', async () => {
    const path = await freshSqlitePath('chinook_small');
    await copyChinookSqlite(path);
    const from = await open(`sqlite:${path}`);
    const to = await open(`sqlite:${await freshSqlitePath('interrupted')}`);
    let loads = 0;
    const stop = (p: { phase: string }) => {
      if (p.phase === 'load' && ++loads === 2) throw new Error('interrupted on purpose');
    };
    await expect(copyDatabase({ from, to, tables: ['Artist', 'Album'], batchSize: 100, jobs: 1, onProgress: stop })).rejects.toThrow('interrupted on purpose');
    await expect(copyDatabase({ from, to, tables: ['Artist', 'Album'] })).rejects.toThrow(/interrupted copy .*resume/);
    await expect(copyDatabase({ from, to, tables: ['Artist', 'Track'], resume: true })).rejects.toThrow(
      'cannot resume: Track was not part of the interrupted copy',
    );
    const report = await copyDatabase({ from, to, tables: ['Artist', 'Album'], batchSize: 100, resume: true });
    expect(report.resumed).toBe(true);
    expect(report.tables.map((t) => [t.table, t.rows, t.resumedAt])).toEqual([
      ['Album', 347, 200],
      ['Artist', 275, 0],
    ]);
    expect((await verifyDatabases({ from, to, tables: ['Artist', 'Album'] })).findings).toEqual([]);
  });
});
