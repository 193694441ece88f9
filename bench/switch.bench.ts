import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { connect, type ConnectionProfileInput } from '@byos/runtime';
import { copyDatabase } from '@byos/runtime/copy';
import { startLocalPostgres } from '@byos/runtime/local-postgres';
import { createTenantRouter, memoryProfileStore, type TenantRouter } from '@byos/runtime/router';
import { closeRollbackWindow, switchTenant } from '@byos/runtime/switch';
import type { BenchRow } from './run.ts';
import { switchUnderWriterProcesses } from './switch-writers.ts';

const ROWS = Number(process.env.BYOS_BENCH_SWITCH_ROWS ?? 200_000);
const GOAL_MS = 500;

/** Two writers through the router: inserts and relative updates, as fast as the database takes them. */
let next = 10_000_000;

function writers(router: TenantRouter) {
  let running = true;
  let writes = 0;
  const loops = [0, 1].map(async (w) => {
    while (running) {
      const acme = await router.get('acme');
      const id = next++;
      if (id % 2 === w)
        await acme.db
          .insertInto('ledger')
          .values({ id, account: id % 1000, amount: '1.00', note: 'online', at: new Date() })
          .execute();
      else
        await acme.db
          .updateTable('account')
          .set((eb) => ({ balance: eb('balance', '+', 1) }))
          .where('id', '=', id % 1000)
          .execute();
      writes++;
    }
  });
  return { count: () => writes, stop: async () => ((running = false), await Promise.all(loops), writes) };
}

/**
 * The cutover write pause of an online switch (Postgres → Postgres, `ROWS` ledger rows, writers running the whole
 * time) against the pause of an offline move of the same data: writes stopped for the whole copy (byos copy; the
 * embedded PG 18 cannot be dumped by the installed pg_dump 15). Goal: under 500 ms.
 */
export default async function switchBench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-bench-switch-'));
  await chmod(dir, 0o755);
  const server = await startLocalPostgres({ dataDir: join(dir, 'pg'), password: 'bench', ephemeral: true });
  const profile = (database: string): ConnectionProfileInput => ({
    provider: 'local-postgres',
    dialect: 'postgres',
    host: server.host,
    port: server.port,
    user: server.user,
    password: 'bench',
    database,
    tls: { mode: 'disable' },
  });
  try {
    const admin = await connect(profile('postgres'));
    for (const db of ['bench_src', 'bench_online', 'bench_online2', 'bench_online3', 'bench_offline', 'bench_processes_to'])
      await sql`create database ${sql.id(db)}`.execute(admin.db);
    await admin.close();
    const src = await connect(profile('bench_src'));
    await sql`create table account (id integer primary key, balance bigint not null)`.execute(src.db);
    await sql`create table ledger (id bigint primary key, account integer not null, amount numeric(12, 2) not null, note text, at timestamptz not null)`.execute(
      src.db,
    );
    await sql`insert into account select g, 0 from generate_series(0, 999) g`.execute(src.db);
    await sql`insert into ledger select g, g % 1000, (g % 10000) / 100.0, 'seed row ' || g, now() - g * interval '1 second' from generate_series(1, ${ROWS}) g`.execute(
      src.db,
    );
    await sql`analyze`.execute(src.db);

    // The alternative: an offline move stops writes for as long as the whole copy takes.
    const offlineTarget = await connect(profile('bench_offline'));
    const started = performance.now();
    await copyDatabase({ from: src, to: offlineTarget, tables: ['account', 'ledger'] });
    const offlineMs = performance.now() - started;
    await offlineTarget.close();
    await src.close();
    // The same data for the run with writer processes (a template needs bench_src without connections).
    const again = await connect(profile('postgres'));
    await sql`create database bench_processes_from template bench_src`.execute(again.db);
    await again.close();

    const rows: BenchRow[] = [];
    const router = createTenantRouter({ profiles: memoryProfileStore({ acme: profile('bench_src') }) });
    try {
      // The default (`changed`), then the two others for comparison.
      for (const [verify, target] of [
        [undefined, 'bench_online'],
        ['checksums', 'bench_online2'],
        ['counts', 'bench_online3'],
      ] as const) {
        const stateDir = join(dir, `state-${verify ?? 'default'}`);
        const load = writers(router);
        while (load.count() < 50) await new Promise((r) => setTimeout(r, 5));
        const report = await switchTenant({ tenant: 'acme', router, to: profile(target), stateDir, ...(verify ? { verify } : {}), maxLag: 200 });
        const scope = report.verification?.scope;
        const inPause = scope
          ? `in the pause: row counts of ${scope.counted.length} tables, full checksums of ${scope.checksummed.length ? scope.checksummed.join(', ') : 'no table'}, ${scope.keysRechecked} rows re-read on both sides` +
            (scope.mode === 'changed'
              ? `; before it (writers running, ${scope.preVerifyMs} ms): checksums of ${scope.preVerified?.join(', ')}, differing ${scope.preMismatched?.join(', ') || 'none'}, compared row by row ${scope.preRefined?.join(', ') || 'none'} (${scope.preSuspects} rows differed)`
              : '')
          : 'no verification';
        const atFlip = load.count();
        while (load.count() < atFlip + 50) await new Promise((r) => setTimeout(r, 5));
        const writes = await load.stop();
        await closeRollbackWindow({ tenant: 'acme', router, stateDir });
        rows.push({
          name: `cutover write pause, ${ROWS} rows, verify ${scope?.mode ?? verify}${verify ? '' : ' (default)'}`,
          byos: report.pauseMs,
          alternative: offlineMs,
          against: 'offline move (writes stopped for a full copy)',
          unit: 'ms',
          better: 'lower',
          note: `goal < ${GOAL_MS} ms: ${report.pauseMs < GOAL_MS ? 'met' : 'missed'}; ${inPause}; ${writes} writes during the switch; pause ${JSON.stringify(report.pauseTimings)}`,
        });
      }
    } finally {
      await router.close();
    }

    // Three writer processes, each with its own router, against the single-process figure (the default run above).
    const single = rows[0]!.byos;
    const processes = await switchUnderWriterProcesses(profile('bench_processes_from'), profile('bench_processes_to'), dir);
    for (const w of processes.writers) {
      const ratio = w.p99Ms / single;
      console.log(
        `switch with 3 writer processes: ${w.writer} p99 ${w.p99Ms} ms, max ${w.maxMs} ms (${w.writes} writes, ${w.retries} refused and retried); ` +
          `single-process pause ${Math.round(single)} ms; p99/single ${ratio.toFixed(2)}`,
      );
      rows.push({
        name: `write pause p99, ${w.writer} of 3 writer processes, ${ROWS} rows`,
        byos: w.p99Ms,
        alternative: single,
        against: 'single-process cutover pause (verify changed)',
        unit: 'ms',
        better: 'lower',
        note: `goal p99 < ${GOAL_MS} ms: ${w.p99Ms < GOAL_MS ? 'met' : 'missed'}; max ${w.maxMs} ms; ratio p99/single ${ratio.toFixed(2)}, max/single ${(w.maxMs / single).toFixed(2)}; ${w.writes} writes, ${w.retries} refused by the fence and retried; switch pause ${Math.round(processes.pauseMs)} ms`,
      });
    }
    return rows;
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
