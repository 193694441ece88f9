/**
 * The SQLite → Postgres side of the copy benchmark, shared by bench/copy.bench.ts and runnable alone for a profile:
 * `node --cpu-prof bench/copy-sqlite.ts [ROWS] [ROUNDS] [BATCH,…]` fills a SQLite file and the same rows as CSV, then times
 * `psql \copy` of the CSV against `copyDatabase` from the SQLite file, in alternated rounds, each into a fresh
 * database of a throwaway PostgreSQL 15 server, and prints the times.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '@byos/runtime';
import { copyDatabase } from '@byos/runtime/copy';
import { sqlOn } from '../test/helpers/sql.ts';
import { childrenCpu, serverCpu } from './copy-pg.ts';
import { type SystemPostgres, startSystemPostgres } from '../test/helpers/system-postgres.ts';

/** The same rows in a SQLite file and in a CSV file, for the load into Postgres. */
export async function fillSqliteAndCsv(dir: string, rows: number): Promise<{ sqlite: string; csv: string }> {
  const sqlite = join(dir, 'source.sqlite');
  const csv = join(dir, 'source.csv');
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(sqlite);
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, qty INTEGER, created TEXT, note TEXT)');
  const insert = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)');
  const out = createWriteStream(csv);
  db.exec('BEGIN');
  for (let i = 1; i <= rows; i++) {
    const row = [
      i,
      `item ${i}`,
      (i % 10000) / 8,
      i % 1000,
      new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace('T', ' ').slice(0, 19),
      `note ${'x'.repeat(i % 50)}`,
    ] as const;
    insert.run(...row);
    if (!out.write(`${row.join(',')}\n`)) await once(out, 'drain');
  }
  db.exec('COMMIT');
  db.close();
  out.end();
  await once(out, 'finish');
  return { sqlite, csv };
}

