import { changesOf, type LintRule } from '../rule.ts';

/** squawk require-concurrent-index-deletion, Atlas PG102: a plain DROP INDEX takes an ACCESS EXCLUSIVE lock. */
export const requireConcurrentIndexDeletion: LintRule = {
  id: 'require-concurrent-index-deletion',
  severity: 'warning',
  layer: 'mechanics',
  summary: 'Dropping an index without CONCURRENTLY locks its table against reads and writes, and waits behind every running query.',
  remediation: 'Use DROP INDEX CONCURRENTLY, outside a transaction.',
  check: (changes, ctx) =>
    ctx.capabilities?.concurrentIndexes
      ? changesOf(changes, 'drop-index')
          .filter((c) => !c.concurrently)
          .map((c) => ({
            change: c,
            target: `index ${c.name}`,
            message: `drops index ${c.name} without CONCURRENTLY: its table is locked against reads and writes until every running query on it ends`,
          }))
      : [],
};
