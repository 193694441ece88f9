import { type Change, changesOf, columnTarget, type LintRule } from '../rule.ts';

/**
 * squawk adding-not-nullable-field, Atlas PG303/MF104: SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE
 * lock, unless (Postgres 12+) a validated `CHECK (col IS NOT NULL)` already proves it, which the safe plan adds
 * NOT VALID, validates under a weak lock, and then uses.
 */
export const addingNotNullableField: LintRule = {
  id: 'adding-not-nullable-field',
  severity: 'warning',
  layer: 'mechanics',
  summary: 'Making a column required (SET NOT NULL) scans the whole table while reads and writes wait, and fails if any NULL is left.',
  remediation: 'Add CHECK (col IS NOT NULL) NOT VALID, backfill, VALIDATE CONSTRAINT, then SET NOT NULL (Postgres 12+ skips the scan) and drop the check.',
  check: (changes) =>
    changes.flatMap((c, i) =>
      c.kind === 'set-not-null' && !c.newTable && !provenNotNull(changes.slice(0, i), c.table, c.column)
        ? [
            {
              change: c,
              target: columnTarget(c.table, c.column),
              message: `sets ${columnTarget(c.table, c.column)} NOT NULL without a validated check: the whole of ${c.table} is scanned under an exclusive lock`,
            },
          ]
        : [],
    ),
};

/** A CHECK (col IS NOT NULL) on the table, validated (added without NOT VALID, or validated afterwards). */
function provenNotNull(earlier: Change[], table: string, column: string): boolean {
  return changesOf(earlier, 'add-constraint').some(
    (k) =>
      k.table === table &&
      k.notNullColumn === column &&
      (!k.notValid || changesOf(earlier, 'validate-constraint').some((v) => v.table === table && v.name === k.name)),
  );
}
