import type { Hit, LintRule } from '../rule.ts';

/**
 * squawk require-lock-timeout: a statement that needs a strong lock queues behind any long transaction, and every
 * query after it queues behind it, so an unbounded wait stalls the application. The portable runner bounds the wait
 * of statements marked `strongLock` itself; anything else needs `SET lock_timeout` first.
 */
export const requireLockTimeout: LintRule = {
  id: 'require-lock-timeout',
  severity: 'warning',
  layer: 'mechanics',
  summary: 'A statement taking a strong lock without lock_timeout can queue behind a long transaction and stall every query behind it.',
  remediation: "Start the migration with SET lock_timeout = '2s' (and retry on timeout); portable ops get this from the runner.",
  check: (changes, ctx) => {
    if (!ctx.capabilities?.lockTimeout) return [];
    let bounded = false;
    for (const c of changes) {
      if (c.kind === 'set-lock-timeout') bounded = c.enabled;
      else if (c.strongLock && !c.lockGuarded && !bounded) {
        const hit: Hit = {
          change: c,
          target: lockTarget(c),
          message: `takes a strong lock on ${lockTarget(c)} with no lock_timeout set: if it waits, every query on the table waits behind it`,
        };
        return [hit]; // once per migration, like squawk: one SET at the top fixes them all
      }
    }
    return [];
  },
};

function lockTarget(c: Parameters<LintRule['check']>[0][number]): string {
  if ('table' in c) return c.table;
  if (c.kind === 'rename-table') return c.from;
  if (c.kind === 'drop-index') return `index ${c.name}`;
  return 'the table';
}
