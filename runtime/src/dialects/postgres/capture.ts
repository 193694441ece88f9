import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { CHANGE_TABLE, type CaptureDialect, type CaptureTable, type CapturedChange, type KeyedWrite, runsOf } from '../change-capture.ts';
import type { TableRef } from '../copy-support.ts';
import { READ_SETTINGS } from './copy-support.ts';

const TRIGGER = 'byos_capture';
const TRUNCATE_GUARD = 'byos_capture_truncate';
/** Postgres binds at most 65535 parameters per statement. */
const MAX_PARAMS = 60000;

/**
 * Trigger capture for Postgres: one plpgsql function shared by every captured table, in every schema; the trigger's
 * arguments are the table's name as the change table records it, then its key columns (a partitioned table's
 * trigger is cloned onto each partition with the same arguments, so a change to a partition is recorded as its
 * table's). `row_to_json` for the image. Key values are stored as text (`->>`), so a bigint or numeric key survives
 * JSON intact. TRUNCATE fires no row trigger, so it is refused while capture is on.
 */
export const postgresCapture: CaptureDialect = {
  schemas: true,
  async install({ db }, tables) {
    await db.transaction().execute(async (trx) => {
      // Two installers at once (a resumed switch next to a stale one) must not race on CREATE OR REPLACE.
      await sql`select pg_advisory_xact_lock(hashtext('byos_capture_install'))`.execute(trx);
      await sql`create table if not exists ${sql.id(CHANGE_TABLE)} (
        seq bigint generated always as identity primary key,
        table_name text not null,
        op char(1) not null check (op in ('I', 'U', 'D')),
        pk jsonb not null,
        "row" json,
        captured_at timestamptz not null default now()
      )`.execute(trx);
      const schema = await currentSchema(trx);
      const changes = sql`${sql.id(schema)}.${sql.id(CHANGE_TABLE)}`;
      await sql`create or replace function ${sql.id(schema)}.byos_capture() returns trigger language plpgsql as $body$
        declare
          old_pk jsonb;
          new_pk jsonb;
        begin
          if tg_op in ('UPDATE', 'DELETE') then
            select jsonb_object_agg(c, to_jsonb(old) ->> c) into old_pk from unnest(tg_argv[1:]) as c;
          end if;
          if tg_op in ('INSERT', 'UPDATE') then
            select jsonb_object_agg(c, to_jsonb(new) ->> c) into new_pk from unnest(tg_argv[1:]) as c;
          end if;
          if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old_pk is distinct from new_pk) then
            insert into ${changes} (table_name, op, pk, "row") values (tg_argv[0], 'D', old_pk, null);
          end if;
          if tg_op <> 'DELETE' then
            insert into ${changes} (table_name, op, pk, "row")
            values (tg_argv[0], case when tg_op = 'INSERT' then 'I' else 'U' end, new_pk, row_to_json(new));
          end if;
          return null;
        end
      $body$`.execute(trx);
      await sql`create or replace function ${sql.id(schema)}.byos_capture_truncate() returns trigger language plpgsql as $body$
        begin
          raise exception 'TRUNCATE of % is refused while byos change capture is on (row triggers cannot see it); delete the rows instead', tg_table_name;
        end
      $body$`.execute(trx);
    });
    const schema = await currentSchema(db);
    for (const table of tables) {
      const args = sql.join([table.name, ...table.primaryKey].map((c) => sql.lit(c)));
      await withShortLocks(db, async (trx) => {
        await sql`create or replace trigger ${sql.id(TRIGGER)} after insert or update or delete on ${tableId(table.ref)}
          for each row execute function ${sql.id(schema)}.byos_capture(${args})`.execute(trx);
        await sql`create or replace trigger ${sql.id(TRUNCATE_GUARD)} before truncate on ${tableId(table.ref)}
          for each statement execute function ${sql.id(schema)}.byos_capture_truncate()`.execute(trx);
      });
    }
  },

  async uninstall({ db }, tables, options) {
    const refs = await installedRefs(db);
    for (const table of tables) {
      const ref = refs.get(table);
      if (!ref) continue;
      await withShortLocks(db, async (trx) => {
        await sql`drop trigger if exists ${sql.id(TRIGGER)} on ${tableId(ref)}`.execute(trx);
        await sql`drop trigger if exists ${sql.id(TRUNCATE_GUARD)} on ${tableId(ref)}`.execute(trx);
      });
    }
    if (options?.dropTable) {
      await withShortLocks(db, async (trx) => {
        const left = [...(await installedRefs(trx)).keys()];
        if (left.length) throw new Error(`cannot drop ${CHANGE_TABLE}: capture is still on for ${left.join(', ')}`);
        await sql`drop table if exists ${sql.id(CHANGE_TABLE)}`.execute(trx);
        await sql`drop function if exists byos_capture()`.execute(trx);
        await sql`drop function if exists byos_capture_truncate()`.execute(trx);
      });
    }
  },

  installed: async ({ db }) => [...(await installedRefs(db)).keys()].sort(),

  async read({ db }, limit) {
    if (!(await changeTableExists(db))) return [];
    const rows = await sql<{ seq: string; table_name: string; op: CapturedChange['op']; pk: Record<string, unknown> }>`
      select seq, table_name, op, pk from ${sql.id(CHANGE_TABLE)} order by seq limit ${limit}`.execute(db);
    return rows.rows.map((r) => ({ seq: Number(r.seq), table: r.table_name, op: r.op, pk: r.pk }));
  },

  async readRows({ native }, table, keys) {
    if (!keys.length) return [];
    const pool = native as pg.Pool;
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(typeof v === 'bigint' ? v.toString() : v);
      return `$${params.length}`;
    };
    const columns = table.columns.map((c) =>
      table.kinds[c] === 'array' ? `to_json(${quoteIdent(c)})::text` : table.kinds[c] === 'money' ? `${quoteIdent(c)}::numeric` : quoteIdent(c),
    );
    const tuples = keys.map((k) => `(${table.primaryKey.map((c) => bind(k[c])).join(', ')})`).join(', ');
    const text = `SELECT ${columns.join(', ')} FROM ${refText(table.ref)} WHERE (${table.primaryKey.map(quoteIdent).join(', ')}) IN (${tuples})`;
    const client = await pool.connect();
    let broken = false;
    try {
      // The copy reader's output settings, so replayed values are the same text a copied row had.
      await client.query(READ_SETTINGS);
      const result = await client.query({ text, values: params, rowMode: 'array', types: RAW_TEXT });
      await client.query('COMMIT');
      return result.rows as unknown[][];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken ? true : undefined);
    }
  },

  async acknowledge({ db }, seqs) {
    if (!seqs.length) return;
    await sql`delete from ${sql.id(CHANGE_TABLE)} where seq = any(${seqs.map(String)}::bigint[])`.execute(db);
  },

  async pending({ db }) {
    if (!(await changeTableExists(db))) return 0;
    const r = await sql<{ n: string }>`select count(*) as n from ${sql.id(CHANGE_TABLE)}`.execute(db);
    return Number(r.rows[0]!.n);
  },

  async apply({ db }, writes) {
    if (!writes.length) return;
    await db.transaction().execute(async (trx) => {
      // Foreign keys declared DEFERRABLE are checked at commit, so a batch may touch child before parent.
      await sql`set constraints all deferred`.execute(trx);
      // A policy must not quietly filter what a replay updates or deletes: with row_security off it fails instead.
      await sql`set local row_security = off`.execute(trx);
      await asReplica(trx, writes);
      for (const run of runsOf(writes, 1000)) {
        const table = run[0]!.table;
        if (run[0]!.kind === 'delete')
          await deleteKeys(
            trx,
            table,
            run.map((w) => (w as { pk: Record<string, unknown> }).pk),
          );
        else
          await upsertRows(
            trx,
            table,
            run.map((w) => (w as { row: Record<string, unknown> }).row),
          );
      }
    });
  },

  async syncIdentity({ db }, tables) {
    for (const table of tables) {
      for (const column of table.identity) {
        // setval(…, max, true) makes the next value max + 1; an empty table starts again at 1.
        await sql`select setval(seq, coalesce(m, 1), m is not null)
          from (select pg_get_serial_sequence(${sql.lit(refText(table.ref))}, ${sql.lit(column)}) as seq) s,
               (select max(${sql.id(column)})::bigint as m from ${tableId(table.ref)}) t
          where seq is not null`.execute(db);
      }
    }
  },
};

