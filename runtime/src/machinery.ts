/**
 * BYOS's own tables in a tenant database, in its default schema: the change capture queue (dialects/change-capture.ts
 * CHANGE_TABLE) and the copies' checkpoints (movers/copy/checkpoint.ts). They are machinery, not the tenant's: a copy
 * does not carry them, introspection does not list what belongs to them, and verification does not compare them.
 * (The migration journal, the key ring and the audit trail are the tenant's state and do travel.)
 */
export const MACHINERY_TABLES: readonly string[] = ['byos_changes', 'byos_copy_checkpoint', 'byos_switch_copy_checkpoint'];

/**
 * The change capture's functions (in the default schema) and triggers: their names, the same for both; and the
 * switch's write fence (dialects/postgres/fence.ts: trigger byos_fence, function byos_fence_refuse).
 */
export const MACHINERY_ROUTINES: readonly string[] = ['byos_capture', 'byos_capture_truncate', 'byos_fence', 'byos_fence_refuse'];

/**
 * What a schema reader leaves out as machinery in a database whose default schema is `defaultSchema`: the tables
 * and functions there (qualified, as the catalog quotes plain names), and the capture triggers by name.
 */
export function machineryIn(defaultSchema: string): { excludeTables: string[]; excludeRoutines: string[]; excludeTriggers: readonly string[] } {
  return {
    excludeTables: MACHINERY_TABLES.map((t) => `${defaultSchema}.${t}`),
    excludeRoutines: MACHINERY_ROUTINES.map((r) => `${defaultSchema}.${r}()`),
    excludeTriggers: MACHINERY_ROUTINES,
  };
}
