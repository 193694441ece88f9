import type { CompiledQuery } from 'kysely';
import type { Connection, ConnectionConfiguration, Request as TediousRequest } from 'tedious';
import { batchRows, type BulkDialect, type BulkSession, bulkTargetRef, type BulkValue, type StreamedBatch } from '../bulk-load.ts';
import type { MssqlNativeHandle } from './driver.ts';
import { MSSQL_DEFAULT_SCHEMA } from './introspector.ts';
import { assertReadOnlyTsql } from './read-only-query.ts';

type Tedious = MssqlNativeHandle['tedious'];
type DataType = Tedious['TYPES'][keyof Tedious['TYPES']];

export function quoteMssqlIdentifier(name: string): string {
  return `[${name.replace(/]/g, ']]')}]`;
}

/** A column as INFORMATION_SCHEMA.COLUMNS describes it: enough to declare it to a TDS bulk load. */
export interface MssqlBulkColumn {
  name: string;
  dataType: string;
  maxLength: number | null;
  precision: number | null;
  scale: number | null;
  datetimePrecision: number | null;
  nullable: boolean;
}

/** The tedious type and options a bulk load column needs; the declaration must match the table's. */
export function bulkColumnType(
  tedious: Tedious,
  column: MssqlBulkColumn,
): { type: DataType; options: { length?: number; precision?: number; scale?: number; nullable: boolean } } {
  const T = tedious.TYPES;
  const length = column.maxLength === -1 ? Infinity : (column.maxLength ?? undefined);
  const nullable = column.nullable;
  const timeScale = column.datetimePrecision ?? 7;
  switch (column.dataType.toLowerCase()) {
    case 'int':
      return { type: T.Int, options: { nullable } };
    case 'bigint':
      return { type: T.BigInt, options: { nullable } };
    case 'smallint':
      return { type: T.SmallInt, options: { nullable } };
    case 'tinyint':
      return { type: T.TinyInt, options: { nullable } };
    case 'bit':
      return { type: T.Bit, options: { nullable } };
    case 'decimal':
    case 'numeric':
      return { type: T.Decimal, options: { nullable, precision: column.precision ?? 18, scale: column.scale ?? 0 } };
    case 'money':
      return { type: T.Money, options: { nullable } };
    case 'smallmoney':
      return { type: T.SmallMoney, options: { nullable } };
    case 'float':
      return { type: T.Float, options: { nullable } };
    case 'real':
      return { type: T.Real, options: { nullable } };
    case 'varchar':
      return { type: T.VarChar, options: { nullable, length } };
    case 'char':
      return { type: T.Char, options: { nullable, length } };
    case 'nchar':
      return { type: T.NChar, options: { nullable, length } };
    case 'text':
      return { type: T.Text, options: { nullable } };
    case 'ntext':
      return { type: T.NText, options: { nullable } };
    case 'uniqueidentifier':
      return { type: T.UniqueIdentifier, options: { nullable } };
    case 'date':
      return { type: T.Date, options: { nullable } };
    case 'datetime':
      return { type: T.DateTime, options: { nullable } };
    case 'smalldatetime':
      return { type: T.SmallDateTime, options: { nullable } };
    case 'datetime2':
      return { type: T.DateTime2, options: { nullable, scale: timeScale } };
    case 'datetimeoffset':
      return { type: T.DateTimeOffset, options: { nullable, scale: timeScale } };
    case 'time':
      return { type: T.Time, options: { nullable, scale: timeScale } };
    case 'varbinary':
      return { type: T.VarBinary, options: { nullable, length } };
    case 'binary':
      return { type: T.Binary, options: { nullable, length } };
    case 'image':
      return { type: T.Image, options: { nullable } };
    default:
      return { type: T.NVarChar, options: { nullable, length: length ?? Infinity } };
  }
}

const TEMPORAL = new Set(['date', 'datetime', 'smalldatetime', 'datetime2', 'datetimeoffset']);

/**
 * A value as tedious's bulk load takes it. Date-time text without an offset is read as UTC (tedious writes with
 * useUTC), never as the machine's local time.
 */
export function encodeMssqlValue(value: BulkValue, dataType: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'string') {
    if (!TEMPORAL.has(dataType.toLowerCase())) return value;
    const iso = value.replace(' ', 'T');
    const parsed = new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
    if (Number.isNaN(parsed.getTime())) throw new Error(`"${value}" is not a date`);
    return parsed;
  }
  return JSON.stringify(value);
}

