import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { connect } from '@byos/runtime';
import { startLocalPostgres } from '@byos/runtime/local-postgres';
import { childrenCpu } from './copy-pg.ts';
import { type BenchRow, median } from './run.ts';

const run = promisify(execFile);
const PSQL = '/usr/lib/postgresql/15/bin/psql';
const SQLITE3 = '/usr/bin/sqlite3';
/** Rows in the file (~100 bytes each); BYOS_BENCH_IMPORT_ROWS overrides. */
const ROWS = Number(process.env.BYOS_BENCH_IMPORT_ROWS ?? 1_000_000);
/** Also measure peak RSS on a file 10× larger (slow: ~1 GB of CSV). */
const TEN_X = process.env.BYOS_BENCH_IMPORT_10X === '1';
/** Alternating rounds of each import, for medians; BYOS_BENCH_IMPORT_ROUNDS overrides. */
const ROUNDS = Number(process.env.BYOS_BENCH_IMPORT_ROUNDS ?? 3);
/** `sqlite`: only the SQLite rows. */
const ONLY = process.env.BYOS_BENCH_IMPORT_ONLY;

const TABLE_SQL =
  'create table bench_rows (id integer primary key, name text not null, email text, amount numeric(12,2), created date, active boolean, note text)';

/** A CSV of `rows` rows of about 100 bytes that psql \copy reads too: quoted text with commas, decimals, ISO dates. */
async function writeCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  out.write('id,name,email,amount,created,active,note\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const amount = ((i * 7919) % 1_000_000) / 100;
    const day = String((i % 28) + 1).padStart(2, '0');
    chunk += `${i},"Customer ${i}, Ltd",user${i}@example.org,${amount.toFixed(2)},2024-${String((i % 12) + 1).padStart(2, '0')}-${day},${i % 3 ? 'true' : 'false'},note for row ${i}\n`;
    if (i % 10_000 === 0) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'close');
  return (await stat(path)).size;
}

