import type { MigrationOpInput } from '../../contracts/migration-op.ts';
import { COLUMN_FORMS } from './forms-columns.ts';
import { KEY_FORMS } from './forms-keys.ts';
import { TABLE_FORMS } from './forms-tables.ts';
import { TYPE_FORMS } from './forms-types.ts';
import type { Captures } from './match.ts';
import type { Resolver } from './schema.ts';

/** One thing the builder understands: its phrasings (see match.ts for the pattern syntax) and the ops it makes. */
export interface SentenceForm {
  id: string;
  /** Shown in the "closest forms" list. */
  example: string;
  patterns: string[];
  /** The ops, with names resolved through `r` (which counts what does not fit the folder's schema). */
  build(c: Captures, r: Resolver): MigrationOpInput[];
}

/**
 * Every form, by area: tables, columns (add, drop, rename, type, required, default), keys and indexes, enums
 * and checks. Of the readings that fit the folder's schema equally well, the earlier form wins.
 */
export const FORMS: SentenceForm[] = [...TABLE_FORMS, ...COLUMN_FORMS, ...KEY_FORMS, ...TYPE_FORMS];
