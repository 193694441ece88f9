import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DIALECTS, type DialectName } from '../contracts/connection-profile.ts';
import type { MigrationOp } from '../contracts/migration-op.ts';
import type { SchemaModel } from '../contracts/schema-model.ts';
import { loadDialect } from '../dialects/index.ts';
import { describeWriteError, openOutputFile } from '../movers/output-file.ts';
import { dataLiteral, stringLiteral } from '../util/code-text.ts';
import { liveModel, type MigrationContext, migrationContext, type MigrationTenant } from './execute.ts';
import { loadMigrations, type Migration } from './files.ts';
import { journalExists, readJournal } from './journal.ts';
import { type MigrationPlan, planOne } from './plan.ts';
import { impliedModel, startingModel } from './runner.ts';
import { opsFromSentence } from './sentence/index.ts';

/**
 * Writing migrations from sentences, shared by `byos migrate new` and the console's migration box: the next id,
 * the file name, the file's text, and the per-dialect preview of what the new migration would run.
 */

/** One more than the highest id, as wide as the widest existing id (at least 4 digits). */
export function nextId(existing: readonly Pick<Migration, 'id'>[]): string {
  const max = existing.reduce((m, e) => (BigInt(e.id) > m ? BigInt(e.id) : m), 0n);
  const width = Math.max(4, ...existing.map((e) => e.id.length));
  return (max + 1n).toString().padStart(width, '0');
}

/** `add_a_required_column_email_text_to_customers`: letters and digits of the sentence, at most 60 characters. */
export function slug(sentence: string): string {
  const words = sentence
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  // Cut at a word boundary, so the name does not end in half a word.
  const cut = words.length <= 60 ? words : (/^(.+)_/.exec(words.slice(0, 61))?.[1] ?? words.slice(0, 60));
  return cut || 'migration';
}

/**
 * The migration file: the ops as data, typed for the editor, the sentence kept as a comment. Both go through
 * escapeForCode (util/code-text.ts): a sentence or a name holding U+2028 would otherwise end the comment line, and
 * what followed it would run whenever the folder is loaded.
 */
export function migrationSource(sentence: string, ops: MigrationOp[]): string {
  return [
    `// Written by: byos migrate new ${stringLiteral(sentence)}`,
    "import type { MigrationOpInput } from '@byos/runtime';",
    '',
    'export default {',
    `  ops: ${dataLiteral(ops, '  ')} satisfies MigrationOpInput[],`,
    '};',
    '',
  ].join('\n');
}

/** Writes `dir/fileName` (the folder created if missing), all or nothing, never over an existing file. */
export async function writeMigration(dir: string, fileName: string, sentence: string, ops: MigrationOp[]): Promise<string> {
  const file = join(dir, fileName);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw describeWriteError(dir, error);
  }
  // All or nothing (a full disk leaves no half-written migration to break the folder), and never over a migration
  // someone wrote meanwhile under the same id.
  const out = await openOutputFile(file, { overwrite: false });
  try {
    await out.write(migrationSource(sentence, ops));
  } catch (error) {
    await out.discard();
    throw error;
  }
  await out.commit();
  return file;
}

/** Raw SQL migrations change the schema in ways the implied model does not follow. */
export const hasRawSql = (existing: readonly Migration[]) => existing.some((m) => m.ops.some((op) => op.op === 'sql'));

/**
 * The schema the folder's migrations imply (read as Postgres would build it), or null when the folder has none or
 * its migrations do not apply (the sentence is then read without it, and the plan says what is wrong).
 */
export async function folderSchema(existing: readonly Migration[]): Promise<SchemaModel | null> {
  if (!existing.length) return null;
  try {
    return impliedModel(migrationContext(await loadDialect('postgres')), existing);
  } catch {
    return null;
  }
}

/** The folder's migrations, or none when the folder does not exist yet. */
export async function folderMigrations(dir: string): Promise<Migration[]> {
  return existsSync(dir) ? loadMigrations(dir) : [];
}

/**
 * Writes the migration a sentence describes into `dir`, numbered after what is there and read against the schema
 * its migrations imply, as `migrate new` does without the previews. Returns the file written.
 */
export async function writeSentenceMigration(dir: string, sentence: string): Promise<string> {
  const existing = await folderMigrations(dir);
  const options = { schema: await folderSchema(existing), partial: hasRawSql(existing) };
  return writeMigration(dir, `${nextId(existing)}_${slug(sentence)}.ts`, sentence, opsFromSentence(sentence, options));
}

/** What a new migration would run on one dialect. */
export interface DialectPreview {
  dialect: DialectName;
  /** Present when the ops compile against the schema they start from. */
  plan?: Pick<MigrationPlan, 'steps' | 'rollback' | 'irreversible' | 'lossy' | 'findings'>;
  error?: string;
}

/**
 * The new migration `{ id, name, ops }` planned on each dialect: its SQL, rollback, lint findings, or why it does
 * not compile, against the schema `before(ctx)` gives for that dialect.
 */
export async function previewMigration(
  migration: Pick<Migration, 'id' | 'name' | 'ops'>,
  before: (ctx: MigrationContext) => SchemaModel,
  dialects: readonly DialectName[] = DIALECTS,
): Promise<DialectPreview[]> {
  const previews: DialectPreview[] = [];
  for (const dialect of dialects) {
    const ctx = migrationContext(await loadDialect(dialect));
    try {
      const { steps, rollback, irreversible, lossy, findings } = planOne(ctx, migration, before(ctx));
      previews.push({ dialect, plan: { steps, rollback, irreversible, lossy, findings } });
    } catch (error) {
      // The new migration's own label says nothing the message needs: it has no file yet.
      const label = `${migration.id}_${migration.name}`;
      previews.push({ dialect, error: (error as Error).message.replace(`migration ${label}, `, '').replace(`migration ${label}: `, '') });
    }
  }
  return previews;
}

/**
 * The schema a tenant will have once every migration of the folder ran (applied and pending alike), from where its
 * migrations start (the recorded baseline, or the live schema of a database no migration touched yet), and its live
 * schema (how existing names are spelled). A new migration for this tenant is read and planned against it.
 */
export async function tenantModelAfter(tenant: MigrationTenant, migrations: readonly Migration[]): Promise<{ model: SchemaModel; live: SchemaModel }> {
  const ctx = migrationContext(tenant.dialect);
  const applied = (await journalExists(tenant.db)) ? await readJournal(tenant.db) : [];
  const starting = await startingModel(ctx, tenant.db, applied.length);
  return { model: impliedModel(ctx, migrations, starting), live: await liveModel(ctx, tenant.db) };
}
