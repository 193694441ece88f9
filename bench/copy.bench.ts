import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import pg from 'pg';
import { connect, type TenantDb } from '../runtime/src/index.ts';
import { copyDatabase } from '../runtime/src/movers/copy/index.ts';
import { verifyDatabases } from '../runtime/src/movers/verify/index.ts';
import { startSystemPostgres, type SystemPostgres } from '../test/helpers/system-postgres.ts';
import type { BenchRow } from './run.ts';

/** Rows in the Postgres → Postgres data set, over TABLES tables (about 300 bytes a row: ~300 MB). */
const PG_ROWS = Number(process.env.BYOS_BENCH_COPY_ROWS ?? 1_000_000);
const TABLES = 4;
/** Rows of the SQLite → Postgres data set. */
const SQLITE_ROWS = Number(process.env.BYOS_BENCH_COPY_SQLITE_ROWS ?? 300_000);

function sh(command: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command.slice(0, 80)}… exited ${code}: ${stderr.slice(0, 500)}`))));
  });
}

async function admin(server: SystemPostgres, sqlText: string, database = 'postgres'): Promise<void> {
  const client = new pg.Client({ connectionString: server.url.replace(/\/postgres$/, `/${database}`) });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

const urlOf = (server: SystemPostgres, database: string) => server.url.replace(/\/postgres$/, `/${database}`);

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** Source tables: bigint key, timestamps, integers, text, jsonb, numeric, one secondary index each. */
async function fillPostgresSource(server: SystemPostgres): Promise<void> {
  await admin(server, 'CREATE DATABASE bench_src');
  const per = Math.ceil(PG_ROWS / TABLES);
  for (let t = 1; t <= TABLES; t++) {
    await admin(
      server,
      `CREATE TABLE events_${t} (id bigint PRIMARY KEY, at timestamptz NOT NULL, user_id integer NOT NULL, kind text NOT NULL, amount numeric(12,2), payload jsonb);
       INSERT INTO events_${t} SELECT i, timestamptz '2024-01-01' + i * interval '1 second', i % 50000, 'kind-' || (i % 17),
         (i % 100000) / 100.0, jsonb_build_object('n', i, 'tags', jsonb_build_array('a' || i % 7, 'b' || i % 11), 'note', repeat(md5(i::text), 5))
       FROM generate_series(1, ${per}) i;
       CREATE INDEX events_${t}_user ON events_${t} (user_id);
       ANALYZE events_${t};`,
      'bench_src',
    );
  }
}

/** The same rows in a SQLite file and in a CSV file, for the load into Postgres. */
async function fillSqliteAndCsv(dir: string): Promise<{ sqlite: string; csv: string }> {
  const sqlite = join(dir, 'source.sqlite');
  const csv = join(dir, 'source.csv');
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(sqlite);
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, qty INTEGER, created TEXT, note TEXT)');
  const insert = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)');
  const out = createWriteStream(csv);
  db.exec('BEGIN');
  for (let i = 1; i <= SQLITE_ROWS; i++) {
    const row = [i, `item ${i}`, (i % 10000) / 8, i % 1000, new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace('T', ' ').slice(0, 19), `note ${'x'.repeat(i % 50)}`] as const;
    insert.run(...row);
    if (!out.write(`${row.join(',')}\n`)) await once(out, 'drain');
  }
  db.exec('COMMIT');
  db.close();
  out.end();
  await once(out, 'finish');
  return { sqlite, csv };
}

/**
 * Postgres → Postgres (PostgreSQL 15 on both sides, so pg_dump matches the server): `byos copy` (binary COPY per key
 * range, tables in parallel, indexes after) against `pg_dump | psql` between the same two servers. SQLite →
 * Postgres: `byos copy` against `psql \copy` of the same rows from CSV into a table created beforehand (the limit).
 */
export default async function copyBench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-bench-copy-'));
  await chmod(dir, 0o755);
  const source = await startSystemPostgres({ shared_buffers: '256MB', max_wal_size: '4GB' });
  const target = await startSystemPostgres({ shared_buffers: '256MB', max_wal_size: '4GB' });
  const opened: TenantDb[] = [];
  const open = async (url: string) => {
    const tenant = await connect(url);
    opened.push(tenant);
    return tenant;
  };
  try {
    const rows: BenchRow[] = [];
    await fillPostgresSource(source);
    const from = await open(urlOf(source, 'bench_src'));
    const bytes = await from.db.selectNoFrom((eb) => eb.fn<string>('pg_database_size', [eb.val('bench_src')]).as('b')).executeTakeFirstOrThrow();
    const mb = Math.round(Number(bytes.b) / 1e6);

    // Two rounds in mirrored order (dump, byos, byos, dump), best of each: on a shared machine one run is noise.
    const bin = source.binDir;
    const dumpOnce = async (round: number) => {
      await admin(target, `CREATE DATABASE by_dump_${round}`);
      return (await timed(() => sh(`"${bin}/pg_dump" --no-owner --no-acl -d "${urlOf(source, 'bench_src')}" | "${bin}/psql" -q -v ON_ERROR_STOP=1 -d "${urlOf(target, `by_dump_${round}`)}"`))).ms;
    };
    const byosOnce = async (round: number) => {
      await admin(target, `CREATE DATABASE by_byos_${round}`);
      const to = await open(urlOf(target, `by_byos_${round}`));
      const run = await timed(() => copyDatabase({ from, to, jobs: TABLES, batchSize: 100_000 }));
      return { ms: run.ms, to, report: run.value };
    };
    const dump1 = await dumpOnce(1);
    const byos1 = await byosOnce(1);
    const byos2 = await byosOnce(2);
    const dump2 = await dumpOnce(2);
    const dump = { ms: Math.min(dump1, dump2) };
    const byos = { ms: Math.min(byos1.ms, byos2.ms), value: byos1.report };
    const to = byos2.to;
    const verified = await verifyDatabases({ from, to, sample: 10 });
    if (!verified.equal) throw new Error(`copy bench: verification failed: ${verified.findings.map((f) => f.message).join('; ')}`);
    rows.push({
      name: `Postgres → Postgres, ${byos.value.rows} rows / ${mb} MB, ${TABLES} tables`,
      byos: byos.ms / 1000, alternative: dump.ms / 1000, against: 'pg_dump | psql', unit: 's', better: 'lower',
      note: `PostgreSQL 15 both sides, best of 2 each; byos: ${TABLES} jobs, binary COPY per 100k-key range, checkpointed; verified equal`,
    });

    const files = await fillSqliteAndCsv(dir);
    await admin(target, 'CREATE DATABASE by_csv');
    await admin(target, 'CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price double precision, qty bigint, created text, note text)', 'by_csv');
    const csv = await timed(() => sh(`"${bin}/psql" -q -v ON_ERROR_STOP=1 -d "${urlOf(target, 'by_csv')}" -c "\\copy items FROM '${files.csv}' WITH (FORMAT csv)"`));
    await admin(target, 'CREATE DATABASE from_sqlite');
    const lite = await open(`sqlite:${files.sqlite}`);
    const pgLite = await open(urlOf(target, 'from_sqlite'));
    const sqliteCopy = await timed(() => copyDatabase({ from: lite, to: pgLite, batchSize: 20_000 }));
    rows.push({
      name: `SQLite → Postgres, ${sqliteCopy.value.rows} rows`,
      byos: sqliteCopy.ms / 1000, alternative: csv.ms / 1000, against: 'psql \\copy from CSV', unit: 's', better: 'lower',
      note: 'the CSV load is the limit: no reading, no type mapping, no checkpoints; byos reads SQLite, maps types, checkpoints each batch',
    });
    return rows;
  } finally {
    for (const t of opened) await t.close().catch(() => {});
    await source.stop();
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
