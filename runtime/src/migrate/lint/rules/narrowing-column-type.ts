import { changesOf, columnTarget, type LintRule } from '../rule.ts';
import { describeType } from '../changes-from-ops.ts';
import { classifyTypeChange } from '../type-change.ts';

/** A type change to something smaller: existing values may not fit (the migration fails) or lose part of themselves. */
export const narrowingColumnType: LintRule = {
  id: 'narrowing-column-type',
  severity: 'error',
  layer: 'intent',
  summary:
    'Narrowing a column type (shorter text, smaller integer, fewer decimals, timestamp to date) fails on values that do not fit or cuts them, and a rollback cannot restore what was cut.',
  remediation:
    'Check the data first (max length, range, precision); keep the wider type, or copy the column aside before narrowing so the rollback can restore it.',
  check: (changes) =>
    changesOf(changes, 'alter-type')
      .filter((c) => !c.newTable && c.from !== null && c.to !== null && classifyTypeChange(c.from, c.to) === 'narrow')
      .map((c) => ({
        change: c,
        target: columnTarget(c.table, c.column),
        message: `narrows ${columnTarget(c.table, c.column)} from ${describeType(c.from!)} to ${c.toText}: values that do not fit make the migration fail, or are cut where the engine does not check`,
      })),
};
