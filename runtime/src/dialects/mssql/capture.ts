import { type Kysely, type RawBuilder, sql } from 'kysely';
import { CHANGE_TABLE, type CaptureDialect, type CaptureTable, type CapturedChange, runsOf } from '../change-capture.ts';

/** SQL Server accepts at most 2100 parameters per request. */
const MAX_PARAMS = 2000;
const PREFIX = 'byos_capture_';

/**
 * Trigger capture for SQL Server: one AFTER INSERT, UPDATE, DELETE trigger per table comparing `inserted` with
 * `deleted` by key, images with FOR JSON PATH. Not exercised live (no SQL Server on the build machines): written
 * against the T-SQL reference and type-checked. TRUNCATE TABLE fires no trigger and is not captured.
 */
export const mssqlCapture: CaptureDialect = {
  schemas: false,
  async install({ db }, tables) {
    await sql`if object_id(${sql.lit(CHANGE_TABLE)}, N'U') is null create table ${sql.id(CHANGE_TABLE)} (
      seq bigint identity(1, 1) primary key,
      table_name nvarchar(256) not null,
      op char(1) not null check (op in ('I', 'U', 'D')),
      pk nvarchar(max) not null,
      [row] nvarchar(max) null,
      captured_at datetime2 not null default sysutcdatetime()
    )`.execute(db);
    for (const table of tables) {
      const joinOn = (a: string, b: string) =>
        sql.join(
          table.primaryKey.map((c) => sql`${sql.raw(a)}.${sql.id(c)} = ${sql.raw(b)}.${sql.id(c)}`),
          sql` and `,
        );
      const json = (alias: string, columns: readonly string[], nulls: boolean) =>
        sql`(select ${sql.join(columns.map((c) => sql`${sql.raw(alias)}.${sql.id(c)} as ${sql.id(c)}`))} for json path, without_array_wrapper${sql.raw(nulls ? ', include_null_values' : '')})`;
      // CREATE TRIGGER must be alone in its batch, and takes no parameters: names go in as literals.
      await sql`create or alter trigger ${sql.id(PREFIX + table.name)} on ${sql.id(table.name)} after insert, update, delete as
      begin
        set nocount on;
        insert into ${sql.id(CHANGE_TABLE)} (table_name, op, pk, [row])
          select ${sql.lit(table.name)}, 'D', ${json('d', table.primaryKey, false)}, null
          from deleted d where not exists (select 1 from inserted i where ${joinOn('i', 'd')});
        insert into ${sql.id(CHANGE_TABLE)} (table_name, op, pk, [row])
          select ${sql.lit(table.name)}, case when exists (select 1 from deleted d where ${joinOn('d', 'i')}) then 'U' else 'I' end,
            ${json('i', table.primaryKey, false)}, ${json('i', table.columns, true)}
          from inserted i;
      end`.execute(db);
    }
  },

  async uninstall({ db }, tables, options) {
    for (const table of tables) {
      await sql`if object_id(${sql.lit(PREFIX + table)}, N'TR') is not null drop trigger ${sql.id(PREFIX + table)}`.execute(db);
    }
    if (options?.dropTable) {
      const left = await installedTables(db);
      if (left.length) throw new Error(`cannot drop ${CHANGE_TABLE}: capture is still on for ${left.join(', ')}`);
      await sql`if object_id(${sql.lit(CHANGE_TABLE)}, N'U') is not null drop table ${sql.id(CHANGE_TABLE)}`.execute(db);
    }
  },

  installed: ({ db }) => installedTables(db),

  async read({ db }, limit) {
    if (!(await changeTableExists(db))) return [];
    const rows = await sql<{ seq: string | number; table_name: string; op: CapturedChange['op']; pk: string }>`
      select top (${limit}) seq, table_name, op, pk from ${sql.id(CHANGE_TABLE)} order by seq`.execute(db);
    return rows.rows.map((r) => ({ seq: Number(r.seq), table: r.table_name, op: r.op, pk: JSON.parse(r.pk) as Record<string, unknown> }));
  },

  async readRows({ db }, table, keys) {
    const rows: unknown[][] = [];
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / table.primaryKey.length));
    for (let i = 0; i < keys.length; i += perStatement) {
      const match = sql.join(
        keys.slice(i, i + perStatement).map(
          (k) =>
            sql`(${sql.join(
              table.primaryKey.map((c) => sql`${sql.id(c)} = ${k[c]}`),
              sql` and `,
            )})`,
        ),
        sql` or `,
      );
      const r = await sql<Record<string, unknown>>`select ${sql.join(table.columns.map((c) => sql.id(c)))} from ${sql.id(table.name)} where ${match}`.execute(
        db,
      );
      for (const row of r.rows) rows.push(table.columns.map((c) => row[c]));
    }
    return rows;
  },

  async acknowledge({ db }, seqs) {
    for (let i = 0; i < seqs.length; i += MAX_PARAMS) {
      await sql`delete from ${sql.id(CHANGE_TABLE)} where seq in (${sql.join(seqs.slice(i, i + MAX_PARAMS))})`.execute(db);
    }
  },

  async pending({ db }) {
    if (!(await changeTableExists(db))) return 0;
    const r = await sql<{ n: number }>`select count_big(*) as n from ${sql.id(CHANGE_TABLE)}`.execute(db);
    return Number(r.rows[0]!.n);
  },

  async apply({ db }, writes) {
    if (!writes.length) return;
    await db.transaction().execute(async (trx) => {
      for (const run of runsOf(writes, 1000)) {
        const table = run[0]!.table;
        if (run[0]!.kind === 'delete')
          await deleteKeys(
            trx,
            table,
            run.map((w) => (w as { pk: Record<string, unknown> }).pk),
          );
        else
          await mergeRows(
            trx,
            table,
            run.map((w) => (w as { row: Record<string, unknown> }).row),
          );
      }
    });
  },

  async syncIdentity({ db }, tables) {
    // RESEED without a value moves the identity up to the highest value present, never down.
    for (const table of tables) if (table.identity.length) await sql`dbcc checkident (${sql.lit(table.name)}, reseed)`.execute(db);
  },
};

