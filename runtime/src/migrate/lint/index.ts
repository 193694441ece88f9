import type { Finding } from '../../contracts/finding.ts';
import type { MigrationOp } from '../../contracts/migration-op.ts';
import type { Dialect } from '../../dialects/dialect.ts';
import type { MigrationDialect } from '../../dialects/migration-dialect.ts';
import { changesFromOps } from './changes-from-ops.ts';
import { changesFromStatements } from './changes-from-statements.ts';
import type { LintCapabilities, LintOpsContext } from './rule.ts';
import { runRules } from './run.ts';

/**
 * Judges a migration's ops. Intent rules read the ops against `before` (drops, renames, required columns, type
 * changes, enum values); mechanics rules read `ctx.statements`, the dialect's compiled SQL (concurrency, NOT VALID,
 * lock timeouts, rebuilds), and stay silent when it is absent.
 */
export function lintOps(ops: MigrationOp[], ctx: LintOpsContext): Finding[] {
  const intent = changesFromOps(ops, ctx.before, ctx.dialect, ctx.rawSql);
  const mechanics = ctx.statements ? changesFromStatements(ctx.statements) : [];
  return runRules({ dialect: ctx.dialect, capabilities: ctx.capabilities ?? null, intent, mechanics });
}

/** What the lint needs to know about a loaded dialect. */
export function lintCapabilities(dialect: Pick<Dialect, 'capabilities'> & { migrations?: Pick<MigrationDialect, 'lockTimeout'> }): LintCapabilities {
  return {
    enums: dialect.capabilities.enums,
    concurrentIndexes: dialect.capabilities.concurrentIndexes,
    lockTimeout: Boolean(dialect.migrations?.lockTimeout),
  };
}

export { RULES } from './rules/index.ts';
export { lintPostgresSql, SYNTAX_ERROR_RULE } from './postgres-sql.ts';
export { classifyTypeChange, type TypeChange } from './type-change.ts';
export { findTransactionControl, type TransactionControl } from './transaction-control.ts';
export type { Change, LintCapabilities, LintOpsContext, LintRule } from './rule.ts';
