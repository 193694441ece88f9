import type { SchemaModel, Table } from '../../contracts/schema-model.ts';
import type { BulkValue } from '../../dialects/bulk-load.ts';
import { restoreNeutralised } from '../export/cells.ts';
import type { SourceRow } from './source.ts';
import { type Converter, columnConverter, UniquenessTracker } from './validate.ts';
import { type DateOrder, Invalid } from './values.ts';

/** A header that feeds a column: its position in the file, its text and the column. */
export interface ActiveColumn {
  index: number;
  header: string;
  column: string;
}

export type Rejection = { header: string | null; reason: string };

/** What converting rows needs, as plain data (a worker thread gets it as is). */
export interface ConversionPlan {
  table: Table;
  model: SchemaModel;
  active: ActiveColumn[];
  /** Cells per row the header has. */
  width: number;
  format: 'csv' | 'xlsx';
  dateOrder?: DateOrder;
  uniqueKeyLimit?: number;
}

export type RowConverter = ((row: SourceRow, values?: BulkValue[], checkUnique?: boolean) => BulkValue[] | Rejection) & {
  unique: UniquenessTracker;
};

/**
 * Converts one row (into `values`), or says why not. Synchronous: a row costs no promise unless it is rejected.
 * `checkUnique: false` converts a row already checked (again, to encode it).
 */
export function rowConverter(plan: ConversionPlan): RowConverter {
  const { active, width, table, model } = plan;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const converters: Converter[] = active.map((e) => columnConverter(byName.get(e.column)!, table, model, plan.dateOrder ? { dateOrder: plan.dateOrder } : {}));
  const unique = new UniquenessTracker(
    table,
    active.map((e) => e.column),
    plan.uniqueKeyLimit,
  );
  const csv = plan.format === 'csv';
  const convert = (row: SourceRow, values: BulkValue[] = new Array(active.length), checkUnique = true): BulkValue[] | Rejection => {
    const cells = row.cells;
    if (cells.length > width && cells.slice(width).some((c) => c !== null && c !== ''))
      return { header: null, reason: `the row has ${cells.length} cells but the header has ${width}` };
    if (cells.length < width && csv) return { header: null, reason: `the row has ${cells.length} cells but the header has ${width}` };
    for (let i = 0; i < active.length; i++) {
      const cell = cells[active[i]!.index] ?? null;
      // Undo the export's formula neutralising ('=1 → =1), so an exported file imports back unchanged.
      const parsed = converters[i]!(typeof cell === 'string' && cell.charCodeAt(0) === 39 ? restoreNeutralised(cell) : cell);
      if (parsed instanceof Invalid) return { header: active[i]!.header, reason: parsed.reason };
      values[i] = parsed;
    }
    const duplicate = checkUnique ? unique.check(values, row.row) : null;
    return duplicate ? { header: null, reason: duplicate } : values;
  };
  return Object.assign(convert, { unique });
}