async function installedTables(db: Kysely<any>): Promise<string[]> {
  const r = await sql<{ t: string }>`select distinct object_name(parent_id) as t from sys.triggers where name like ${`${PREFIX}%`} order by 1`.execute(db);
  return r.rows.map((x) => x.t);
}

async function changeTableExists(db: Kysely<any>): Promise<boolean> {
  const r = await sql<{ n: number }>`select count(*) as n from sys.tables where name = ${CHANGE_TABLE}`.execute(db);
  return Number(r.rows[0]!.n) > 0;
}

function encode(value: unknown, kind: string | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'json' && typeof value !== 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

async function mergeRows(db: Kysely<any>, table: CaptureTable, rows: Record<string, unknown>[]): Promise<void> {
  const columns = table.columns;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const keySet = new Set(table.primaryKey);
  const rest = columns.filter((c) => !keySet.has(c));
  const identity = table.identity.length > 0;
  if (identity) await sql`set identity_insert ${sql.id(table.name)} on`.execute(db);
  try {
    for (let i = 0; i < rows.length; i += perStatement) {
      const values = sql.join(rows.slice(i, i + perStatement).map((row) => sql`(${sql.join(columns.map((c) => encode(row[c], table.kinds[c])))})`));
      const cols = sql.join(columns.map((c) => sql.id(c)));
      const matched: RawBuilder<unknown> = rest.length
        ? sql`when matched then update set ${sql.join(rest.map((c) => sql`t.${sql.id(c)} = s.${sql.id(c)}`))}`
        : sql``;
      await sql`merge into ${sql.id(table.name)} with (holdlock) as t
        using (values ${values}) as s (${cols})
        on ${sql.join(
          table.primaryKey.map((c) => sql`t.${sql.id(c)} = s.${sql.id(c)}`),
          sql` and `,
        )}
        ${matched}
        when not matched then insert (${cols}) values (${sql.join(columns.map((c) => sql`s.${sql.id(c)}`))});`.execute(db);
    }
  } finally {
    if (identity) await sql`set identity_insert ${sql.id(table.name)} off`.execute(db);
  }
}

async function deleteKeys(db: Kysely<any>, table: CaptureTable, keys: Record<string, unknown>[]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / table.primaryKey.length));
  for (let i = 0; i < keys.length; i += perStatement) {
    const match = sql.join(
      keys.slice(i, i + perStatement).map(
        (k) =>
          sql`(${sql.join(
            table.primaryKey.map((c) => sql`${sql.id(c)} = ${k[c]}`),
            sql` and `,
          )})`,
      ),
      sql` or `,
    );
    await sql`delete from ${sql.id(table.name)} where ${match}`.execute(db);
  }
}