function promised<T>(start: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

function parameterType(tedious: Tedious, value: unknown): DataType {
  const T = tedious.TYPES;
  if (typeof value === 'boolean') return T.Bit;
  if (typeof value === 'number') return Number.isInteger(value) ? (Math.abs(value) < 2 ** 31 ? T.Int : T.BigInt) : T.Float;
  if (typeof value === 'bigint') return T.BigInt;
  if (value instanceof Date) return T.DateTime2;
  if (value instanceof Uint8Array) return T.VarBinary;
  return T.NVarChar;
}

/** Runs one statement; Kysely's mssql compiler names parameters @1, @2, … */
function run(
  tedious: Tedious,
  connection: Connection,
  sqlText: string,
  parameters: readonly unknown[],
): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> {
  return new Promise((resolve, reject) => {
    const rows: Record<string, unknown>[] = [];
    const request: TediousRequest = new tedious.Request(sqlText, (error, rowCount) => (error ? reject(error) : resolve({ rows, rowCount: rowCount ?? 0 })));
    parameters.forEach((value, i) => {
      const v = value instanceof Uint8Array ? Buffer.from(value) : typeof value === 'bigint' ? value.toString() : value;
      request.addParameter(String(i + 1), parameterType(tedious, value), v);
    });
    request.on('row', (columns: { metadata: { colName: string }; value: unknown }[]) => {
      rows.push(Object.fromEntries(columns.map((c) => [c.metadata.colName, c.value])));
    });
    connection.execSql(request);
  });
}

async function tableColumns(tedious: Tedious, connection: Connection, schema: string, table: string): Promise<Map<string, MssqlBulkColumn>> {
  const { rows } = await run(
    tedious,
    connection,
    `SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, IS_NULLABLE
       FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = @1 AND TABLE_NAME = @2`,
    [schema, table],
  );
  if (rows.length === 0) throw new Error(`table ${quoteMssqlIdentifier(schema)}.${quoteMssqlIdentifier(table)} does not exist`);
  return new Map(
    rows.map((r) => [
      r.COLUMN_NAME as string,
      {
        name: r.COLUMN_NAME as string,
        dataType: r.DATA_TYPE as string,
        maxLength: (r.CHARACTER_MAXIMUM_LENGTH as number | null) ?? null,
        precision: (r.NUMERIC_PRECISION as number | null) ?? null,
        scale: (r.NUMERIC_SCALE as number | null) ?? null,
        datetimePrecision: (r.DATETIME_PRECISION as number | null) ?? null,
        nullable: r.IS_NULLABLE === 'YES',
      },
    ]),
  );
}

function mssqlSession(tedious: Tedious, connection: Connection): BulkSession {
  const session: BulkSession = {
    async load(table, columns, batches) {
      if (columns.length === 0) throw new Error('a bulk load needs at least one column');
      const { schema = MSSQL_DEFAULT_SCHEMA, name } = bulkTargetRef(table);
      const described = await tableColumns(tedious, connection, schema, name);
      const target = `${quoteMssqlIdentifier(schema)}.${quoteMssqlIdentifier(name)}`;
      const declared = columns.map((column) => {
        const found = described.get(column);
        if (!found) throw new Error(`table ${target} has no column ${quoteMssqlIdentifier(column)}`);
        return found;
      });
      return promised<number>((done) => {
        // checkConstraints and fireTriggers: a bulk load otherwise skips them and marks the constraints untrusted.
        const bulk = connection.newBulkLoad(target, { checkConstraints: true, fireTriggers: true, keepNulls: true }, (error, rowCount) =>
          done(error, rowCount ?? 0),
        );
        for (const column of declared) {
          const { type, options } = bulkColumnType(tedious, column);
          // tedious writes the name between brackets without escaping them.
          bulk.addColumn(column.name.replace(/]/g, ']]'), type, options);
        }
        async function* flatten() {
          for await (const batch of batches) {
            for (const row of batchRows(batch)) {
              if (row.length !== declared.length) throw new Error(`a row has ${row.length} values for ${declared.length} columns`);
              yield row.map((v, i) => encodeMssqlValue(v, declared[i]!.dataType));
            }
          }
        }
        connection.execBulkLoad(bulk, flatten());
      });
    },
    async execute<R>(query: CompiledQuery) {
      const result = await run(tedious, connection, query.sql, query.parameters);
      return { rows: result.rows as R[], numAffectedRows: BigInt(result.rowCount) };
    },
    async executeInSchema(schema, queries) {
      // Unqualified names resolve to the user's default schema; a session cannot point them elsewhere.
      if (schema !== MSSQL_DEFAULT_SCHEMA)
        throw new Error(`SQL Server creates unqualified tables in the user's default schema, not in ${quoteMssqlIdentifier(schema)}`);
      for (const query of queries) await session.execute(query);
    },
  };
  return session;
}

async function openConnection(handle: MssqlNativeHandle): Promise<Connection> {
  const config: ConnectionConfiguration = handle.connectionConfig();
  const connection = new handle.tedious.Connection(config);
  await promised<void>((done) => connection.connect((error) => done(error)));
  return connection;
}

/** A TDS bulk load (tedious newBulkLoad/execBulkLoad) on its own connection, inside one transaction. */
export const mssqlBulk: BulkDialect = {
  async inTransaction(tenant, work) {
    const handle = tenant.native as MssqlNativeHandle;
    const connection = await openConnection(handle);
    try {
      await promised<void>((done) => connection.beginTransaction((error) => done(error)));
      try {
        const result = await work(mssqlSession(handle.tedious, connection));
        await promised<void>((done) => connection.commitTransaction((error) => done(error)));
        return result;
      } catch (error) {
        await promised<void>((done) => connection.rollbackTransaction((e) => done(e))).catch(() => {});
        throw error;
      }
    } finally {
      connection.close();
    }
  },
  stream: (tenant, query, batchSize) => streamMssql(tenant.db, query, batchSize),
};

/**
 * Kysely's mssql driver streams natively; tedious returns dates as Date (UTC), normalised to ISO 8601 here. Only one
 * statement that reads is sent (assertReadOnlyTsql): SQL Server has no read-only transaction to run it in.
 */
async function* streamMssql(db: import('kysely').Kysely<any>, query: CompiledQuery, batchSize: number): AsyncGenerator<StreamedBatch> {
  assertReadOnlyTsql(query.sql);
  let columns: { name: string; kind: 'unknown' }[] | null = null;
  let rows: BulkValue[][] = [];
  let yielded = false;
  for await (const result of db.getExecutor().stream(query, batchSize)) {
    for (const row of result.rows as Record<string, unknown>[]) {
      columns ??= Object.keys(row).map((name) => ({ name, kind: 'unknown' as const }));
      rows.push(Object.values(row).map((v) => (v instanceof Date ? v.toISOString() : (v as BulkValue))));
      if (rows.length >= batchSize) {
        yielded = true;
        yield { columns, rows };
        rows = [];
      }
    }
  }
  if (rows.length > 0 || !yielded) yield { columns: columns ?? [], rows };
}
