import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report, scoreFile, summarize } from '../test/migrate/sentence-harness.ts';
import type { BenchRow } from './run.ts';

const SETS = fileURLToPath(new URL('../test/fixtures/sentences/', import.meta.url));

/**
 * How well `byos migrate new` understands sentences: every test/fixtures/sentences/*.jsonl set (the dev set it was
 * tuned on, the held-out sets written blind) scored against the goal, 90% of valid sentences turned into the right
 * ops and every nonsense sentence refused. The per-kind table and the misses go to stderr.
 */
export default async function sentencesBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const files = (await readdir(SETS)).filter((f) => f.endsWith('.jsonl')).sort();
  for (const file of files) {
    const name = file.replace(/\.jsonl$/, '');
    const results = await scoreFile(join(SETS, file));
    process.stderr.write(`${report(name, results)}\n\n`);
    const s = summarize(results);
    rows.push({ name: `${name}: right ops (${s.right}/${s.valid})`, byos: s.rightPercent, alternative: 90, against: 'goal', unit: '%', better: 'higher' });
    if (s.nonsense)
      rows.push({
        name: `${name}: nonsense refused (${s.refusedCorrectly}/${s.nonsense})`,
        byos: s.refusedPercent,
        alternative: 100,
        against: 'goal',
        unit: '%',
        better: 'higher',
      });
  }
  return rows;
}