/** Runs the byos import in a child process (bench/import-child.ts) so its peak RSS is its own. */
function childImport(url: string, file: string): Promise<{ ms: number; cpuMs: number; rows: number; maxRssMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@byos/source', fileURLToPath(new URL('./import-child.ts', import.meta.url)), url, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`byos import child exited ${code}`))));
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * `byos import` of a generated CSV (1M rows, ~100 MB) into Postgres against `psql \copy` of the same file into the
 * same table on the same server, in rows/s; peak RSS of the import (child process) at 1× and, with
 * BYOS_BENCH_IMPORT_10X=1, at 10×; SQLite against the sqlite3 shell's `.import`.
 */
export default async function importBench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-bench-import-'));
  await chmod(dir, 0o755);
  const server = await startLocalPostgres({
    dataDir: join(dir, 'pg'),
    password: 'bench',
    ephemeral: true,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  const url = `postgres://${server.user}:bench@${server.host}:${server.port}/postgres`;
  try {
    const csv = join(dir, 'rows.csv');
    const bytes = await writeCsv(csv, ROWS);
    const rows: BenchRow[] = [];
    if (ONLY !== 'sqlite') await postgresRows();
    async function postgresRows() {
      const admin = await connect(url);
      const reset = async () => {
        await admin.db.schema.dropTable('bench_rows').ifExists().execute();
        await sql.raw(TABLE_SQL).execute(admin.db);
      };
      try {
        // Alternating rounds, medians: the shared machine's speed drifts over a run.
        const psqlMs: number[] = [];
        const byosRuns: Awaited<ReturnType<typeof childImport>>[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          await reset();
          psqlMs.push(
            await timed(() =>
              run(PSQL, [url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy bench_rows from '${csv}' with (format csv, header true)`], {
                env: { ...process.env, PGPASSWORD: 'bench' },
              }),
            ),
          );
          await reset();
          const byos = await childImport(url, csv);
          if (byos.rows !== ROWS) throw new Error(`byos import loaded ${byos.rows} rows, expected ${ROWS}`);
          byosRuns.push(byos);
        }
        const mb = (bytes / 1024 / 1024).toFixed(0);
        rows.push({
          name: `import ${ROWS.toLocaleString('en')} rows (${mb} MB CSV) into postgres`,
          byos: ROWS / (median(byosRuns.map((r) => r.ms)) / 1000),
          alternative: ROWS / (median(psqlMs) / 1000),
          against: 'psql \\copy',
          unit: 'rows/s',
          better: 'higher',
          note: `median of ${ROUNDS}; byos also sniffs, maps and validates every cell (thousands separators, dates, booleans, lengths, in-file uniqueness)`,
        });
        const rss = byosRuns.map((r) => r.maxRssMb);
        rows.push({
          name: `peak RSS of byos import, ${mb} MB CSV`,
          byos: Math.max(...rss),
          alternative: 200,
          against: 'goal',
          unit: 'MB',
          better: 'lower',
          note: `highest of ${ROUNDS} runs (${rss.map((r) => r.toFixed(0)).join(', ')})`,
        });
        if (TEN_X) {
          const big = join(dir, 'rows10.csv');
          await writeCsv(big, ROWS * 10);
          await reset();
          const ten = await childImport(url, big);
          rows.push({
            name: `peak RSS of byos import, 10× file (${ROWS * 10} rows)`,
            byos: ten.maxRssMb,
            alternative: Math.max(...rss),
            against: '1× file',
            unit: 'MB',
            better: 'lower',
            note: 'flat means close to 1×',
          });
          await rm(big, { force: true });
        }
      } finally {
        await admin.close();
      }
    }
    // SQLite: the sqlite3 shell's .import against byos import, same file, fresh database each.
    const shellDb = join(dir, 'shell.sqlite');
    await run(SQLITE3, [shellDb, TABLE_SQL]);
    const shellMs: number[] = [];
    /** CPU ms of each sqlite3 run: steadier than wall time on a shared machine (the byos child reports its own). */
    const shellCpuMs: number[] = [];
    const sqliteRuns: Awaited<ReturnType<typeof childImport>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await rm(shellDb, { force: true });
      await run(SQLITE3, [shellDb, TABLE_SQL]);
      const cpuBefore = childrenCpu();
      shellMs.push(await timed(() => run(SQLITE3, [shellDb, '-cmd', '.mode csv', `.import --skip 1 ${csv} bench_rows`])));
      shellCpuMs.push((childrenCpu() - cpuBefore) * 1000);
      const byosDb = join(dir, `byos-${round}.sqlite`);
      await run(SQLITE3, [byosDb, TABLE_SQL]);
      sqliteRuns.push(await childImport(`sqlite:${byosDb}`, csv));
      await rm(byosDb, { force: true });
    }
    const sqlite = { ms: median(sqliteRuns.map((r) => r.ms)), maxRssMb: Math.max(...sqliteRuns.map((r) => r.maxRssMb)) };
    rows.push({
      name: `import ${ROWS.toLocaleString('en')} rows into sqlite`,
      byos: ROWS / (sqlite.ms / 1000),
      alternative: ROWS / (median(shellMs) / 1000),
      against: 'sqlite3 .import',
      unit: 'rows/s',
      better: 'higher',
      note:
        `median of ${ROUNDS} alternated rounds (byos ${sqliteRuns.map((r) => (r.ms / 1000).toFixed(2)).join('/')} s, sqlite3 ${shellMs.map((ms) => (ms / 1000).toFixed(2)).join('/')} s); ` +
        `CPU s, medians: byos ${(median(sqliteRuns.map((r) => r.cpuMs)) / 1000).toFixed(2)}, sqlite3 ${(median(shellCpuMs) / 1000).toFixed(2)}; ` +
        `.import stores text as is, no validation; byos peak RSS ${sqlite.maxRssMb.toFixed(0)} MB`,
    });
    return rows;
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
