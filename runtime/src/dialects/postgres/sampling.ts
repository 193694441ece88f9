import { type Kysely, sql } from 'kysely';
import { type SampleTarget, type SamplingDialect, SMALL_TABLE_ROWS } from '../sampling.ts';

/**
 * Small tables: `ORDER BY random()`. Large ones: `TABLESAMPLE SYSTEM (p)` reads only a share of the pages, sized from
 * the planner's row estimate (pg_class.reltuples, or pages × 50 before the first ANALYZE); when block sampling
 * returns too few rows (clustered data, stale estimate) the share grows fourfold until it does or reaches 100 %.
 */
export const postgresSampling: SamplingDialect = {
  async sampleRows(db, table, columns, limit, options) {
    const target = sql.id(table.schema, table.name);
    const list = sql.join(columns.map((c) => sql.id(c)));
    const estimate = await estimateRows(db, table);
    if (estimate <= (options?.smallTableRows ?? SMALL_TABLE_ROWS)) {
      const { rows } = await sql<Record<string, unknown>>`select ${list} from ${target} order by random() limit ${limit}`.execute(db);
      return rows;
    }
    let percent = Math.min(100, Math.max(0.0001, (limit * 4 * 100) / estimate));
    for (;;) {
      const { rows } = await sql<Record<string, unknown>>`select ${list} from ${target} tablesample system (${sql.lit(percent)}) limit ${limit}`.execute(db);
      if (rows.length >= limit || percent >= 100) return rows;
      percent = Math.min(100, percent * 4);
    }
  },
};

async function estimateRows(db: Kysely<any>, table: SampleTarget): Promise<number> {
  const { rows } = await sql<{ reltuples: number; bytes: string }>`
    select c.reltuples::float8 as reltuples, pg_relation_size(c.oid)::text as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${table.schema} and c.relname = ${table.name}`.execute(db);
  const row = rows[0];
  if (!row) return 0;
  if (row.reltuples >= 0) return row.reltuples;
  return (Number(row.bytes) / 8192) * 50;
}
