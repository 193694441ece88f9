// A writer in a process of its own, without a router: a plain `pg` client or a better-sqlite3 handle inserting into
// `entry` one row at a time until a line arrives on stdin, printing the outcome of each attempt as a JSON line.
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import pg from 'pg';

interface Config {
  /** A postgres:// URL, or a SQLite file path. */
  pg?: string;
  sqlite?: string;
  firstId: number;
  busyTimeoutMs?: number;
  /** Stop after this many attempts (a single probe), instead of waiting for stdin. */
  attempts?: number;
}

const config = JSON.parse(process.env.BYOS_FENCE_WRITER!) as Config;
let stopping = false;
if (!config.attempts) createInterface({ input: process.stdin }).once('line', () => (stopping = true));

const sqlite = config.sqlite ? new Database(config.sqlite) : undefined;
sqlite?.pragma(`busy_timeout = ${config.busyTimeoutMs ?? 50}`);
const client = config.pg ? new pg.Client({ connectionString: config.pg }) : undefined;
await client?.connect();

const insert = async (id: number) => {
  const values = [id, 1, 7, 'fence writer'];
  if (client) await client.query('insert into entry (id, account_id, amount, note) values ($1, $2, $3, $4)', values);
  else sqlite!.prepare('insert into entry (id, account_id, amount, note) values (?, ?, ?, ?)').run(...values);
};

for (let i = 0; !stopping && (!config.attempts || i < config.attempts); i++) {
  const id = config.firstId + i;
  try {
    await insert(id);
    console.log(JSON.stringify({ id, ok: true, at: Date.now() }));
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    console.log(JSON.stringify({ id, ok: false, code, message, at: Date.now() }));
  }
  await new Promise((r) => setTimeout(r, 2));
}
await client?.end();
sqlite?.close();
