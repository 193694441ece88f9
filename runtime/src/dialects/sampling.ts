import type { Kysely } from 'kysely';

/** A table to sample, as the SchemaModel names it. */
export interface SampleTarget {
  schema: string;
  name: string;
}

export interface SampleOptions {
  /** Tables up to this many rows (by the catalog's estimate or a count) are read in random order; SMALL_TABLE_ROWS by default. */
  smallTableRows?: number;
}

/**
 * Reading a sample of a table's rows (PII scan). Each dialect picks the cheapest way to spread the sample over
 * the table: random order on small tables, block sampling (TABLESAMPLE) or a random key window on large ones.
 */
export interface SamplingDialect {
  /**
   * Up to `limit` distinct rows holding `columns` (keys are the column names). Never reads more than the sample
   * needs from a large table. Values come back as the driver returns them.
   */
  sampleRows(db: Kysely<any>, table: SampleTarget, columns: readonly string[], limit: number, options?: SampleOptions): Promise<Record<string, unknown>[]>;
}

/** Tables up to this many rows are sampled in random order (a full scan, still cheap). */
export const SMALL_TABLE_ROWS = 100_000;
