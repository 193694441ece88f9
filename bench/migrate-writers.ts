/**
 * The steady write stream of the migrate benchmark: N connections, each doing small single-row INSERTs and UPDATEs
 * into the big table in a loop, every write timed, so a DDL plan's effect shows as the longest write stall.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** One write: when it was sent and when its result came back (performance.now() ms). */
export interface WriteSample {
  start: number;
  end: number;
  ok: boolean;
}

export interface WriterLoad {
  /** Stops every writer after its current write and returns all samples, oldest first. */
  stop(): Promise<WriteSample[]>;
  /** Distinct error messages of failed writes (a plan must not make writes fail). */
  errors: Set<string>;
}

export interface WriterOptions {
  connection: pg.ClientConfig;
  writers: number;
  /** Rows the table had at setup: updates pick an id in 1..rows. */
  rows: number;
  /** Rows of the referenced table: inserts pick a parent in 1..parents. */
  parents: number;
  /** Pause between two writes of one writer, so the stream is steady rather than saturating two cores. */
  pauseMs: number;
}

const pick = (n: number) => 1 + Math.floor(Math.random() * n);

/** Connects the writers and starts their loops; they run until stop(). */
export async function startWriters(options: WriterOptions): Promise<WriterLoad> {
  const clients = await Promise.all(
    Array.from({ length: options.writers }, async () => {
      const client = new pg.Client(options.connection);
      client.on('error', () => {});
      await client.connect();
      return client;
    }),
  );
  const samples: WriteSample[] = [];
  const errors = new Set<string>();
  let running = true;
  const loop = async (client: pg.Client, index: number) => {
    for (let n = index; running; n++) {
      const start = performance.now();
      let ok = true;
      try {
        // Alternating, so both the insert path (new tuple, every index, the FK check once added) and the update path
        // (row lock, new tuple version) meet the DDL.
        if (n % 2) await client.query('INSERT INTO items (parent_id, payload) VALUES ($1, $2)', [pick(options.parents), `w${index}-${n}`]);
        else await client.query('UPDATE items SET payload = $2, updated_at = now() WHERE id = $1', [pick(options.rows), `u${index}-${n}`]);
      } catch (error) {
        ok = false;
        errors.add((error as Error).message);
      }
      samples.push({ start, end: performance.now(), ok });
      await sleep(options.pauseMs);
    }
  };
  const loops = clients.map((client, i) => loop(client, i));
  return {
    errors,
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      return samples.sort((a, b) => a.start - b.start);
    },
  };
}

/** How the writes fared during one window of time. */
export interface Stall {
  /** The slowest single write in flight during the window. */
  longestWriteMs: number;
  /** The longest time no write completed, on any connection, within the window. */
  longestGapMs: number;
  /** Writes in flight during the window, and how many failed. */
  writes: number;
  failed: number;
}

/**
 * The writes in flight during [from, to). With `windows` (the plan's steps, in order), a write that spans two steps
 * counts only for the step it spent most of its time in: a write blocked by one step's lock often completes just
 * after the next step starts, and would otherwise be charged to both.
 */
export function stallIn(samples: readonly WriteSample[], from: number, to: number, windows?: readonly { from: number; to: number }[]): Stall {
  const overlap = (s: WriteSample, w: { from: number; to: number }) => Math.min(s.end, w.to) - Math.max(s.start, w.from);
  const mine = (s: WriteSample) => {
    if (!windows) return true;
    const best = windows.reduce((a, w) => (overlap(s, w) > overlap(s, a) ? w : a));
    return best.from === from && best.to === to;
  };
  const during = samples.filter((s) => s.start < to && s.end > from && mine(s));
  // Any write completing inside the window breaks a gap, whichever step it is charged to.
  const completions = samples
    .map((s) => s.end)
    .filter((t) => t >= from && t <= to)
    .sort((a, b) => a - b);
  let gap = 0;
  let previous = from;
  for (const t of [...completions, to]) {
    gap = Math.max(gap, t - previous);
    previous = t;
  }
  return {
    longestWriteMs: during.reduce((max, s) => Math.max(max, s.end - s.start), 0),
    longestGapMs: gap,
    writes: during.length,
    failed: during.filter((s) => !s.ok).length,
  };
}

/** The p-th percentile (0..100) of the write latencies that started in [from, to). */
export function latencyPercentile(samples: readonly WriteSample[], from: number, to: number, p: number): number {
  const latencies = samples
    .filter((s) => s.start >= from && s.start < to)
    .map((s) => s.end - s.start)
    .sort((a, b) => a - b);
  if (!latencies.length) return 0;
  return latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
}
