import type { Kysely } from 'kysely';
import type { DialectName } from '../contracts/connection-profile.ts';
import { SchemaModel } from '../contracts/schema-model.ts';
import { parseContract } from '../contracts/parse.ts';
import { compareIds } from './files.ts';

/** The table recording applied migrations, in the tenant's default schema. */
export const JOURNAL_TABLE = 'byos_migrations';

/**
 * The schema a database already had when migrations were first applied to it (an existing database adopted by
 * BYOS): one row holding the SchemaModel as JSON. The implied schema starts from it instead of from nothing, and
 * `down` to zero returns to it.
 */
export const BASELINE_TABLE = 'byos_migrations_baseline';

const INTERNAL = new Set([JOURNAL_TABLE, BASELINE_TABLE]);

/** One applied migration. */
export interface JournalEntry {
  id: string;
  name: string;
  /** sha256 of the file when it was applied. */
  checksum: string;
  /** ISO 8601, UTC. */
  appliedAt: string;
  durationMs: number;
  dialect: DialectName;
}

interface JournalRow {
  id: string;
  name: string;
  checksum: string;
  applied_at: string;
  duration_ms: number | string;
  dialect: string;
}

/**
 * Creates the journal if missing, through Kysely's schema builder (the same DDL on every engine). Portable column
 * types only: the applied time is ISO 8601 text, so every engine stores and returns it the same way. Run it under
 * the migration lock: two `IF NOT EXISTS` creates racing can still collide on Postgres.
 */
export async function ensureJournal(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable(JOURNAL_TABLE)
    .ifNotExists()
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('checksum', 'varchar(64)', (c) => c.notNull())
    .addColumn('applied_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('dialect', 'varchar(16)', (c) => c.notNull())
    .execute();
}

/** The model without the journal and baseline tables: the application's own schema. */
export function withoutJournal(model: SchemaModel): SchemaModel {
  return { ...model, tables: model.tables.filter((t) => !(t.schema === model.defaultSchema && INTERNAL.has(t.name))) };
}

/** Whether a table of that name exists (Kysely's portable introspection: one cheap catalog query). */
async function tableExists(db: Kysely<any>, name: string): Promise<boolean> {
  return (await db.introspection.getTables()).some((t) => t.name === name);
}

/** The recorded baseline, or null when the database was empty when first migrated. */
export async function readBaseline(db: Kysely<any>): Promise<SchemaModel | null> {
  if (!(await tableExists(db, BASELINE_TABLE))) return null;
  const row = (await db.selectFrom(BASELINE_TABLE).select('model').executeTakeFirst()) as { model: string } | undefined;
  return row ? parseContract(SchemaModel, 'migration baseline', JSON.parse(row.model), BASELINE_TABLE) : null;
}

/** Records `model` as the baseline (once: an existing baseline is kept). */
export async function recordBaseline(db: Kysely<any>, model: SchemaModel): Promise<void> {
  await db.schema
    .createTable(BASELINE_TABLE)
    .ifNotExists()
    .addColumn('id', 'varchar(16)', (c) => c.primaryKey())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('captured_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  if (await db.selectFrom(BASELINE_TABLE).select('id').executeTakeFirst()) return;
  await db
    .insertInto(BASELINE_TABLE)
    .values({ id: 'baseline', model: JSON.stringify(model), captured_at: new Date().toISOString() })
    .execute();
}

/** Whether the journal table exists. */
export const journalExists = (db: Kysely<any>) => tableExists(db, JOURNAL_TABLE);

/** Applied migrations, in id order. */
export async function readJournal(db: Kysely<any>): Promise<JournalEntry[]> {
  const rows = (await db.selectFrom(JOURNAL_TABLE).selectAll().execute()) as JournalRow[];
  return rows
    .map((r) => ({
      id: r.id,
      name: r.name,
      checksum: r.checksum,
      appliedAt: r.applied_at,
      durationMs: Number(r.duration_ms),
      dialect: r.dialect as DialectName,
    }))
    .sort((a, b) => compareIds(a.id, b.id));
}

export async function recordApplied(db: Kysely<any>, entry: JournalEntry): Promise<void> {
  await db
    .insertInto(JOURNAL_TABLE)
    .values({ id: entry.id, name: entry.name, checksum: entry.checksum, applied_at: entry.appliedAt, duration_ms: entry.durationMs, dialect: entry.dialect })
    .execute();
}

export async function recordReverted(db: Kysely<any>, id: string): Promise<void> {
  await db.deleteFrom(JOURNAL_TABLE).where('id', '=', id).execute();
}
