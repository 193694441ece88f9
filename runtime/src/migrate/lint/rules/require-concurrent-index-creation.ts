import { changesOf, type LintRule } from '../rule.ts';

/** squawk require-concurrent-index-creation, Atlas PG101: a plain CREATE INDEX blocks writes for the whole build. */
export const requireConcurrentIndexCreation: LintRule = {
  id: 'require-concurrent-index-creation',
  severity: 'warning',
  layer: 'mechanics',
  summary: 'Building an index without CONCURRENTLY blocks every write to the table until the build ends.',
  remediation: 'Use CREATE INDEX CONCURRENTLY, outside a transaction (the portable createIndex op does this on Postgres).',
  check: (changes, ctx) =>
    ctx.capabilities?.concurrentIndexes
      ? changesOf(changes, 'create-index')
          .filter((c) => !c.concurrently && !c.newTable)
          .map((c) => ({
            change: c,
            target: c.name ? `index ${c.name}` : `index on ${c.table}`,
            message: `builds ${c.unique ? 'unique ' : ''}index ${c.name || '(unnamed)'} on ${c.table} without CONCURRENTLY: writes to ${c.table} wait for the whole build`,
          }))
      : [],
};
