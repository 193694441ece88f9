import { type Kysely, sql } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { type FenceDialect, fenceMessage } from '../fence.ts';

const PREFIX = 'byos_fence_';

/**
 * The SQLite fence: BEGIN EXCLUSIVE on the switch's own connection, held through the flip, so a writer of any other
 * process waits its busy timeout and gets SQLITE_BUSY; the switch's drain reads and acknowledges on that same
 * connection, inside the lock. Inside the same transaction it creates BEFORE INSERT/UPDATE/DELETE triggers raising
 * the refusal; `hold` (after the flip) commits them, so the old file keeps refusing writes once the lock is gone.
 * Lowering before the flip rolls the transaction back (the triggers vanish with it; acknowledgements made in the
 * pause are read again and replayed again, which is idempotent). A crash releases the lock and leaves no trigger.
 */
export const sqliteFence: FenceDialect = {
  async raise({ db, native }, { tenant, tables, timeoutMs }) {
    const handle = native as BetterSqlite3.Database;
    if (handle.inTransaction) return;
    await db.connection().execute(async (conn) => {
      const before = Number(handle.pragma('busy_timeout', { simple: true }));
      await sql.raw(`pragma busy_timeout = ${Math.max(0, Math.round(timeoutMs))}`).execute(conn);
      try {
        await sql`begin exclusive`.execute(conn);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY')
          throw new Error(`the write fence could not be raised within ${timeoutMs} ms: a transaction in another process kept writing`);
        throw error;
      } finally {
        await sql.raw(`pragma busy_timeout = ${before}`).execute(conn);
      }
      try {
        for (const statement of sqliteFenceStatements(
          tenant,
          tables.map((t) => t.name),
        ))
          await sql.raw(statement).execute(conn);
      } catch (error) {
        handle.exec('rollback');
        throw error;
      }
    });
  },

  async hold({ native }) {
    const handle = native as BetterSqlite3.Database;
    if (handle.inTransaction) handle.exec('commit');
  },

  async lower({ db, native }) {
    const handle = native as BetterSqlite3.Database;
    if (handle.inTransaction) handle.exec('rollback');
    for (const name of await fenceTriggers(db)) await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
  },

  async isRaised({ db, native }) {
    return (native as BetterSqlite3.Database).inTransaction || (await fenceTriggers(db)).length > 0;
  },
};

/** The triggers of a fence on `tables` (exported for tests). */
export function sqliteFenceStatements(tenant: string, tables: readonly string[]): string[] {
  const literal = `'${fenceMessage(tenant).replace(/'/g, "''")}'`;
  const id = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return tables.flatMap((table) =>
    (['insert', 'update', 'delete'] as const).map(
      (op) => `create trigger if not exists ${id(`${PREFIX}${table}_${op}`)} before ${op} on ${id(table)} begin select raise(abort, ${literal}); end`,
    ),
  );
}

async function fenceTriggers(db: Kysely<any>): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from sqlite_master where type = 'trigger' and name glob ${`${PREFIX}*`}`.execute(db);
  return r.rows.map((row) => row.name);
}
