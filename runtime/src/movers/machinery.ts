import { CHANGE_TABLE } from '../dialects/change-capture.ts';
import { DEFAULT_CHECKPOINT_TABLE, SWITCH_CHECKPOINT_TABLE } from './copy/checkpoint.ts';

/**
 * BYOS's own tables in a tenant database, in its default schema: the change capture queue and the copies'
 * checkpoints. They are machinery, not the tenant's: a copy does not carry them and verification does not compare them.
 */
export const MACHINERY_TABLES: readonly string[] = [CHANGE_TABLE, DEFAULT_CHECKPOINT_TABLE, SWITCH_CHECKPOINT_TABLE];

/** Functions and triggers of the change capture start with this. */
export const MACHINERY_ROUTINE_PREFIX = 'byos_capture';
