import { changesOf, columnTarget, type LintRule } from '../rule.ts';

/**
 * squawk adding-field-with-default, Atlas PG302. A constant (or stable, like now()) default is stored once in the
 * catalog (Postgres 11+), so it is cheap; a volatile one must be computed for every existing row: a full rewrite.
 */
export const addingFieldWithDefault: LintRule = {
  id: 'adding-field-with-default',
  severity: 'warning',
  layer: 'intent',
  summary: 'A column added with a volatile default (random UUID, clock_timestamp(), identity) rewrites the whole table under an exclusive lock.',
  remediation: 'Add the column without the default, set the default in a second step (new rows only), then backfill existing rows in batches.',
  check: (changes) =>
    changesOf(changes, 'add-column')
      .filter((c) => c.volatileDefault !== null && !c.newTable)
      .map((c) => ({
        change: c,
        target: columnTarget(c.table, c.column),
        message: `adds ${columnTarget(c.table, c.column)} with a volatile default (${c.volatileDefault}): every existing row of ${c.table} is rewritten while reads and writes wait`,
      })),
};
