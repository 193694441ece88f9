import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BulkValue } from '../../dialects/bulk-load.ts';
import type { ConversionPlan } from './convert-row.ts';
import type { CsvReadOptions } from './csv-source.ts';
import type { PackedRows } from './packed-rows.ts';
import { SourceError, type SourceRow } from './source.ts';

const PARALLEL_ABOVE_BYTES = 32 * 1024 * 1024;

/**
 * Whether the worker thread pays for a file: its start-up (~0.1 s) and the packing and cloning of rows (~30% more
 * CPU in all) are repaid from ~30 MB of CSV on (measured: 15 MB 0.41 s against 0.34 s in one thread, 30 MB 0.55
 * against 0.57, 48 MB 0.77 against 0.86, 97 MB 1.33 against 1.66), given a second core. With that core busy it loses.
 */
export async function parallelPays(file: string): Promise<boolean> {
  return availableParallelism() >= 2 && (await stat(file)).size >= PARALLEL_ABOVE_BYTES;
}

/** A Buffer again for bytes that crossed from the worker (cloning makes a plain Uint8Array of it). */
export const asBuffer = (value: BulkValue): BulkValue =>
  value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;

/** What the worker needs: the file read as the main thread read it, and the conversion the mapping settled. */
export interface RowThreadPlan {
  file: string;
  read: CsvReadOptions;
  /** The headers the mapping was made for: the worker checks it reads the same ones. */
  headers: string[];
  plan: ConversionPlan;
  abort: boolean;
  previewRows: number;
  /** Messages the worker may send ahead of the inserts (memory bound). */
  ahead: number;
  /** Rows read per message, at least (whole source batches). */
  rowsPerMessage: number;
}

/** One source batch as the main thread reports it: rows read, rejects with their cells, rows for the preview. */
export interface RowsPart {
  rows: number;
  /** Of them, the rows packed to load (their values follow the previous parts' in the message). */
  loaded: number;
  rejects: { row: SourceRow; header: string | null; reason: string }[];
  preview: BulkValue[][];
}

export interface RowsMessage {
  kind: 'rows';
  parts: RowsPart[];
  /** The good rows to insert (none once an all-or-nothing import has a rejected row). */
  packed: PackedRows | null;
  /** The file row of each packed row, for an error the database raises on one. */
  loaded: Int32Array;
}

export type WorkerMessage = RowsMessage | { kind: 'done'; saturated: boolean } | { kind: 'error'; name: string; message: string };

const WORKER_URL = new URL(`./row-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * Runs the reading and conversion of a CSV file in a worker thread and yields its messages in file order; `done`
 * gets whether in-file uniqueness saturated. The worker stays at most `plan.ahead` messages ahead, and is stopped
 * when the consumer stops (an error, a refused row).
 */
export async function* rowThread(plan: RowThreadPlan, done: (saturated: boolean) => void): AsyncGenerator<RowsMessage> {
  // V8 let the worker's young generation grow to 134 MB on 1M rows (peak RSS 384 MB against 185 MB without the
  // worker); capped at 32 MB the peak is ~300 MB at the same speed (16 MB: no lower, and slower).
  const worker = new Worker(WORKER_URL, { workerData: plan, resourceLimits: { maxYoungGenerationSizeMb: 32 } });
  const queue: WorkerMessage[] = [];
  let failure: Error | null = null;
  let exited = false;
  let notify: (() => void) | null = null;
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    notify?.();
  });
  worker.on('error', (error) => {
    failure = error;
    notify?.();
  });
  worker.on('exit', () => {
    exited = true;
    notify?.();
  });
  try {
    for (;;) {
      while (queue.length === 0) {
        if (failure) throw failure;
        if (exited) throw new Error(`the worker reading ${plan.file} stopped`);
        await new Promise<void>((resolve) => (notify = resolve));
        notify = null;
      }
      const message = queue.shift()!;
      if (message.kind === 'error') throw message.name === 'SourceError' ? new SourceError(message.message) : new Error(message.message);
      if (message.kind === 'done') return done(message.saturated);
      yield message;
      worker.postMessage(1);
    }
  } finally {
    await worker.terminate();
  }
}
