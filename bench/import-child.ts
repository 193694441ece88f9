/**
 * The import the import benchmark measures, alone in its process so its peak RSS is its own: an application that
 * imports files loads the connector and the importer, nothing else, with the CLI's heap setting. Prints
 * {ms, cpuMs, rows, maxRssMb} as JSON (cpuMs: this process's CPU during the import, on a shared machine steadier than ms).
 */
import { performance } from 'node:perf_hooks';
import { tuneHeapForStreaming } from '../cli/src/heap.ts';
import { connect } from '@byos/runtime';
import { importFile } from '@byos/runtime/import';

tuneHeapForStreaming(); // as the byos CLI does (bin/byos.js)
const [url, file] = process.argv.slice(2);
const tenant = await connect(url!);
try {
  const start = performance.now();
  const cpu = process.cpuUsage();
  // BYOS_BENCH_IMPORT_PARALLEL_ABOVE: the worker thread's size threshold (bytes; Infinity: never), to compare.
  const above = process.env.BYOS_BENCH_IMPORT_PARALLEL_ABOVE;
  const report = await importFile(tenant, { file: file!, table: 'bench_rows', ...(above ? { parallelAboveBytes: Number(above) } : {}) });
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, rows: report.rowsLoaded, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
} finally {
  await tenant.close();
}
