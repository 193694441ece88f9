import { changesOf, columnTarget, type LintRule } from '../rule.ts';

/** Atlas DS103, squawk ban-drop-column: the column's values are deleted, and running code that selects it breaks. */
export const banDropColumn: LintRule = {
  id: 'ban-drop-column',
  severity: 'error',
  layer: 'intent',
  summary: 'Dropping a column deletes its values and breaks application code that still reads or writes it.',
  remediation: 'Deploy application code that no longer uses the column first, copy its values aside if they matter, then drop it in a later migration.',
  check: (changes) =>
    changesOf(changes, 'drop-column')
      .filter((c) => !c.newTable)
      .map((c) => ({
        change: c,
        target: columnTarget(c.table, c.column),
        message: `drops column ${columnTarget(c.table, c.column)} and its values; a rollback re-adds the column empty, and application code still using it fails`,
      })),
};
