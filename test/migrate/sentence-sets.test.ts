/**
 * Regression guard for `byos migrate new`: every set of sentences in test/fixtures/sentences (the dev sets the
 * grammar was tuned on, and the held-out sets written blind by someone who saw only the list of operations) must
 * keep at least 90% of its valid sentences turned into the right ops, and every nonsense sentence refused.
 * `npm run bench -- sentences` prints the per-kind figures and the misses.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { report, scoreFile, summarize } from './sentence-harness.ts';

const SETS = fileURLToPath(new URL('../fixtures/sentences/', import.meta.url));
const files = readdirSync(SETS)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();

describe('sentence sets', { timeout: 120_000 }, () => {
  it('include a held-out set of at least 100 sentences', () => {
    expect(files.some((f) => f.startsWith('heldout'))).toBe(true);
  });
  it.each(files)('%s: at least 90 percent right, all nonsense refused', async (file) => {
    const results = await scoreFile(join(SETS, file));
    const s = summarize(results);
    if (file.startsWith('heldout')) expect(s.valid + s.nonsense).toBeGreaterThanOrEqual(100);
    // The report names every miss, so a failure says which sentences regressed.
    expect(s.rightPercent, report(file, results)).toBeGreaterThanOrEqual(90);
    expect(s.refusedPercent, report(file, results)).toBe(100);
  });
});
