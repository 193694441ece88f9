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
  remediation:
    'Expected where the engine cannot alter in place; on a large table run it when writes can pause for the copy, and batch several changes to one table into one migration.',
  check: (changes, ctx) => {
    if (ctx.intent === ctx.mechanics) return [];
    const intended = new Set(changesOf(ctx.intent, 'drop-table').map((c) => c.table));
    const renames = changesOf(changes, 'rename-table');
    return changes.flatMap((c, i) => {
      if (c.kind !== 'drop-table' || c.newTable || intended.has(c.table)) return [];
      // A rebuild swaps names: the new copy is renamed to the dropped table's name, or the old one was renamed
      // aside (x -> _old_x) before being dropped. A bare drop (raw SQL in a migration) is not a rebuild.
      const swap = renames.find((r) => r.to === c.table);
      if (!swap) return [];
      const table = changes.indexOf(swap) < i ? swap.from : c.table;
      return [
        {
          change: c,
          target: table,
          message: `rebuilds table ${table}: a new table is created, every row copied, and the old one dropped, while the database is locked`,
        },
      ];
    });
  },
};
