import { changesOf, type LintRule } from '../rule.ts';

/**
 * Where the engine cannot ALTER in place (SQLite: most column and constraint changes), the compiler rebuilds the
 * table: a new table, a copy of every row, a swap, indexes and triggers recreated. Correct, but it holds the
 * database lock for as long as the copy takes. Seen in the compiled SQL as a table dropped that the op did not drop.
 */
export const tableRebuild: LintRule = {
  id: 'table-rebuild',
  severity: 'info',
  layer: 'mechanics',
  summary: 'The change is applied by rebuilding the table: every row is copied while the database is locked.',
  remediation: 'Expected where the engine cannot alter in place; on a large table run it when writes can pause for the copy, and batch several changes to one table into one migration.',
  check: (changes, ctx) => {
    const intended = new Set(changesOf(ctx.intent, 'drop-table').map((c) => c.table));
    if (ctx.intent === ctx.mechanics) return [];
    return changes.flatMap((c, i) => {
      if (c.kind !== 'drop-table' || c.newTable || intended.has(c.table)) return [];
      // The old copy may have been renamed aside first (x -> _old_x); name the table the user knows.
      const renamed = changesOf(changes.slice(0, i), 'rename-table').find((r) => r.to === c.table);
      const table = renamed ? renamed.from : c.table;
      return [{ change: c, target: table, message: `rebuilds table ${table}: a new table is created, every row copied, and the old one dropped, while the database is locked` }];
    });
  },
};
