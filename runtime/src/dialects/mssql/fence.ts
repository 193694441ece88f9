import { sql } from 'kysely';
import { type FenceDialect, fenceMessage } from '../fence.ts';

const PREFIX = 'byos_fence_';
/** The error number of the refusal (user errors start at 50000; 50006 echoes Postgres' 25006, read-only). */
export const MSSQL_FENCE_ERROR = 50006;

const id = (name: string) => `[${name.replace(/]/g, ']]')}]`;
const text = (value: string) => `N'${value.replace(/'/g, "''")}'`;

/**
 * The SQL Server fence, like Postgres': an AFTER INSERT, UPDATE, DELETE trigger per table that THROWs (the statement
 * and its transaction roll back). Chosen over DENY, which the owner and db_owner members ignore. CREATE TRIGGER
 * takes a schema-modification lock, so it waits (up to the fence's LOCK_TIMEOUT) for transactions that already wrote
 * the table. TRUNCATE TABLE fires no trigger and is not fenced (capture does not see it either). Not exercised live
 * (no SQL Server on the build machines): the statements are unit-tested as text and type-checked.
 */
export const mssqlFence: FenceDialect = {
  async raise({ db }, { tenant, tables, timeoutMs }) {
    for (const statement of mssqlFenceRaise(
      tenant,
      tables.map((t) => ({ schema: t.ref.schema, name: t.ref.name })),
      timeoutMs,
    ))
      await sql.raw(statement).execute(db);
  },
  async hold() {},
  async lower({ db }) {
    const r = await sql<{ s: string; n: string }>`select schema_name(o.schema_id) as s, t.name as n from sys.triggers t
      join sys.objects o on o.object_id = t.object_id where t.name like ${`${PREFIX}%`}`.execute(db);
    for (const statement of mssqlFenceLower(r.rows.map((row) => ({ schema: row.s, name: row.n })))) await sql.raw(statement).execute(db);
  },
  async isRaised({ db }) {
    const r = await sql<{ n: number }>`select count(*) as n from sys.triggers where name like ${`${PREFIX}%`}`.execute(db);
    return Number(r.rows[0]!.n) > 0;
  },
};

/** One batch per table (CREATE TRIGGER must start its batch); the lock timeout is set in each. */
export function mssqlFenceRaise(tenant: string, tables: readonly { schema?: string; name: string }[], timeoutMs: number): string[] {
  return tables.map(({ schema, name }) => {
    const table = schema ? `${id(schema)}.${id(name)}` : id(name);
    const trigger = schema ? `${id(schema)}.${id(PREFIX + name)}` : id(PREFIX + name);
    return `set lock_timeout ${Math.max(0, Math.round(timeoutMs))};
exec(${text(`create or alter trigger ${trigger} on ${table} after insert, update, delete as begin set nocount on; throw ${MSSQL_FENCE_ERROR}, ${text(fenceMessage(tenant))}, 1; end`)});`;
  });
}

/** Drops the fence triggers found (schema-qualified trigger names). */
export function mssqlFenceLower(triggers: readonly { schema: string; name: string }[]): string[] {
  return triggers.map(({ schema, name }) => `drop trigger if exists ${id(schema)}.${id(name)};`);
}
