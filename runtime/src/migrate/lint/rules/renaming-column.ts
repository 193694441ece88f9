import { changesOf, columnTarget, type LintRule } from '../rule.ts';

/** Atlas BC102, squawk renaming-column. */
export const renamingColumn: LintRule = {
  id: 'renaming-column',
  severity: 'warning',
  layer: 'intent',
  summary: 'Renaming a column breaks every running application instance that still uses the old name.',
  remediation: 'Expand and contract: add the new column, write to both and backfill, switch reads, then drop the old column in a later migration.',
  check: (changes) =>
    changesOf(changes, 'rename-column')
      .filter((c) => !c.newTable)
      .map((c) => ({
        change: c,
        target: columnTarget(c.table, c.from),
        message: `renames column ${columnTarget(c.table, c.from)} to ${c.to}: application code deployed before this migration still uses ${c.from} and fails`,
      })),
};
