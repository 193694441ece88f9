import type BetterSqlite3 from 'better-sqlite3';
import type { NeutralType } from '../../contracts/schema-model.ts';
import type { CopySupport, CopyTenant, PageRequest, StoredType, TableRef } from '../copy-support.ts';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const tableSql = (t: TableRef) => (t.schema && t.schema !== 'main' ? `${q(t.schema)}.${q(t.name)}` : q(t.name));

/** Doubles hold 15 significant digits exactly; SQLite keeps NUMERIC values that are not whole numbers as doubles. */
const EXACT_DIGITS = 15;

function store(type: NeutralType): StoredType {
  switch (type.kind) {
    case 'decimal':
      if (type.precision !== undefined && type.precision <= EXACT_DIGITS) return { type };
      return { type, loss: `SQLite keeps non-integral NUMERIC values as 8-byte floats: beyond ${EXACT_DIGITS} significant digits they are rounded` };
    case 'money':
      return { type: { kind: 'decimal', precision: 19, scale: 4 }, loss: `money becomes NUMERIC, kept as a float beyond ${EXACT_DIGITS} significant digits` };
    case 'enum':
      return { type: { kind: 'text' }, note: 'enum values become text with a CHECK listing them' };
    case 'array':
      return { type: { kind: 'json' }, note: 'arrays become JSON text' };
    case 'interval':
      return { type: { kind: 'text' }, loss: 'intervals are kept as their Postgres text; SQLite cannot compute with them' };
    case 'xml':
    case 'network':
      return { type: { kind: 'text' }, note: `${type.kind} values become text` };
    case 'unknown':
      return { type: { kind: 'text' }, loss: 'the type has no portable equivalent; values are copied as their text' };
    default:
      return { type };
  }
}

/** What better-sqlite3 binds: booleans as 1/0, other Uint8Arrays as Buffers. */
function parameter(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value);
  return value;
}

function keyCondition(request: PageRequest, params: unknown[]): string {
  if (request.key.length === 0) return '';
  const keys = `(${request.key.map((k) => q(k.name)).join(', ')})`;
  const tuple = (values: readonly unknown[]) => {
    params.push(...values.map(parameter));
    return `(${values.map(() => '?').join(', ')})`;
  };
  if (request.at) return `WHERE ${keys} = ${tuple(request.at)}`;
  const parts: string[] = [];
  if (request.after) parts.push(`${keys} > ${tuple(request.after)}`);
  if (request.upTo) parts.push(`${keys} <= ${tuple(request.upTo)}`);
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/**
 * Runs `work` holding Kysely's single connection, so no transaction of the application is open on the handle
 * halfway (a read there would see its uncommitted rows).
 */
function holding<T>(tenant: CopyTenant, work: (database: BetterSqlite3.Database) => T): Promise<T> {
  return tenant.db.connection().execute(async () => work(tenant.native as BetterSqlite3.Database));
}

/** Statements of the page reads, per connection: a copy reads the same few shapes of query thousands of times. */
const prepared = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
const PREPARED_PER_CONNECTION = 64;

function all(database: BetterSqlite3.Database, sql: string, params: unknown[]): unknown[][] {
  let statements = prepared.get(database);
  if (!statements) prepared.set(database, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) {
    if (statements.size >= PREPARED_PER_CONNECTION) statements.clear();
    statement = database.prepare(sql).raw(true).safeIntegers(true);
    statements.set(sql, statement);
  }
  return statement.all(...params) as unknown[][];
}

async function* scan(tenant: CopyTenant, table: TableRef, columns: readonly { name: string }[], batch: number): AsyncGenerator<unknown[][]> {
  // Pages by rowid: every table without a primary key has one (WITHOUT ROWID tables need a key).
  const list = columns.map((c) => q(c.name)).join(', ');
  let after: unknown = null;
  for (;;) {
    const rows = await holding(tenant, (database) =>
      all(
        database,
        `SELECT rowid, ${list} FROM ${tableSql(table)} ${after === null ? '' : 'WHERE rowid > ?'} ORDER BY rowid LIMIT ${Math.max(1, batch)}`,
        after === null ? [] : [after],
      ),
    );
    if (rows.length) {
      after = rows[rows.length - 1]![0];
      yield rows.map((row) => row.slice(1));
    }
    if (rows.length < batch) return;
  }
}

export const sqliteCopySupport: CopySupport = {
  store,
  exportAs(column, sameDialect) {
    if (sameDialect) return undefined;
    // Every SQLite integer is 64-bit whatever the declared name (INT, SMALLINT…): pgloader's cast to bigint.
    if (column.type.kind === 'integer' || column.type.kind === 'smallint') {
      return { type: { kind: 'bigint' }, note: `SQLite stores ${column.nativeType || 'integers'} as 64-bit integers` };
    }
    return undefined;
  },
  foreignKeys: 'with-table',
  identity: 'integer-primary-key',
  readsInProcess: true,
  async readPage(tenant, request) {
    const params: unknown[] = [];
    const where = keyCondition(request, params);
    const order = request.key.length ? `ORDER BY ${request.key.map((k) => q(k.name)).join(', ')}` : '';
    const limit =
      request.limit !== undefined || request.offset
        ? `LIMIT ${request.limit !== undefined ? Math.max(1, Math.floor(request.limit)) : -1}${request.offset ? ` OFFSET ${Math.floor(request.offset)}` : ''}`
        : '';
    const sql = `SELECT ${request.columns.map((c) => q(c.name)).join(', ')} FROM ${tableSql(request.table)} ${where} ${order} ${limit}`;
    return holding(tenant, (database) => all(database, sql, params));
  },
  scan,
  async count(tenant, table) {
    const rows = await holding(tenant, (database) => all(database, `SELECT count(*) FROM ${tableSql(table)}`, []));
    return Number(rows[0]![0]);
  },
  // A rowid alias takes max(rowid) + 1 by itself; AUTOINCREMENT's sqlite_sequence follows explicit inserts too.
  async resetIdentity() {},
  async beforeLoad(tenant) {
    // Tables are created with their foreign keys (SQLite cannot add one later without a rebuild), so enforcement
    // is off while rows arrive in any order, and every row is checked afterwards.
    await holding(tenant, (database) => database.pragma('foreign_keys = OFF'));
  },
  async afterLoad(tenant) {
    return holding(tenant, (database) => {
      database.pragma('foreign_keys = ON');
      const violations = database.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string; fkid: number }[];
      return violations.map((v) => `${v.table} row ${v.rowid ?? '(without rowid)'}: no matching row in ${v.parent} (foreign key ${v.fkid})`);
    });
  },
};
