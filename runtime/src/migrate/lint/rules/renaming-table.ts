import { changesOf, type LintRule } from '../rule.ts';

/** Atlas BC101, squawk renaming-table: a backward-incompatible change for code that still uses the old name. */
export const renamingTable: LintRule = {
  id: 'renaming-table',
  severity: 'warning',
  layer: 'intent',
  summary: 'Renaming a table breaks every running application instance that still queries it by the old name.',
  remediation: 'Expand and contract: create the new table (or a view with the new name), make the code use it, and remove the old name in a later migration.',
  check: (changes) =>
    changesOf(changes, 'rename-table')
      .filter((c) => !c.newTable)
      .map((c) => ({
        change: c,
        target: c.from,
        message: `renames table ${c.from} to ${c.to}: application code deployed before this migration still queries ${c.from} and fails`,
      })),
};
