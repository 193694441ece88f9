import { sql } from 'kysely';
import { type SamplingDialect, SMALL_TABLE_ROWS } from '../sampling.ts';

/**
 * Small tables: `ORDER BY random()`. Large rowid tables: a window of consecutive rowids from a random starting point
 * (a b-tree seek, no scan); WITHOUT ROWID tables fall back to the first rows.
 */
export const sqliteSampling: SamplingDialect = {
  async sampleRows(db, table, columns, limit) {
    const target = sql.id(table.schema, table.name);
    const list = sql.join(columns.map((c) => sql.id(c)));
    const { rows: counted } = await sql<{ n: number }>`select count(*) as n from ${target}`.execute(db);
    if ((counted[0]?.n ?? 0) <= SMALL_TABLE_ROWS) {
      const { rows } = await sql<Record<string, unknown>>`select ${list} from ${target} order by random() limit ${limit}`.execute(db);
      return rows;
    }
    try {
      const { rows } = await sql<Record<string, unknown>>`
        select ${list} from ${target}
        where rowid >= (select min(rowid) + abs(random()) % max(1, max(rowid) - min(rowid) - ${limit}) from ${target})
        order by rowid limit ${limit}`.execute(db);
      if (rows.length >= limit) return rows;
    } catch {
      // WITHOUT ROWID table: no rowid to seek on.
    }
    const { rows } = await sql<Record<string, unknown>>`select ${list} from ${target} limit ${limit}`.execute(db);
    return rows;
  },
};
