import type { CompiledQuery } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { batchRows, type BulkDialect, BulkRowError, type BulkSession, bulkTargetRef, type BulkValue } from '../bulk-load.ts';
import { streamSqlite } from './bulk-stream.ts';

function quoteSqliteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new Error('an identifier cannot contain a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** What better-sqlite3 can bind: booleans as 1/0, dates as ISO 8601 text, JSON as text, bytes as a Buffer. */
export function encodeSqliteValue(value: BulkValue): string | number | bigint | Buffer | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    default:
      break;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('invalid Date value');
    return value.toISOString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return JSON.stringify(value);
}

function sqliteSession(database: BetterSqlite3.Database): BulkSession {
  const session: BulkSession = {
    async load(table, columns, batches) {
      if (columns.length === 0) throw new Error('a bulk load needs at least one column');
      const ref = bulkTargetRef(table);
      const target = ref.schema === undefined ? quoteSqliteIdentifier(ref.name) : `${quoteSqliteIdentifier(ref.schema)}.${quoteSqliteIdentifier(ref.name)}`;
      const insert = database.prepare(`INSERT INTO ${target} (${columns.map(quoteSqliteIdentifier).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      let count = 0;
      const values: (string | number | bigint | Buffer | null)[] = new Array(columns.length);
      for await (const batch of batches) {
        for (const row of batchRows(batch)) {
          if (row.length !== columns.length) throw new Error(`a row has ${row.length} values for ${columns.length} columns`);
          for (let i = 0; i < row.length; i++) values[i] = encodeSqliteValue(row[i]!);
          try {
            insert.run(values);
          } catch (error) {
            throw new BulkRowError((error as Error).message, count, { cause: error });
          }
          count++;
        }
      }
      return count;
    },
    async execute<R>(query: CompiledQuery) {
      const statement = database.prepare(query.sql);
      const parameters = (query.parameters as BulkValue[]).map(encodeSqliteValue);
      if (statement.reader) return { rows: statement.all(parameters) as R[] };
      const result = statement.run(parameters);
      return { rows: [], numAffectedRows: BigInt(result.changes) };
    },
    async executeInSchema(schema, queries) {
      // Unqualified CREATE TABLE always lands in main (introspection reads main only): no other target is possible.
      if (schema !== 'main') throw new Error(`SQLite creates unqualified tables in main, not in ${JSON.stringify(schema)}`);
      for (const query of queries) await session.execute(query);
    },
  };
  return session;
}

/**
 * One prepared insert in one transaction on the better-sqlite3 handle. Kysely's single connection is held for the
 * whole transaction, so the application's other queries through Kysely wait instead of joining it.
 */
export const sqliteBulk: BulkDialect = {
  async inTransaction(tenant, work) {
    const database = tenant.native as BetterSqlite3.Database;
    return tenant.db.connection().execute(async () => {
      database.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(sqliteSession(database));
        database.exec('COMMIT');
        return result;
      } catch (error) {
        if (database.inTransaction) database.exec('ROLLBACK');
        throw error;
      }
    });
  },
  stream: (tenant, query, batchSize) => streamSqlite(tenant.db, tenant.native as BetterSqlite3.Database, query, batchSize),
};
