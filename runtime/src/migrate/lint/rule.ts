import type { DialectName } from '../../contracts/connection-profile.ts';
import type { Finding, Severity } from '../../contracts/finding.ts';
import type { NeutralType, SchemaModel } from '../../contracts/schema-model.ts';
import type { CompiledStatement, RawSqlSyntax } from '../../dialects/migration-dialect.ts';

/**
 * One schema change as the rules see it, whatever it came from: a portable op (what the author meant), a compiled
 * statement (what the dialect will run) or a raw Postgres statement (both at once). Rules judge only these, so the
 * op linter and the SQL linter apply the very same rules.
 */
export type Change = ChangeBase &
  (
    | { kind: 'create-table'; table: string }
    | { kind: 'drop-table'; table: string }
    | { kind: 'rename-table'; from: string; to: string }
    | { kind: 'drop-column'; table: string; column: string }
    | { kind: 'rename-column'; table: string; from: string; to: string }
    | {
        kind: 'add-column';
        table: string;
        column: string;
        required: boolean;
        /** A default (or identity, or generated expression) fills existing rows. */
        filled: boolean;
        /** The volatile expression that must be evaluated once per existing row, if any. */
        volatileDefault: string | null;
      }
    | {
        kind: 'alter-type';
        table: string;
        column: string;
        /** Known for ops (from the schema before); null for raw SQL. */
        from: NeutralType | null;
        to: NeutralType | null;
        /** The new type as written, for messages. */
        toText: string;
      }
    | { kind: 'set-not-null'; table: string; column: string }
    | { kind: 'create-index'; table: string; name: string; unique: boolean; concurrently: boolean }
    | { kind: 'drop-index'; name: string; concurrently: boolean }
    | {
        kind: 'add-constraint';
        table: string;
        name: string;
        constraint: 'foreign-key' | 'check' | 'unique' | 'primary-key' | 'exclude';
        /** Added without checking existing rows (`NOT VALID`, `WITH NOCHECK`). */
        notValid: boolean;
        /** Built on an existing index (`USING INDEX`). */
        usingIndex: boolean;
        /** Check constraints: the column a `col IS NOT NULL` check covers. */
        notNullColumn: string | null;
      }
    | { kind: 'validate-constraint'; table: string; name: string }
    | { kind: 'add-enum-value'; enum: string; value: string; positioned: boolean }
    | { kind: 'set-lock-timeout'; enabled: boolean }
    /** Raw SQL that commits, rolls back or opens a transaction, or cannot run inside one (VACUUM). */
    | { kind: 'transaction-control'; statement: string }
    /** Any other ALTER TABLE action (drop constraint, set default…): no rule of its own, but it takes the lock. */
    | { kind: 'alter-table'; table: string; action: string }
  );

interface ChangeBase {
  /** Where it was written: `op 3`, `statement 2`, `0004_x.sql:12`. */
  where: string;
  /** The table was created earlier in the same migration, so no one else holds it or has rows in it. */
  newTable: boolean;
  /** Takes a lock that queues every other session on the table (ACCESS EXCLUSIVE or SHARE). */
  strongLock: boolean;
  /** The runner bounds this statement's lock wait itself (compiled statement marked `strongLock`). */
  lockGuarded: boolean;
}

export type ChangeKind = Change['kind'];
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;

/** What the dialect can do, for rules whose verdict depends on it (never on the dialect's name). */
export interface LintCapabilities {
  /** Native enum types (a value added cannot be removed). */
  enums: boolean;
  /** Indexes can be built and dropped without blocking writes. */
  concurrentIndexes: boolean;
  /** Strong-lock waits can be bounded (`lock_timeout`), so an unbounded one is a finding. */
  lockTimeout: boolean;
}

export interface RuleContext {
  dialect: DialectName | null;
  capabilities: LintCapabilities | null;
  /** The author's intent (ops), or the raw SQL statements. */
  intent: Change[];
  /** What will run (compiled statements), or the raw SQL statements; empty when not compiled. */
  mechanics: Change[];
}

export interface Hit {
  change: Change;
  /** `customers.email`, `customers`, `index customers_email_idx`. */
  target: string;
  message: string;
}

/**
 * One lint rule, in its own file. `layer` says what it judges: `intent` rules read what the migration means
 * (drops, renames, types); `mechanics` rules read how it will run (locks, concurrency, validation).
 */
export interface LintRule {
  /** Stable kebab-case id, squawk's where squawk has the rule. */
  id: string;
  severity: Severity;
  layer: 'intent' | 'mechanics';
  /** One line: what the rule guards against (for docs and `--help`). */
  summary: string;
  /** The fix, in one sentence. */
  remediation: string;
  check(changes: Change[], ctx: RuleContext): Hit[];
}

export interface LintOpsContext {
  dialect: DialectName;
  /** The schema before the migration (tables it creates are new, so their changes block no one). */
  before: SchemaModel;
  /** The dialect's compiled SQL for these ops, in order; mechanics rules read it. */
  statements?: CompiledStatement[];
  /** From the loaded dialect (see `lintCapabilities`); rules that need one stay silent without it. */
  capabilities?: LintCapabilities;
  /** The dialect's raw SQL syntax (`MigrationDialect.rawSql`): `sql` ops are read for transaction control with it. */
  rawSql?: RawSqlSyntax;
}

export function hitsToFindings(rule: LintRule, hits: Hit[]): Finding[] {
  return hits.map((hit) => ({
    rule: rule.id,
    severity: rule.severity,
    subject: `${hit.change.where}: ${hit.target}`,
    message: hit.message,
    remediation: rule.remediation,
  }));
}

/** The changes of one kind, typed. */
export function changesOf<K extends ChangeKind>(changes: Change[], kind: K): ChangeOf<K>[] {
  return changes.filter((c): c is ChangeOf<K> => c.kind === kind);
}

/** `table.column`, for targets. */
export function columnTarget(table: string, column: string): string {
  return `${table}.${column}`;
}
