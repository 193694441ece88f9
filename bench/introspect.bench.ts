import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, introspect } from '@byos/runtime';
import { startLocalPostgres } from '@byos/runtime/local-postgres';
import { copyChinookSqlite, loadChinookPostgres } from '../cli/src/demo/chinook.ts';
import { type BenchRow, median } from './run.ts';

const ITERATIONS = 25;

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/**
 * Introspection of Chinook: BYOS's `introspect` (tables, columns, keys, foreign keys, indexes, checks, views,
 * enums, domains) against Kysely's own `db.introspection.getTables()` (tables and columns only), same database.
 */
export default async function introspectBench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-bench-'));
  await chmod(dir, 0o755);
  const server = await startLocalPostgres({ dataDir: join(dir, 'pg'), password: 'bench', ephemeral: true });
  try {
    const pg = await connect({
      provider: 'local-postgres',
      dialect: 'postgres',
      host: server.host,
      port: server.port,
      user: server.user,
      password: 'bench',
      database: 'postgres',
      tls: { mode: 'disable' },
    });
    await loadChinookPostgres(pg);
    await copyChinookSqlite(join(dir, 'chinook.sqlite'));
    const sqlite = await connect(`sqlite:${join(dir, 'chinook.sqlite')}`);
    try {
      const rows: BenchRow[] = [];
      for (const [label, tenant] of [
        ['postgres', pg],
        ['sqlite', sqlite],
      ] as const) {
        const byos = await time(() => introspect(tenant));
        const kysely = await time(() => tenant.db.introspection.getTables());
        rows.push({
          name: `introspect Chinook (${label}), median of ${ITERATIONS}`,
          byos,
          alternative: kysely,
          against: 'kysely getTables()',
          unit: 'ms',
          better: 'lower',
          note: 'byos reads keys, foreign keys, indexes, checks and views too',
        });
      }
      return rows;
    } finally {
      await pg.close();
      await sqlite.close();
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
