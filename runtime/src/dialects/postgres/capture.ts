import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { CHANGE_TABLE, type CaptureDialect, type CaptureTable, type CapturedChange, type KeyedWrite, runsOf } from '../change-capture.ts';

const TRIGGER = 'byos_capture';
const TRUNCATE_GUARD = 'byos_capture_truncate';
/** Postgres binds at most 65535 parameters per statement. */
const MAX_PARAMS = 60000;

/**
 * Trigger capture for Postgres: one plpgsql function shared by every captured table (the key columns are the
 * trigger's arguments), `row_to_json` for the image. Key values are stored as text (`->>`), so a bigint or numeric
 * key survives JSON intact. TRUNCATE fires no row trigger, so it is refused while capture is on.
 */
export const postgresCapture: CaptureDialect = {
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
            select jsonb_object_agg(c, to_jsonb(old) ->> c) into old_pk from unnest(tg_argv) as c;
          end if;
          if tg_op in ('INSERT', 'UPDATE') then
            select jsonb_object_agg(c, to_jsonb(new) ->> c) into new_pk from unnest(tg_argv) as c;
          end if;
          if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old_pk is distinct from new_pk) then
            insert into ${changes} (table_name, op, pk, "row") values (tg_table_name, 'D', old_pk, null);
          end if;
          if tg_op <> 'DELETE' then
            insert into ${changes} (table_name, op, pk, "row")
            values (tg_table_name, case when tg_op = 'INSERT' then 'I' else 'U' end, new_pk, row_to_json(new));
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
      const args = sql.join(table.primaryKey.map((c) => sql.lit(c)));
      await withShortLocks(db, async (trx) => {
        await sql`create or replace trigger ${sql.id(TRIGGER)} after insert or update or delete on ${sql.id(table.name)}
          for each row execute function ${sql.id(schema)}.byos_capture(${args})`.execute(trx);
        await sql`create or replace trigger ${sql.id(TRUNCATE_GUARD)} before truncate on ${sql.id(table.name)}
          for each statement execute function ${sql.id(schema)}.byos_capture_truncate()`.execute(trx);
      });
    }
  },

  async uninstall({ db }, tables, options) {
    for (const table of tables) {
      await withShortLocks(db, async (trx) => {
        await sql`drop trigger if exists ${sql.id(TRIGGER)} on ${sql.id(table)}`.execute(trx);
        await sql`drop trigger if exists ${sql.id(TRUNCATE_GUARD)} on ${sql.id(table)}`.execute(trx);
      });
    }
    if (options?.dropTable) {
      await withShortLocks(db, async (trx) => {
        const left = await installedTables(trx);
        if (left.length) throw new Error(`cannot drop ${CHANGE_TABLE}: capture is still on for ${left.join(', ')}`);
        await sql`drop table if exists ${sql.id(CHANGE_TABLE)}`.execute(trx);
        await sql`drop function if exists byos_capture()`.execute(trx);
        await sql`drop function if exists byos_capture_truncate()`.execute(trx);
      });
    }
  },

  installed: ({ db }) => installedTables(db),

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
    const columns = table.columns.map((c) => (table.kinds[c] === 'array' ? `to_json(${quoteIdent(c)})::text` : table.kinds[c] === 'money' ? `${quoteIdent(c)}::numeric` : quoteIdent(c)));
    const tuples = keys.map((k) => `(${table.primaryKey.map((c) => bind(k[c])).join(', ')})`).join(', ');
    const text = `SELECT ${columns.join(', ')} FROM ${quoteIdent(table.name)} WHERE (${table.primaryKey.map(quoteIdent).join(', ')}) IN (${tuples})`;
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
      for (const run of runsOf(writes, 1000)) {
        const table = run[0]!.table;
        if (run[0]!.kind === 'delete') await deleteKeys(trx, table, run.map((w) => (w as { pk: Record<string, unknown> }).pk));
        else await upsertRows(trx, table, run.map((w) => (w as { row: Record<string, unknown> }).row));
      }
    });
  },

  async syncIdentity({ db }, tables) {
    for (const table of tables) {
      for (const column of table.identity) {
        // setval(…, max, true) makes the next value max + 1; an empty table starts again at 1.
        await sql`select setval(seq, coalesce(m, 1), m is not null)
          from (select pg_get_serial_sequence(${sql.lit(quoteIdent(table.name))}, ${sql.lit(column)}) as seq) s,
               (select max(${sql.id(column)})::bigint as m from ${sql.id(table.name)}) t
          where seq is not null`.execute(db);
      }
    }
  },
};

/** Every value as the server's text (as dialects/postgres/copy-support.ts reads it). */
const RAW_TEXT = { getTypeParser: () => (text: string) => text };
const READ_SETTINGS =
  "BEGIN READ ONLY; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL TimeZone = 'UTC'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'";

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

async function installedTables(db: Kysely<any>): Promise<string[]> {
  const r = await sql<{ t: string }>`select distinct event_object_table as t from information_schema.triggers
    where trigger_name = ${TRIGGER} and event_object_schema = current_schema() order by 1`.execute(db);
  return r.rows.map((x) => x.t);
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
  const onConflict = rest.length
    ? sql`do update set ${sql.join(rest.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`))}`
    : sql`do nothing`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const values = sql.join(chunk.map((row) => sql`(${sql.join(columns.map((c) => encode(row[c], table.kinds[c])))})`));
    // OVERRIDING SYSTEM VALUE: the source's identity values are kept, also for GENERATED ALWAYS columns.
    await sql`insert into ${sql.id(table.name)} (${sql.join(columns.map((c) => sql.id(c)))}) overriding system value values ${values}
      on conflict (${sql.join(table.primaryKey.map((c) => sql.id(c)))}) ${onConflict}`.execute(db);
  }
}

async function deleteKeys(db: Kysely<any>, table: CaptureTable, keys: Record<string, unknown>[]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / table.primaryKey.length));
  const cols = sql.join(table.primaryKey.map((c) => sql.id(c)));
  for (let i = 0; i < keys.length; i += perStatement) {
    const tuples = sql.join(keys.slice(i, i + perStatement).map((k) => sql`(${sql.join(table.primaryKey.map((c) => k[c]))})`));
    await sql`delete from ${sql.id(table.name)} where (${cols}) in (${tuples})`.execute(db);
  }
}