/** Every value as the server's text (as dialects/postgres/copy-support.ts reads it). */
const RAW_TEXT = { getTypeParser: () => (text: string) => text };

async function currentSchema(db: Kysely<any>): Promise<string> {
  return (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s;
}

/**
 * Runs DDL that locks one table at a time with a short lock_timeout, retried: a trigger created while writers run
 * waits for their transactions, and must give way rather than deadlock with one (Postgres would abort the writer).
 */
async function withShortLocks(db: Kysely<any>, work: (trx: Kysely<any>) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = '200ms'`.execute(trx);
        await work(trx);
      });
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== '55P03' && code !== '40P01') || attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, Math.min(20 * attempt, 500)));
    }
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Captured tables by the name the change table records, with where each is. Triggers cloned onto partitions
 * are their table's, not tables of their own.
 */
async function installedRefs(db: Kysely<any>): Promise<Map<string, TableRef>> {
  const r = await sql<{ schema: string; name: string; current: boolean }>`select n.nspname as schema, c.relname as name, n.nspname = current_schema() as current
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where t.tgname = ${TRIGGER} and t.tgparentid = 0`.execute(db);
  return new Map(r.rows.map((x) => [x.current ? x.name : `${x.schema}.${x.name}`, x.current ? { name: x.name } : { schema: x.schema, name: x.name }]));
}

/** A table in SQL: schema-qualified when it is not in the default schema. */
function tableId(ref: TableRef) {
  return ref.schema ? sql`${sql.id(ref.schema)}.${sql.id(ref.name)}` : sql.id(ref.name);
}

function refText(ref: TableRef): string {
  return ref.schema ? `${quoteIdent(ref.schema)}.${quoteIdent(ref.name)}` : quoteIdent(ref.name);
}

/**
 * Replayed writes are the source's own results: the tenant's triggers already ran there (an audit trigger wrote its
 * rows, which are replayed too), so they must not run again here. `session_replication_role = replica` does that, as
 * logical replication does; it needs a superuser or `GRANT SET ON PARAMETER session_replication_role`. Without it,
 * a target whose captured tables have no triggers of their own (a fresh neutral copy) is replayed as it is.
 */
async function asReplica(trx: Kysely<any>, writes: readonly KeyedWrite[]): Promise<void> {
  await sql`savepoint byos_replica`.execute(trx);
  try {
    await sql`set local session_replication_role = replica`.execute(trx);
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    await sql`rollback to savepoint byos_replica`.execute(trx);
  }
  const tables = [...new Set(writes.map((w) => refText(w.table.ref)))];
  const own = await sql<{ t: string }>`select tgrelid::regclass::text as t from pg_trigger
    where not tgisinternal and tgname not like 'byos_capture%' and tgenabled <> 'D' and tgrelid = any(${tables}::regclass[]) limit 1`.execute(trx);
  if (own.rows.length) {
    throw new Error(
      `cannot replay into ${own.rows[0]!.t} without firing its triggers again: the target's user needs session_replication_role (a superuser, or GRANT SET ON PARAMETER session_replication_role TO it)`,
    );
  }
}

