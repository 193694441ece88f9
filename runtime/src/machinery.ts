/**
 * BYOS's own tables in a tenant database, in its default schema: the change capture queue (dialects/change-capture.ts
 * CHANGE_TABLE) and the copies' checkpoints (movers/copy/checkpoint.ts). They are machinery, not the tenant's: a copy
 * does not carry them, introspection does not list what belongs to them, and verification does not compare them.
 * (The migration journal, the key ring and the audit trail are the tenant's state and do travel.)
 */
export const MACHINERY_TABLES: readonly string[] = ['byos_changes', 'byos_copy_checkpoint', 'byos_switch_copy_checkpoint'];

/** Functions and triggers of the change capture start with this. */
export const MACHINERY_ROUTINE_PREFIX = 'byos_capture';
