import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { NeutralKind } from '../../contracts/schema-model.ts';
import { InputError } from '../../util/document-file.ts';
import type { BulkValue, StreamedBatch, StreamedColumn } from '../bulk-load.ts';
import { quotePgIdentifier } from './bulk-load.ts';
import { watchClientErrors } from './client-errors.ts';

/** Built-in type OIDs (pg_type.dat) onto neutral kinds; enums and other user types stay `unknown` (text values). */
const KIND_BY_OID: Record<number, NeutralKind> = {
  16: 'boolean',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  700: 'real',
  701: 'double',
  1700: 'decimal',
  790: 'money',
  1042: 'char',
  1043: 'varchar',
  25: 'text',
  19: 'text',
  2950: 'uuid',
  1082: 'date',
  1083: 'time',
  1266: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1186: 'interval',
  114: 'json',
  3802: 'json',
  17: 'binary',
  142: 'xml',
  869: 'network',
  650: 'network',
  829: 'network',
  774: 'network',
};

const TEXT_OIDS = new Set([1082, 1083, 1266, 1114, 1184, 1186, 20, 1700, 790]);

type TypeParsers = { getTypeParser(oid: number, format?: string): (text: string) => unknown };
let pgTypes: TypeParsers | undefined;

/** Temporal types come back as their text (node-postgres would build local-time Dates), int8 as text to convert here. */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (TEXT_OIDS.has(oid)) return (text: string) => text;
    return pgTypes!.getTypeParser(oid, format);
  },
};

function isoTimestamp(text: string): string {
  // DateStyle ISO prints `2024-01-02 03:04:05.123+00`; ISO 8601 wants the T and a two-part offset.
  return text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
}

function normalise(value: unknown, kind: NeutralKind): BulkValue {
  if (value === null || value === undefined) return null;
  if (kind === 'timestamp' || kind === 'timestamptz') return isoTimestamp(value as string);
  if (kind === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : (value as string);
  }
  return value as BulkValue;
}

/** What a streamed query may be, for the refusal message. */
const READ_ONLY_QUERY = 'an exported query must be one statement that only reads (SELECT, WITH … SELECT or VALUES)';

/**
 * Server errors that mean the query was not one read-only statement: several commands in one (which the extended
 * protocol refuses), text a cursor cannot hold (`DECLARE … FOR delete …` is a syntax error), a write in the
 * read-only transaction, a data-modifying WITH in a cursor. Nothing was written.
 */
function refusal(error: unknown): InputError | undefined {
  const { code, message } = error as { code?: string; message?: string };
  const multiple = code === '42601'; // syntax_error: several commands, or not a query a cursor can run
  // Class 25, invalid transaction state: a write in the read-only transaction (25006), an attempt to make it
  // read-write (25001).
  const write = code?.startsWith('25') === true;
  const modifyingCte = code === '0A000' && /data-modifying/.test(message ?? '');
  return multiple || write || modifyingCte ? new InputError(`${READ_ONLY_QUERY}; the server refused it: ${message}`) : undefined;
}

/**
 * A server-side cursor (DECLARE … FETCH n) in a read-only transaction on one pooled client. The query can only
 * read: it is sent with the extended protocol (one statement; `select 1; commit; drop table t` is refused by the
 * server before anything runs), inside `BEGIN READ ONLY` (a write, `nextval`, a function that writes fail), as a
 * cursor (which takes only SELECT, VALUES or WITH … SELECT without data-modifying parts).
 */
export async function* streamPostgres(pool: pg.Pool, query: CompiledQuery, batchSize: number): AsyncGenerator<StreamedBatch> {
  pgTypes ??= (await import('pg')).default.types as TypeParsers;
  const client = await pool.connect();
  const lost = watchClientErrors(client);
  let broken = false;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query("SET LOCAL DateStyle = 'ISO, YMD'");
    await client.query("SET LOCAL TimeZone = 'UTC'");
    const cursor = quotePgIdentifier(`byos_export_${process.pid}`);
    await client.query({
      text: `DECLARE ${cursor} NO SCROLL CURSOR FOR ${query.sql}`,
      values: query.parameters as unknown[],
      queryMode: 'extended',
    } as pg.QueryConfig);
    let columns: StreamedColumn[] | null = null;
    for (;;) {
      const result = await client.query({ text: `FETCH FORWARD ${Math.max(1, Math.floor(batchSize))} FROM ${cursor}`, rowMode: 'array', types });
      columns ??= result.fields.map((f) => ({ name: f.name, kind: KIND_BY_OID[f.dataTypeID] ?? 'unknown' }));
      const kinds = columns.map((c) => c.kind);
      const rows = (result.rows as unknown[][]).map((row) => row.map((v, i) => normalise(v, kinds[i]!)));
      if (rows.length > 0 || result.rowCount === 0) yield { columns, rows };
      if (rows.length < batchSize) break;
    }
    // Never COMMIT: a read-only transaction still lets some functions write (pg_import_system_collations fills
    // the catalog, pg_notify delivers on commit); ending with ROLLBACK undoes every transactional effect.
    await client.query('ROLLBACK');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw lost.first() ?? refusal(error) ?? error;
  } finally {
    // Also reached when the consumer stops early (return()): the transaction is still open then.
    if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
    const destroy = broken || lost.first() !== null;
    if (!destroy) lost.stop(); // a client being destroyed may still emit: keep listening
    client.release(destroy ? true : undefined);
  }
}
