import { changesOf, type LintRule } from '../rule.ts';

/**
 * squawk disallowed-unique-constraint and adding-serial-primary-key-field, Atlas PG104/PG105: a UNIQUE or PRIMARY KEY
 * constraint builds its index under an ACCESS EXCLUSIVE lock, blocking reads too.
 */
export const disallowedUniqueConstraint: LintRule = {
  id: 'disallowed-unique-constraint',
  severity: 'warning',
  layer: 'mechanics',
  summary: 'A UNIQUE or PRIMARY KEY constraint added directly builds its index while the table is locked against reads and writes.',
  remediation: 'Build the unique index with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE (or PRIMARY KEY) USING INDEX.',
  check: (changes) =>
    changesOf(changes, 'add-constraint')
      .filter((c) => (c.constraint === 'unique' || c.constraint === 'primary-key') && !c.usingIndex && !c.newTable)
      .map((c) => ({
        change: c,
        target: `${c.table}${c.name ? ` constraint ${c.name}` : ''}`,
        message: `adds ${c.constraint === 'unique' ? 'unique constraint' : 'primary key'} ${c.name || '(unnamed)'} on ${c.table} by building its index under an exclusive lock: reads and writes wait for the whole build`,
      })),
};
