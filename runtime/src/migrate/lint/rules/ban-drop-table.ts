import { changesOf, type LintRule } from '../rule.ts';

/** Atlas DS102, squawk ban-drop-table: every row of the table is deleted, with no way back. */
export const banDropTable: LintRule = {
  id: 'ban-drop-table',
  severity: 'error',
  layer: 'intent',
  summary: 'Dropping a table deletes all of its rows; a rollback recreates it empty.',
  remediation: 'Stop using the table in application code first, back it up (or rename it aside), and drop it in a later migration once nothing reads it.',
  check: (changes) =>
    changesOf(changes, 'drop-table')
      .filter((c) => !c.newTable)
      .map((c) => ({ change: c, target: c.table, message: `drops table ${c.table} and every row in it; a rollback can recreate the table but not its data` })),
};
