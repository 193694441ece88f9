import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { type FenceDialect, fenceMessage } from '../fence.ts';

const TRIGGER = 'byos_fence';
const FUNCTION = 'byos_fence_refuse';
/** SQLSTATE read_only_sql_transaction: drivers and poolers already treat it as "retry elsewhere". */
const REFUSAL = '25006';
/** The advisory lock a raised (not yet held) fence keeps on the switch's own session: (hashtext('byos_fence'), 0). */
const LOCK = sql`hashtext('byos_fence'), 0`;

/** The session holding each pool's fence lock: the fence lives as long as it, until `hold` makes it durable. */
const sessions = new WeakMap<object, { client: pg.PoolClient; tenant: string }>();

/**
 * The Postgres fence is a statement-level BEFORE INSERT/UPDATE/DELETE/TRUNCATE trigger on every moved table,
 * raising SQLSTATE 25006 with a message naming the tenant move. Chosen over the alternatives because:
 * - it refuses writers of every process and role, including ones that connect after it is raised, and nothing
 *   else: the change table (which the final drain reads and acknowledges) and the switch's own reads stay open;
 * - CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock, which waits for transactions that already wrote the table, so
 *   once it is up every write committed before it has been captured and nothing later can be (no backend killing);
 * - the table owner may create it: no superuser, works on managed providers. Revoking privileges misses the owner
 *   role (which applications often use), and `ALTER DATABASE … default_transaction_read_only` reaches new sessions
 *   only, needs pg_terminate_backend of the old ones (a privilege managed providers restrict), and any session may
 *   override it with SET;
 * - it is a plain object: dropped by name on rollback or resume, and it stays (refusing) on the old database after
 *   the flip without holding anything open.
 * Until the flip the trigger refuses only while the switch's session holds an advisory lock, so a switch that dies
 * in its pause releases the writers with its connection instead of leaving the tenant refusing writes; `hold`
 * (after the flip) makes the refusal unconditional.
 */
export const postgresFence: FenceDialect = {
  async raise({ db, native }, { tenant, tables, timeoutMs }) {
    const pool = native as pg.Pool;
    if (!sessions.has(pool)) {
      const client = await pool.connect();
      try {
        await client.query(`set lock_timeout = '${Math.max(1, Math.round(timeoutMs))}ms'`);
        await client.query(`select pg_advisory_lock(hashtext('byos_fence'), 0)`);
        await client.query('reset lock_timeout');
      } catch (error) {
        client.release(true);
        throw fenceTimeout(error, timeoutMs);
      }
      sessions.set(pool, { client, tenant });
    }
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await db.transaction().execute(async (trx) => {
          // Short lock waits, retried: an application transaction holding one table and wanting another must not
          // deadlock with the fence (Postgres would abort one of them after a second).
          await sql.raw(`set local lock_timeout = '${Math.max(50, Math.min(500, timeoutMs))}ms'`).execute(trx);
          const schema = await currentSchema(trx);
          await refusal(trx, schema, tenant, false);
          for (const table of tables) {
            const target = table.ref.schema ? sql`${sql.id(table.ref.schema)}.${sql.id(table.ref.name)}` : sql.id(table.ref.name);
            await sql`drop trigger if exists ${sql.id(TRIGGER)} on ${target}`.execute(trx);
            await sql`create trigger ${sql.id(TRIGGER)} before insert or update or delete or truncate on ${target}
              for each statement execute function ${sql.id(schema)}.${sql.id(FUNCTION)}()`.execute(trx);
          }
        });
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if ((code === '55P03' || code === '40P01') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, Math.min(10 * attempt, 100)));
          continue;
        }
        await postgresFence.lower({ db, native });
        throw fenceTimeout(error, timeoutMs);
      }
    }
  },

  async hold({ db, native }) {
    const session = sessions.get(native as object);
    if (!session) return;
    await refusal(db, await currentSchema(db), session.tenant, true);
    await release(native as object);
  },

  async lower({ db, native }) {
    try {
      await db.transaction().execute(async (trx) => {
        for (const { schema, name } of await fencedTables(trx))
          await sql`drop trigger if exists ${sql.id(TRIGGER)} on ${sql.id(schema)}.${sql.id(name)}`.execute(trx);
        await sql`drop function if exists ${sql.id(await currentSchema(trx))}.${sql.id(FUNCTION)}()`.execute(trx);
      });
    } finally {
      // Released either way: the lock's session ending is what lets writers through, and closing the pool waits for it.
      await release(native as object);
    }
  },

  async isRaised({ db }) {
    return (await fencedTables(db)).length > 0;
  },
};

/** The trigger function: refuses while the switch's session holds the lock, or always once the fence is held. */
async function refusal(db: Kysely<any>, schema: string, tenant: string, always: boolean): Promise<void> {
  const raise = sql`raise exception using errcode = ${sql.lit(REFUSAL)}, message = ${sql.lit(fenceMessage(tenant))},
    hint = 'retry the write: it reaches the tenant''s new database through its router once the switch flips it'`;
  const body = always ? raise : sql`if not pg_try_advisory_xact_lock_shared(${LOCK}) then ${raise}; end if`;
  await sql`create or replace function ${sql.id(schema)}.${sql.id(FUNCTION)}() returns trigger language plpgsql as $body$
    begin ${body}; return null; end
  $body$`.execute(db);
}

async function release(pool: object): Promise<void> {
  const client = sessions.get(pool)?.client;
  if (!client) return;
  sessions.delete(pool);
  try {
    await client.query(`select pg_advisory_unlock(hashtext('byos_fence'), 0)`);
    client.release();
  } catch {
    client.release(true);
  }
}

function fenceTimeout(error: unknown, timeoutMs: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === '55P03' || code === '40P01')
    return new Error(`the write fence could not be raised within ${timeoutMs} ms: a transaction in another process kept writing`);
  return error;
}

async function currentSchema(db: Kysely<any>): Promise<string> {
  return (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s;
}

async function fencedTables(db: Kysely<any>): Promise<{ schema: string; name: string }[]> {
  const r = await sql<{ schema: string; name: string }>`select n.nspname as schema, c.relname as name
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where t.tgname = ${TRIGGER} and not t.tgisinternal`.execute(db);
  return r.rows;
}
