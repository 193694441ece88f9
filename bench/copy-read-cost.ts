/**
 * What reading a table costs the source server, per way of reading it: `node bench/copy-read-cost.ts [ROWS]` fills
 * the copy benchmark's shop data set (bench/copy-pg.ts) into a throwaway PostgreSQL 15 server and reads every table
 * to nowhere over binary COPY,
 *  - plain: `COPY table TO STDOUT` (pgcopydb's way, one sequential scan);
 *  - ordered: `COPY (SELECT … ORDER BY key) TO STDOUT` (one batch holding the whole table);
 *  - batches of N rows the way `byos copy` pages between two Postgres: the next batch's last key by
 *    `SELECT key … WHERE key > last ORDER BY key OFFSET N-1 LIMIT 1`, then
 *    `COPY (SELECT … WHERE key > last AND key <= end ORDER BY key) TO STDOUT`;
 * and prints the backend's CPU seconds (from /proc, so other work on the machine does not count) and the wall time
 * of each, with the plan of one batch.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { startSystemPostgres } from '../test/helpers/system-postgres.ts';
import { fillShop, PG_ROWS, urlOf } from './copy-pg.ts';

const TABLES: { name: string; key: string[] }[] = [
  { name: 'order_items', key: ['order_id', 'line'] },
  { name: 'orders', key: ['id'] },
  { name: 'customers', key: ['id'] },
  { name: 'events', key: ['id'] },
];
const BATCHES = [10_000, 50_000, 200_000];

async function backendCpu(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const stat = await readFile(`/proc/${rows[0]!.pid}/stat`, 'utf8');
  const f = stat
    .slice(stat.lastIndexOf(') ') + 2)
    .split(' ')
    .map(Number);
  return (f[11]! + f[12]!) / 100;
}

const drain = () => new Writable({ write: (_chunk, _enc, done) => done() });

async function copyOut(client: pg.Client, sqlText: string): Promise<void> {
  await pipeline(client.query(copyTo(`COPY ${sqlText} TO STDOUT (FORMAT binary)`)), drain());
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? PG_ROWS);
  const server = await startSystemPostgres({ shared_buffers: '256MB', max_wal_size: '4GB' });
  try {
    await fillShop(server, 'bench_src', rows);
    const client = new pg.Client({ connectionString: urlOf(server, 'bench_src') });
    await client.connect();
    const measure = async (work: () => Promise<void>) => {
      const cpu = await backendCpu(client);
      const start = performance.now();
      await work();
      return { cpu: (await backendCpu(client)) - cpu, ms: performance.now() - start };
    };
    // Warm the caches once: every figure after reads pages already in shared buffers or the OS cache.
    for (const t of TABLES) await copyOut(client, t.name);
    const out: string[] = [];
    const fmt = (r: { cpu: number; ms: number }) => `${r.cpu.toFixed(2)} CPU s / ${(r.ms / 1000).toFixed(2)} s`;
    for (const t of TABLES) {
      const key = t.key.map((k) => `"${k}"`).join(', ');
      const plain = await measure(() => copyOut(client, `"public"."${t.name}"`));
      const ordered = await measure(() => copyOut(client, `(SELECT * FROM ONLY "public"."${t.name}" ORDER BY ${key})`));
      out.push(`${t.name}: plain COPY ${fmt(plain)}; ordered ${fmt(ordered)}`);
      for (const n of BATCHES) {
        let plan = '';
        let lookups = { cpu: 0, ms: 0 };
        let copies = { cpu: 0, ms: 0 };
        let batches = 0;
        let last: unknown[] | null = null;
        for (;;) {
          const after = last ? `WHERE (${key}) > (${last.map((v) => client.escapeLiteral(String(v))).join(', ')})` : '';
          const found: { end: unknown[] | null } = { end: null };
          const lookup = await measure(async () => {
            const { rows: keys } = await client.query({
              text: `SELECT ${key} FROM ONLY "public"."${t.name}" ${after} ORDER BY ${key} LIMIT 1 OFFSET ${n - 1}`,
              rowMode: 'array',
            });
            found.end = (keys[0] as unknown[] | undefined) ?? null;
          });
          const until = found.end;
          const range = [after, until ? `${after ? 'AND' : 'WHERE'} (${key}) <= (${until.map((v) => client.escapeLiteral(String(v))).join(', ')})` : ''].join(
            ' ',
          );
          const select = `SELECT * FROM ONLY "public"."${t.name}" ${range} ORDER BY ${key}`;
          if (batches === 1)
            plan = (await client.query({ text: `EXPLAIN ${select}`, rowMode: 'array' })).rows.map((r) => String((r as unknown[])[0]).trim()).join(' | ');
          const copy = await measure(() => copyOut(client, `(${select})`));
          lookups = { cpu: lookups.cpu + lookup.cpu, ms: lookups.ms + lookup.ms };
          copies = { cpu: copies.cpu + copy.cpu, ms: copies.ms + copy.ms };
          batches++;
          if (!until) break;
          last = until;
        }
        out.push(`  batches of ${n}: ${batches} batches; end-key lookups ${fmt(lookups)}; range COPYs ${fmt(copies)}; plan of batch 2: ${plan}`);
      }
    }
    await client.end();
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await server.stop();
  }
}

await main();
