import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { CHANGE_TABLE, type CaptureDialect, type CaptureTable, type CapturedChange, runsOf } from '../change-capture.ts';

/** SQLite binds at most 32766 parameters per statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32). */
const MAX_PARAMS = 30000;
/** SQLite's capture triggers, one per table and event, are named with this (introspection leaves them out). */
export const CAPTURE_TRIGGER_PREFIX = 'byos_capture_';
const PREFIX = CAPTURE_TRIGGER_PREFIX;
const OPS = [
  ['insert', 'i'],
  ['update', 'u'],
  ['delete', 'd'],
] as const;

/**
 * Trigger capture for SQLite: AFTER INSERT/UPDATE/DELETE triggers per table writing `json_object` images. A BLOB
 * cannot go into JSON, so blob values appear in the image as hex text (the replay reads the row itself, not the image).
 */
export const sqliteCapture: CaptureDialect = {
  schemas: false,
  async install({ db }, tables) {
    await db.transaction().execute(async (trx) => {
      await sql`create table if not exists ${sql.id(CHANGE_TABLE)} (
        seq integer primary key autoincrement,
        table_name text not null,
        op text not null check (op in ('I', 'U', 'D')),
        pk text not null,
        "row" text,
        captured_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      )`.execute(trx);
      for (const table of tables) {
        for (const [event] of OPS) await sql`drop trigger if exists ${sql.id(triggerName(table.name, event))}`.execute(trx);
        const name = sql.lit(table.name);
        const key = (ref: 'new' | 'old') => sql`json_object(${sql.join(table.primaryKey.map((c) => sql`${sql.lit(c)}, ${sql.raw(ref)}.${sql.id(c)}`))})`;
        const image = sql`json_object(${sql.join(
          table.columns.map((c) => sql`${sql.lit(c)}, case when typeof(new.${sql.id(c)}) = 'blob' then hex(new.${sql.id(c)}) else new.${sql.id(c)} end`),
        )})`;
        const keyChanged = sql.join(
          table.primaryKey.map((c) => sql`old.${sql.id(c)} is not new.${sql.id(c)}`),
          sql` or `,
        );
        await sql`create trigger ${sql.id(triggerName(table.name, 'insert'))} after insert on ${sql.id(table.name)} begin
          insert into ${sql.id(CHANGE_TABLE)} (table_name, op, pk, "row") values (${name}, 'I', ${key('new')}, ${image});
        end`.execute(trx);
        await sql`create trigger ${sql.id(triggerName(table.name, 'update'))} after update on ${sql.id(table.name)} begin
          insert into ${sql.id(CHANGE_TABLE)} (table_name, op, pk, "row") select ${name}, 'D', ${key('old')}, null where ${keyChanged};
          insert into ${sql.id(CHANGE_TABLE)} (table_name, op, pk, "row") values (${name}, 'U', ${key('new')}, ${image});
        end`.execute(trx);
        await sql`create trigger ${sql.id(triggerName(table.name, 'delete'))} after delete on ${sql.id(table.name)} begin
          insert into ${sql.id(CHANGE_TABLE)} (table_name, op, pk, "row") values (${name}, 'D', ${key('old')}, null);
        end`.execute(trx);
      }
    });
  },

  async uninstall({ db }, tables, options) {
    await db.transaction().execute(async (trx) => {
      for (const table of tables) {
        for (const [event] of OPS) await sql`drop trigger if exists ${sql.id(triggerName(table, event))}`.execute(trx);
      }
      if (options?.dropTable) {
        const left = await installedTables(trx);
        if (left.length) throw new Error(`cannot drop ${CHANGE_TABLE}: capture is still on for ${left.join(', ')}`);
        await sql`drop table if exists ${sql.id(CHANGE_TABLE)}`.execute(trx);
      }
    });
  },

  installed: ({ db }) => installedTables(db),

  async read({ db }, limit) {
    if (!(await changeTableExists(db))) return [];
    const rows = await sql<{ seq: number; table_name: string; op: CapturedChange['op']; pk: string }>`
      select seq, table_name, op, pk from ${sql.id(CHANGE_TABLE)} order by seq limit ${limit}`.execute(db);
    return rows.rows.map((r) => ({ seq: Number(r.seq), table: r.table_name, op: r.op, pk: JSON.parse(r.pk) as Record<string, unknown> }));
  },

  async readRows({ db, native }, table, keys) {
    if (!keys.length) return [];
    const params: unknown[] = [];
    const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
    // key = value per column keeps the column's affinity on the comparison.
    const match = keys.map((k) => `(${table.primaryKey.map((c) => (params.push(encode(k[c])), `${q(c)} = ?`)).join(' AND ')})`).join(' OR ');
    const text = `SELECT ${table.columns.map(q).join(', ')} FROM ${q(table.name)} WHERE ${match}`;
    // Holding Kysely's one connection, so no application transaction is open on it halfway.
    return db.connection().execute(
      async () =>
        (native as BetterSqlite3.Database)
          .prepare(text)
          .raw(true)
          .safeIntegers(true)
          .all(...params) as unknown[][],
    );
  },

  async acknowledge({ db }, seqs) {
    for (let i = 0; i < seqs.length; i += MAX_PARAMS) {
      const chunk = seqs.slice(i, i + MAX_PARAMS);
      await sql`delete from ${sql.id(CHANGE_TABLE)} where seq in (${sql.join(chunk)})`.execute(db);
    }
  },

  async pending({ db }) {
    if (!(await changeTableExists(db))) return 0;
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.id(CHANGE_TABLE)}`.execute(db);
    return Number(r.rows[0]!.n);
  },

  async apply({ db }, writes) {
    if (!writes.length) return;
    await db.transaction().execute(async (trx) => {
      // Foreign keys are checked at commit, so the batch's order between parent and child does not matter.
      await sql`pragma defer_foreign_keys = on`.execute(trx);
      for (const run of runsOf(writes, 500)) {
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

  // A rowid or AUTOINCREMENT key continues from the highest value present by itself.
  async syncIdentity() {},
};

function triggerName(table: string, event: string): string {
  return `${PREFIX}${event}_${table}`;
}

async function installedTables(db: Kysely<any>): Promise<string[]> {
  const r = await sql<{ t: string }>`select distinct tbl_name as t from sqlite_master
    where type = 'trigger' and name like ${`${PREFIX}%`} order by 1`.execute(db);
  return r.rows.map((x) => x.t);
}

async function changeTableExists(db: Kysely<any>): Promise<boolean> {
  const r = await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${CHANGE_TABLE}`.execute(db);
  return Number(r.rows[0]!.n) > 0;
}

