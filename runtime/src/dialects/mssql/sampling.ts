import { sql } from 'kysely';
import { type SamplingDialect, SMALL_TABLE_ROWS } from '../sampling.ts';

/**
 * Small tables: `ORDER BY NEWID()`. Large ones: `TABLESAMPLE (p PERCENT)` (page sampling) sized from the partition
 * row count, widened fourfold while it returns too few.
 */
export const mssqlSampling: SamplingDialect = {
  async sampleRows(db, table, columns, limit, options) {
    const target = sql.id(table.schema, table.name);
    const list = sql.join(columns.map((c) => sql.id(c)));
    const { rows: counted } = await sql<{ n: number }>`
      select coalesce(sum(p.rows), 0) as n from sys.partitions p
      where p.object_id = object_id(${`${quote(table.schema)}.${quote(table.name)}`}) and p.index_id in (0, 1)`.execute(db);
    const estimate = Number(counted[0]?.n ?? 0);
    if (estimate <= (options?.smallTableRows ?? SMALL_TABLE_ROWS)) {
      const { rows } = await sql<Record<string, unknown>>`select top (${sql.lit(limit)}) ${list} from ${target} order by newid()`.execute(db);
      return rows;
    }
    let percent = Math.min(100, Math.max(0.0001, (limit * 4 * 100) / estimate));
    for (;;) {
      const { rows } = await sql<
        Record<string, unknown>
      >`select top (${sql.lit(limit)}) ${list} from ${target} tablesample (${sql.lit(percent)} percent)`.execute(db);
      if (rows.length >= limit || percent >= 100) return rows;
      percent = Math.min(100, percent * 4);
    }
  },
};

function quote(name: string): string {
  return `[${name.replace(/]/g, ']]')}]`;
}
