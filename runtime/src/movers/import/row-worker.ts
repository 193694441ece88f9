/**
 * The worker thread of a large CSV import into SQLite (row-thread.ts): reads, decodes, parses and converts the file
 * while the main thread inserts, and hands over the good rows packed (packed-rows.ts), the rejected ones with their
 * cells, in file order, a few messages ahead of the inserts at most.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BulkValue } from '../../dialects/bulk-load.ts';
import { rowConverter } from './convert-row.ts';
import { openCsvSource } from './csv-source.ts';
import { RowPacker } from './packed-rows.ts';
import type { RowThreadPlan, RowsMessage, RowsPart, WorkerMessage } from './row-thread.ts';

const plan = workerData as RowThreadPlan;
const port = parentPort!;
let credit = plan.ahead;
let wake: (() => void) | null = null;
port.on('message', (more: number) => {
  credit += more;
  wake?.();
});
const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function run(): Promise<boolean> {
  const source = await openCsvSource(plan.file, plan.read);
  try {
    if (source.headers.length !== plan.plan.width || source.headers.some((h, i) => h !== plan.headers[i]))
      throw new Error(`${plan.file} changed while it was imported (its header is not the one mapped)`);
    const convert = rowConverter(plan.plan);
    const packer = new RowPacker();
    let parts: RowsPart[] = [];
    let loaded: number[] = [];
    let rejected = 0;
    let previewed = 0;
    let rowsInMessage = 0;
    const flush = async () => {
      while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      credit--;
      const message: RowsMessage = { kind: 'rows', parts, packed: null, loaded: Int32Array.from(loaded) };
      const transfer: ArrayBuffer[] = [message.loaded.buffer as ArrayBuffer];
      if (packer.rowCount) {
        const taken = packer.take();
        message.packed = taken.packed;
        transfer.push(...taken.transfer);
      }
      send(message, transfer);
      parts = [];
      loaded = [];
      rowsInMessage = 0;
    };
    try {
      for await (const batch of source.batches) {
        const part: RowsPart = { rows: batch.rows.length, loaded: 0, rejects: [], preview: [] };
        for (const row of batch.rows) {
          const values = convert(row);
          if (!Array.isArray(values)) {
            rejected++;
            part.rejects.push({ row, header: values.header, reason: values.reason });
            continue;
          }
          if (previewed < plan.previewRows) {
            part.preview.push(values as BulkValue[]);
            previewed++;
          }
          // After the first rejection an all-or-nothing import sends no more rows but reads on, to report every bad row.
          if (plan.abort && rejected > 0) continue;
          loaded.push(row.row);
          packer.add(values);
          part.loaded++;
        }
        parts.push(part);
        rowsInMessage += batch.rows.length;
        if (rowsInMessage >= plan.rowsPerMessage) await flush();
      }
    } catch (error) {
      // The rows read before the error first, as a one-thread import reports them (rejects, progress).
      if (parts.length) await flush();
      throw error;
    }
    if (parts.length) await flush();
    return convert.unique.saturated;
  } finally {
    await source.close();
  }
}

run().then(
  (saturated) => send({ kind: 'done', saturated }),
  (error: unknown) =>
    send({ kind: 'error', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) }),
);
