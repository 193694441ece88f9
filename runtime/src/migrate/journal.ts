import type { Kysely } from 'kysely';
import type { DialectName } from '../contracts/connection-profile.ts';
import type { SchemaModel } from '../contracts/schema-model.ts';
import { compareIds } from './files.ts';

/** The table recording applied migrations, in the tenant's default schema. */
export const JOURNAL_TABLE = 'byos_migrations';

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

/** Whether the journal exists, from a model of the database. */
export function hasJournal(model: SchemaModel): boolean {
  return model.tables.some((t) => t.schema === model.defaultSchema && t.name === JOURNAL_TABLE);
}

/** The model without the journal table: what the migrations themselves made. */
export function withoutJournal(model: SchemaModel): SchemaModel {
  return { ...model, tables: model.tables.filter((t) => !(t.schema === model.defaultSchema && t.name === JOURNAL_TABLE)) };
}

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
