/**
 * Benchmark runner: `npm run bench` runs every bench/*.bench.ts, `npm run bench -- NAME [NAME…]` the named ones,
 * `--json` prints the rows as JSON. A benchmark's default export returns rows comparing BYOS with the real
 * alternative measured on the same data in the same run.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface BenchRow {
  /** What was measured. */
  name: string;
  /** BYOS's figure and the alternative's, in `unit`. */
  byos: number;
  alternative: number;
  /** The alternative measured (`kysely introspection`, `psql \\copy`). */
  against: string;
  unit: string;
  /** `lower` when a smaller figure is better (times), `higher` when larger is (rows/s). */
  better: 'lower' | 'higher';
  note?: string;
}

export type Benchmark = () => Promise<BenchRow[]>;

/** How many times better BYOS is (>1) or worse (<1) than the alternative. */
export function advantage(row: BenchRow): number {
  return row.better === 'lower' ? row.alternative / row.byos : row.byos / row.alternative;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const wanted = argv.filter((a) => !a.startsWith('--'));
  const dir = fileURLToPath(new URL('./', import.meta.url));
  const available = (await readdir(dir))
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .sort();
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
    return 2;
  }
  const selected = wanted.length ? wanted : available;
  const results: (BenchRow & { bench: string; advantage: number })[] = [];
  for (const name of selected) {
    process.stderr.write(`running ${name}…\n`);
    const run = (await import(`./${name}.bench.ts`)).default as Benchmark;
    for (const row of await run()) results.push({ ...row, bench: name, advantage: advantage(row) });
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return 0;
  }
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3));
  for (const r of results) {
    const verdict = r.advantage >= 1 ? `${fmt(r.advantage)}× better` : `${fmt(1 / r.advantage)}× worse`;
    process.stdout.write(
      `${r.bench.padEnd(12)} ${r.name.padEnd(44)} byos ${fmt(r.byos)} ${r.unit}  vs ${r.against} ${fmt(r.alternative)} ${r.unit}  → ${verdict}${r.note ? `  (${r.note})` : ''}\n`,
    );
  }
  return 0;
}

// No top-level await: benchmarks import helpers from this module, and a module cycle through a pending top-level
// await never settles.
if (import.meta.url === `file://${process.argv[1]}`) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