/** A value as better-sqlite3 can bind it: no booleans, Dates or objects. */
function encode(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

async function upsertRows(db: Kysely<any>, table: CaptureTable, rows: Record<string, unknown>[]): Promise<void> {
  const columns = table.columns;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const keySet = new Set(table.primaryKey);
  const rest = columns.filter((c) => !keySet.has(c));
  const onConflict = rest.length ? sql`do update set ${sql.join(rest.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`))}` : sql`do nothing`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = sql.join(rows.slice(i, i + perStatement).map((row) => sql`(${sql.join(columns.map((c) => encode(row[c])))})`));
    await sql`insert into ${sql.id(table.name)} (${sql.join(columns.map((c) => sql.id(c)))}) values ${values}
      on conflict (${sql.join(table.primaryKey.map((c) => sql.id(c)))}) ${onConflict}`.execute(db);
  }
}

async function deleteKeys(db: Kysely<any>, table: CaptureTable, keys: Record<string, unknown>[]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / table.primaryKey.length));
  for (let i = 0; i < keys.length; i += perStatement) {
    // key = value per column keeps the column's affinity on the comparison (a row-value IN would not).
    const match = sql.join(
      keys.slice(i, i + perStatement).map(
        (k) =>
          sql`(${sql.join(
            table.primaryKey.map((c) => sql`${sql.id(c)} = ${encode(k[c])}`),
            sql` and `,
          )})`,
      ),
      sql` or `,
    );
    await sql`delete from ${sql.id(table.name)} where ${match}`.execute(db);
  }
}
