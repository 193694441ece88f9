import { changesOf, type LintRule } from '../rule.ts';

/**
 * The runner wraps each migration and its journal row in one transaction and rolls it back on failure. A COMMIT
 * (or BEGIN, ROLLBACK, SAVEPOINT…) inside ends or splits that transaction: what ran before it stays even when a
 * later statement fails and the runner reports a rollback. VACUUM cannot run inside a transaction at all.
 */
export const transactionControlInMigration: LintRule = {
  id: 'transaction-control-in-migration',
  severity: 'error',
  layer: 'intent',
  summary:
    "Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT…) or VACUUM in a migration breaks the runner's one transaction per migration, so a failure could no longer be rolled back.",
  remediation:
    'Remove it: the runner already runs each migration in one transaction with its journal row. Run VACUUM, or work that must commit in steps, outside the migrations or as separate migrations.',
  check: (changes) =>
    changesOf(changes, 'transaction-control').map((c) => ({
      change: c,
      target: c.statement,
      message: /^vacuum/i.test(c.statement)
        ? `${c.statement} cannot run inside the transaction the runner wraps the migration in`
        : `${c.statement} controls the transaction the runner wraps the migration in: what ran before it would stay if a later statement failed, and the migration could not be rolled back`,
    })),
};
