import { changesOf, columnTarget, type LintRule } from '../rule.ts';

/** squawk adding-required-field, Atlas MF103: existing rows have no value to put in a NOT NULL column. */
export const addingRequiredField: LintRule = {
  id: 'adding-required-field',
  severity: 'error',
  layer: 'intent',
  summary: 'A required (NOT NULL) column added without a default fails on a table that has rows, and breaks inserts from older code.',
  remediation: 'Give the column a constant default, or add it nullable, backfill it, and make it required in a later migration.',
  check: (changes) =>
    changesOf(changes, 'add-column')
      .filter((c) => c.required && !c.filled && !c.newTable)
      .map((c) => ({
        change: c,
        target: columnTarget(c.table, c.column),
        message: `adds required column ${columnTarget(c.table, c.column)} without a default: it fails if ${c.table} has any rows, and inserts that do not name it fail`,
      })),
};
