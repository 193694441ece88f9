import { changesOf, type LintRule } from '../rule.ts';

/**
 * squawk constraint-missing-not-valid (and adding-foreign-key-constraint), Atlas PG305: a foreign key or check added
 * in one step validates every row while holding a lock that blocks writes (for a foreign key, on both tables).
 */
export const constraintMissingNotValid: LintRule = {
  id: 'constraint-missing-not-valid',
  severity: 'warning',
  layer: 'mechanics',
  summary: 'A foreign key or check constraint added without NOT VALID checks every existing row while writes wait.',
  remediation: 'Add it NOT VALID (instant), then VALIDATE CONSTRAINT in a separate step, which takes only a weak lock.',
  check: (changes) =>
    changesOf(changes, 'add-constraint')
      .filter((c) => (c.constraint === 'foreign-key' || c.constraint === 'check') && !c.notValid && !c.newTable)
      .map((c) => ({
        change: c,
        target: `${c.table}${c.name ? ` constraint ${c.name}` : ''}`,
        message: `adds ${c.constraint === 'check' ? 'check' : 'foreign key'} ${c.name || '(unnamed)'} on ${c.table} without NOT VALID: every existing row is checked while writes${c.constraint === 'foreign-key' ? ' to both tables' : ''} wait`,
      })),
};
