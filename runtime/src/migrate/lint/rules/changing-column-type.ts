import { changesOf, columnTarget, type LintRule } from '../rule.ts';
import { classifyTypeChange } from '../type-change.ts';

/**
 * squawk changing-column-type, Atlas PG301: a type change that converts the values rewrites the table and rebuilds
 * its indexes under an exclusive lock. Changes that keep the bytes (longer varchar, varchar to text) are exempt
 * when the old type is known; narrowing is narrowing-column-type's business.
 */
export const changingColumnType: LintRule = {
  id: 'changing-column-type',
  severity: 'warning',
  layer: 'intent',
  summary: 'Changing a column type that converts its values rewrites the table and its indexes while reads and writes wait.',
  remediation:
    'Add a new column of the new type, backfill it in batches and switch the code to it, then drop the old column; or run it in a maintenance window.',
  check: (changes) =>
    changesOf(changes, 'alter-type')
      .filter((c) => !c.newTable)
      .filter((c) => c.from === null || c.to === null || classifyTypeChange(c.from, c.to) === 'convert')
      .map((c) => ({
        change: c,
        target: columnTarget(c.table, c.column),
        message: `changes the type of ${columnTarget(c.table, c.column)} to ${c.toText}: ${c.from === null ? 'this can' : 'this'} rewrite every row of ${c.table} and rebuild its indexes under an exclusive lock`,
      })),
};
