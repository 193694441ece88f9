import { sql } from 'kysely';
import { type SamplingDialect, SMALL_TABLE_ROWS } from '../sampling.ts';

/**
 * Small tables: `ORDER BY random()`. Large rowid tables: consecutive rowids from a random starting point, wrapping
 * round to the start (two b-tree seeks, no scan); WITHOUT ROWID tables fall back to the first rows.
 */
export const sqliteSampling: SamplingDialect = {
  async sampleRows(db, table, columns, limit, options) {
    const target = sql.id(table.schema, table.name);
    const list = sql.join(columns.map((c) => sql.id(c)));
    const { rows: counted } = await sql<{ n: number }>`select count(*) as n from ${target}`.execute(db);
    if ((counted[0]?.n ?? 0) <= (options?.smallTableRows ?? SMALL_TABLE_ROWS)) {
      const { rows } = await sql<Record<string, unknown>>`select ${list} from ${target} order by random() limit ${limit}`.execute(db);
      return rows;
    }
    let bounds: { lo: number; hi: number } | undefined;
    try {
      const { rows } = await sql<{ lo: number; hi: number }>`select min(rowid) as lo, max(rowid) as hi from ${target}`.execute(db);
      bounds = rows[0];
    } catch {
      // WITHOUT ROWID table: no rowid to seek on.
    }
    if (!bounds) {
      const { rows } = await sql<Record<string, unknown>>`select ${list} from ${target} limit ${limit}`.execute(db);
      return rows;
    }
    const start = bounds.lo + Math.floor(Math.random() * (bounds.hi - bounds.lo + 1));
    const { rows: after } = await sql<Record<string, unknown>>`select ${list} from ${target} where rowid >= ${start} order by rowid limit ${limit}`.execute(db);
    if (after.length >= limit) return after;
    const { rows: before } = await sql<
      Record<string, unknown>
    >`select ${list} from ${target} where rowid < ${start} order by rowid limit ${limit - after.length}`.execute(db);
    return [...after, ...before];
  },
};