function sh(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command.slice(0, 80)}… exited ${code}: ${stderr.slice(0, 500)}`))));
  });
}

const urlOf = (server: SystemPostgres, database: string) => server.url.replace(/\/postgres$/, `/${database}`);

/** CPU seconds of one round: the tool (psql and its children, or this process for byos) and the server. */
export interface RoundCpu {
  tool: number;
  server: number;
}

/** The byos rounds of one batch size (undefined: copyDatabase's default). */
export interface ByosVariant {
  batchSize: number | undefined;
  ms: number[];
  cpu: RoundCpu[];
  /** Per round: milliseconds of each phase of the copy, in order. */
  phases: string[];
}

export interface SqliteRounds {
  csvMs: number[];
  csvCpu: RoundCpu[];
  byos: ByosVariant[];
  rows: number;
}

/** A fresh database on `target`, made by `prepare`, dropped after `work`. */
async function inFreshDatabase<T>(target: SystemPostgres, name: string, prepare: string | null, work: (url: string) => Promise<T>): Promise<T> {
  await sqlOn(target.url, `DROP DATABASE IF EXISTS ${name}`);
  await sqlOn(target.url, `CREATE DATABASE ${name}`);
  if (prepare) await sqlOn(urlOf(target, name), prepare);
  try {
    return await work(urlOf(target, name));
  } finally {
    await sqlOn(target.url, `DROP DATABASE ${name}`);
  }
}

/** Runs `work`, returning its wall milliseconds and the server's CPU seconds meanwhile (its backends reaped first). */
async function timedOnServer(target: SystemPostgres, work: () => Promise<void>): Promise<{ ms: number; server: number }> {
  const before = await serverCpu(target);
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  await new Promise((r) => setTimeout(r, 200));
  return { ms, server: (await serverCpu(target)) - before };
}

/**
 * Alternated rounds into fresh databases of `target`: `psql \copy` of the CSV into a table created beforehand (the
 * limit), then `copyDatabase` from the SQLite file (table created, rows, a checkpoint committed with every batch)
 * once per batch size asked for.
 */
export async function sqliteRounds(
  target: SystemPostgres,
  files: { sqlite: string; csv: string },
  rounds: number,
  batchSizes: readonly (number | undefined)[] = [undefined],
): Promise<SqliteRounds> {
  const out: SqliteRounds = { csvMs: [], csvCpu: [], byos: batchSizes.map((batchSize) => ({ batchSize, ms: [], cpu: [], phases: [] })), rows: 0 };
  const table = 'CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price double precision, qty bigint, created text, note text)';
  for (let round = 1; round <= rounds; round++) {
    await inFreshDatabase(target, `by_csv_${round}`, table, async (url) => {
      const children = childrenCpu();
      const run = await timedOnServer(target, () =>
        sh(`"${target.binDir}/psql" -q -v ON_ERROR_STOP=1 -d "${url}" -c "\\copy items FROM '${files.csv}' WITH (FORMAT csv)"`),
      );
      out.csvMs.push(run.ms);
      out.csvCpu.push({ tool: childrenCpu() - children, server: run.server });
    });
    for (const [index, variant] of out.byos.entries()) await byosRound(target, files, `from_sqlite_${round}_${index}`, variant, out);
  }
  return out;
}

/** One `copyDatabase` from the SQLite file into a fresh database of `target`, at the variant's batch size. */
async function byosRound(target: SystemPostgres, files: { sqlite: string }, database: string, variant: ByosVariant, out: SqliteRounds): Promise<void> {
  await inFreshDatabase(target, database, null, async (url) => {
    const lite = await connect(`sqlite:${files.sqlite}`);
    const pg = await connect(url);
    try {
      const phases: string[] = [];
      let last = performance.now();
      const own = process.cpuUsage();
      const run = await timedOnServer(target, async () => {
        const report = await copyDatabase({
          from: lite,
          to: pg,
          batchSize: variant.batchSize,
          onProgress: (p) => {
            if (p.phase === 'load' && !p.tableDone) return;
            const now = performance.now();
            phases.push(`${p.phase} ${(now - last).toFixed(0)}`);
            last = now;
          },
        });
        out.rows = report.rows;
      });
      const used = process.cpuUsage(own);
      variant.ms.push(run.ms);
      // This process's CPU includes the 200 ms wait for the server's backends: nothing runs then.
      variant.cpu.push({ tool: (used.user + used.system) / 1e6, server: run.server });
      variant.phases.push(phases.join(', '));
    } finally {
      await lite.close();
      await pg.close();
    }
  });
}

/** `tool+server` CPU seconds per round. */
export const cpuList = (c: RoundCpu[]) => c.map((x) => `${x.tool.toFixed(2)}+${x.server.toFixed(2)}`).join(' ');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = Number(process.argv[2] ?? 300_000);
  const rounds = Number(process.argv[3] ?? 3);
  const batchSizes = process.argv[4] ? process.argv[4].split(',').map((b) => (b === 'default' ? undefined : Number(b))) : [undefined];
  const dir = await mkdtemp(join(tmpdir(), 'byos-copy-sqlite-'));
  await chmod(dir, 0o755);
  const target = await startSystemPostgres({ shared_buffers: '256MB', max_wal_size: '4GB' });
  try {
    const files = await fillSqliteAndCsv(dir, rows);
    const { csvMs, csvCpu, byos } = await sqliteRounds(target, files, rounds, batchSizes);
    console.log(`psql \\copy ms: ${csvMs.map((m) => m.toFixed(0)).join(' ')}; CPU s (tool+server) ${cpuList(csvCpu)}`);
    for (const v of byos) {
      console.log(`byos, batch ${v.batchSize ?? 'default'}: CPU s ${cpuList(v.cpu)}; phases (ms) ${v.phases.join(' | ')}`);
      console.log(`  copy ms: ${v.ms.map((m) => m.toFixed(0)).join(' ')}; ratios ${v.ms.map((m, i) => (m / csvMs[i]!).toFixed(2)).join(' ')}`);
    }
  } finally {
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
