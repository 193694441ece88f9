import type { MigrationOp } from '../../contracts/migration-op.ts';
import type { SchemaModel, Table } from '../../contracts/schema-model.ts';
import { formatTableName, lookupTable, missingTableMessage, TableNameError, type TableRef, toTableRef } from '../../schema/table-names.ts';
import { restoreNeutralised } from '../export/cells.ts';
import { type CreateRules, createTablePlan, tableFromOp } from './infer.ts';
import type { CellValue, SourceBatch } from './source.ts';

/** The table an import writes, always with its schema. */
export interface ImportTable {
  schema: string;
  name: string;
}

export interface ImportTarget {
  ref: ImportTable;
  /** How reports and messages print it: bare in the default schema, else `schema.table`, quoted where needed. */
  display: string;
  table: Table;
  /** The createTable op `--create` runs (compiled for the default schema; run in `ref.schema`), or null. */
  createOp: Extract<MigrationOp, { op: 'createTable' }> | null;
  /** What inference says about the columns it made (numbers kept as text, and why). */
  notes: string[];
  /** The file's rows: for `--create` the sampled batches come first again. */
  batches: AsyncIterable<SourceBatch>;
}

/** Something about the target table the user must fix: it is missing, exists already, or is named wrongly. */
export class ImportTargetError extends Error {
  override name = 'ImportTargetError';
}

/**
 * Finds the table `table` names (text in the table-name syntax of schema/table-names.ts, or `{ schema?, name }`; no
 * schema: the default schema), or, with `create`, plans it from the first `sampleRows` rows: one column per header
 * the explicit mapping does not leave out, named as it maps it (a renamed header gets its entry in `explicit`).
 */
export async function resolveImportTarget(
  model: SchemaModel,
  table: string | TableRef,
  create: { sampleRows: number; headers: readonly string[]; explicit: Record<string, string | null>; rules?: CreateRules } | null,
  batches: AsyncIterable<SourceBatch>,
): Promise<ImportTarget> {
  let parsed: TableRef;
  try {
    parsed = toTableRef(table);
  } catch (error) {
    if (error instanceof TableNameError) throw new ImportTargetError(`--table ${error.message}`);
    throw error;
  }
  const ref = { schema: parsed.schema ?? model.defaultSchema, name: parsed.name };
  const display = formatTableName(ref, model.defaultSchema);
  const existing = lookupTable(model, ref) ?? null;
  if (!create) {
    if (!existing) throw new ImportTargetError(`${missingTableMessage(model, ref)}; add --create to make it from the file`);
    return { ref, display, table: existing, createOp: null, notes: [], batches };
  }
  if (existing) throw new ImportTargetError(`table "${display}" already exists; drop --create to import into it`);
  const iterator = batches[Symbol.asyncIterator]();
  const read: SourceBatch[] = [];
  for (let count = 0; count < create.sampleRows; ) {
    const next = await iterator.next();
    if (next.done) break;
    read.push(next.value);
    count += next.value.rows.length;
  }
  const sample = read.flatMap((b) => b.rows).slice(0, create.sampleRows);
  const { headers, explicit } = create;
  const included = headers
    .map((h, i) => ({ h, i, target: explicit[h] !== undefined ? explicit[h] : explicit[String(i + 1)] !== undefined ? explicit[String(i + 1)] : h }))
    .filter((x) => x.target !== null);
  // The cells as the import reads them: an export's `'-5` is -5.
  const cell = (c: CellValue | undefined) => (typeof c === 'string' ? restoreNeutralised(c) : (c ?? null));
  let plan: ReturnType<typeof createTablePlan>;
  try {
    plan = createTablePlan(
      ref.name,
      included.map((x) => x.target!),
      sample.map((r) => included.map((x) => cell(r.cells[x.i]))),
      create.rules,
    );
  } catch (error) {
    throw new ImportTargetError((error as Error).message);
  }
  const createOp = plan.op;
  included.forEach((x) => {
    if (x.target !== x.h) explicit[x.h] = x.target;
  });
  return {
    ref,
    display,
    table: tableFromOp(createOp, ref.schema),
    createOp,
    notes: plan.notes,
    batches: {
      async *[Symbol.asyncIterator]() {
        yield* read;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      },
    },
  };
}