async function changeTableExists(db: Kysely<any>): Promise<boolean> {
  const r = await sql<{ t: string | null }>`select to_regclass(${quoteIdent(CHANGE_TABLE)})::text as t`.execute(db);
  return r.rows[0]?.t != null;
}

/** A value as node-postgres should bind it for this column: json kinds as JSON text (pg would turn an array into an array literal). */
function encode(value: unknown, kind: string | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'json' && typeof value !== 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  // node-postgres sends a Buffer as bytea, but a plain Uint8Array as JSON.
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

async function upsertRows(db: Kysely<any>, table: CaptureTable, rows: Record<string, unknown>[]): Promise<void> {
  const columns = table.columns;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const keySet = new Set(table.primaryKey);
  const rest = columns.filter((c) => !keySet.has(c));
  const onConflict = rest.length ? sql`do update set ${sql.join(rest.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`))}` : sql`do nothing`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const values = sql.join(chunk.map((row) => sql`(${sql.join(columns.map((c) => encode(row[c], table.kinds[c])))})`));
    // OVERRIDING SYSTEM VALUE: the source's identity values are kept, also for GENERATED ALWAYS columns.
    await sql`insert into ${tableId(table.ref)} (${sql.join(columns.map((c) => sql.id(c)))}) overriding system value values ${values}
      on conflict (${sql.join(table.primaryKey.map((c) => sql.id(c)))}) ${onConflict}`.execute(db);
  }
}

async function deleteKeys(db: Kysely<any>, table: CaptureTable, keys: Record<string, unknown>[]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / table.primaryKey.length));
  const cols = sql.join(table.primaryKey.map((c) => sql.id(c)));
  for (let i = 0; i < keys.length; i += perStatement) {
    const tuples = sql.join(keys.slice(i, i + perStatement).map((k) => sql`(${sql.join(table.primaryKey.map((c) => k[c]))})`));
    await sql`delete from ${tableId(table.ref)} where (${cols}) in (${tuples})`.execute(db);
  }
}
