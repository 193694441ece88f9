/**
 * The SQL one dialect needs for the tamper-evident audit trail (guard/audit). Triggers cannot compute SHA-256
 * portably, so they only append unchained rows to `byos_audit_staging`; the runtime's `sealAudit()` moves them into
 * the hash chain `byos_audit`. Each dialect implements this in dialects/<name>/audit.ts.
 */
export interface AuditTableRef {
  name: string;
  /** Column names, for dialects whose triggers must list them (SQLite). */
  columns: readonly string[];
}

export interface AuditDialect {
  /**
   * Creates, when missing: `byos_audit_staging` (id identity, at, actor, action, subject, details) with defaults for
   * `at` (UTC ISO-8601 text) and `actor` (the session's user or `byos.actor` setting), and the chain table
   * `byos_audit` (seq, at, actor, action, subject, details, prev_hash, hash) guarded against UPDATE and DELETE.
   */
  createTables(): string[];
  /** Installs (or replaces) row-change capture on one table: each INSERT/UPDATE/DELETE stages `data.<op>` with old/new rows as JSON. */
  captureTable(table: AuditTableRef): string[];
  /** Removes the capture installed by captureTable. */
  dropCapture(table: Pick<AuditTableRef, 'name'>): string[];
  /**
   * Removes the append-only guard on `byos_audit` (an owner can always do this; the hash chain is what detects
   * tampering afterwards). Used by tests that play an attacker, and by `byos audit` when the operator archives.
   */
  dropAppendOnlyGuard(): string[];
}
