import type { CompiledStatement } from '../../migration-dialect.ts';
import { quoteIdent, quoteList, quoteLiteral } from './sql-text.ts';
import { createTableSql, type TableShape } from './table-shape.ts';

/** Scratch objects of a rebuild; temp ones live on the connection only and are dropped before it ends. */
const NEW_TABLE = 'byos_rebuild_new';
const SAVED = 'temp.byos_rebuild_saved';
const GUARD = 'temp.byos_rebuild_guard';

/** A temp table whose insert trigger raises the inserted message: how plain SQL fails with a sentence. */
const GUARD_STATEMENTS: CompiledStatement[] = [
  { sql: `CREATE TEMP TABLE IF NOT EXISTS byos_rebuild_guard (message TEXT NOT NULL)` },
  { sql: `CREATE TEMP TRIGGER IF NOT EXISTS byos_rebuild_guard_raise BEFORE INSERT ON byos_rebuild_guard BEGIN SELECT RAISE(ABORT, NEW.message); END` },
];

export interface RebuildOptions {
  /** Indexes of the old table not to recreate (they covered a dropped column). */
  dropIndexes?: readonly string[];
}

/**
 * SQLite's documented table rebuild (https://www.sqlite.org/lang_altertable.html#otheralter), as statements for the
 * migration's transaction: create the new definition under a scratch name, copy the rows, drop the old table,
 * rename the new one into place, recreate the old table's indexes and triggers from their own text, then check
 * every foreign key in the database.
 *
 * Foreign key enforcement must be off (PRAGMA foreign_keys cannot change inside a transaction, and with it on the
 * DROP TABLE would run ON DELETE actions of referencing tables); the runner holds the SQLite migration lock, which
 * turns it off, and the first statements refuse to go on if it is still on. The rename runs with
 * legacy_alter_table on so views naming the table do not fail the rename while it is briefly missing; views and
 * other tables' foreign keys name the table, so they see the new one once it is in place.
 */
export function rebuildTable(shape: TableShape, options: RebuildOptions = {}): CompiledStatement[] {
  const table = quoteIdent(shape.name);
  const label = quoteLiteral(`"${shape.name}"`);
  const copied = shape.columns.filter((c) => c.source !== null && !c.generated);
  const skip = (options.dropIndexes ?? []).map(quoteLiteral);
  if (!copied.length) throw new Error(`rebuilding table "${shape.name}": no column of the old table is left to copy the rows through`);
  return [
    ...GUARD_STATEMENTS,
    {
      sql:
        `INSERT INTO ${GUARD} SELECT 'rebuilding table ' || ${label} || ' needs PRAGMA foreign_keys = OFF outside the transaction ` +
        `(run it under the migration lock)' FROM pragma_foreign_keys WHERE foreign_keys`,
    },
    { sql: `DROP TABLE IF EXISTS ${SAVED}` },
    {
      // lower() folds ASCII only, as SQLite folds identifiers; autoindexes have no text and are rebuilt by the constraints.
      sql:
        `CREATE TEMP TABLE byos_rebuild_saved AS SELECT sql FROM main.sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ` +
        `AND lower(tbl_name) = lower(${quoteLiteral(shape.name)})${skip.length ? ` AND name NOT IN (${skip.join(', ')})` : ''} ORDER BY type = 'trigger', rowid`,
    },
    { sql: createTableSql(shape, NEW_TABLE) },
    {
      sql: `INSERT INTO main.${quoteIdent(NEW_TABLE)} (${quoteList(copied.map((c) => c.name))}) SELECT ${copied.map((c) => c.source).join(', ')} FROM main.${table}`,
    },
    { sql: `DROP TABLE main.${table}` },
    { sql: 'PRAGMA legacy_alter_table = ON' },
    { sql: `ALTER TABLE main.${quoteIdent(NEW_TABLE)} RENAME TO ${table}` },
    { sql: 'PRAGMA legacy_alter_table = OFF' },
    { sql: `SELECT sql FROM ${SAVED} ORDER BY rowid`, rowsAreStatements: true },
    { sql: `DROP TABLE ${SAVED}` },
    {
      sql:
        `INSERT INTO ${GUARD} SELECT 'foreign key violated after rebuilding table ' || ${label} || ': row ' || coalesce(rowid, '?') || ` +
        `' of "' || "table" || '" has no matching row in "' || parent || '"' FROM pragma_foreign_key_check LIMIT 1`,
    },
    { sql: `DROP TABLE ${GUARD}` },
  ];
}
