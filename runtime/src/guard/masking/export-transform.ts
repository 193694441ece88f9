import type { BulkValue, StreamedColumn } from '../../dialects/bulk-load.ts';
import type { RowTransform } from '../../movers/export/export.ts';
import type { Masker, MaskKind } from './masker.ts';

/** When one output column matches rules of different kinds, the one revealing least wins. */
const STRENGTH: Readonly<Record<MaskKind, number>> = { redact: 4, hash: 3, token: 2, partial: 1 };

/**
 * The masker as an export's per-row hook (exportTable / exportRows `transform`).
 *
 * With `table` (a table export) the rules of that table apply, and a rule naming a column the export does not have,
 * or another table, is an error raised before the first row is written: a typo must not leave a column unmasked.
 * Without `table` (a SQL export, whose columns have no table) every rule whose column name matches an output column
 * applies, the strictest first.
 */
export function maskTransform(masker: Masker, table?: { name: string; schema?: string }): RowTransform {
  let plan: (MaskKind | undefined)[] | undefined;
  const build = (columns: readonly StreamedColumn[]) => {
    const names = new Set(columns.map((c) => c.name));
    if (table) {
      for (const target of Object.keys(masker.rules)) {
        const parts = target.split('.');
        const [schema, ruleTable, column] = parts.length === 3 ? parts : [undefined, parts[0], parts[1]];
        if (ruleTable !== table.name || (schema !== undefined && table.schema !== undefined && schema !== table.schema)) {
          throw new Error(`mask rule ${target} names another table than the one exported (${table.schema ? `${table.schema}.` : ''}${table.name})`);
        }
        if (!names.has(column!)) throw new Error(`mask rule ${target}: the export has no column "${column}" (columns: ${[...names].join(', ')})`);
      }
      return columns.map((c) => masker.ruleFor(table.name, c.name, table.schema));
    }
    const byColumn = new Map<string, MaskKind>();
    for (const [target, kind] of Object.entries(masker.rules)) {
      const column = target.slice(target.lastIndexOf('.') + 1);
      const current = byColumn.get(column);
      if (!current || STRENGTH[kind] > STRENGTH[current]) byColumn.set(column, kind);
    }
    return columns.map((c) => byColumn.get(c.name));
  };
  return (values: BulkValue[], columns: readonly StreamedColumn[]): BulkValue[] => {
    plan ??= build(columns);
    return values.map((value, i) => {
      const kind = plan![i];
      return kind ? masker.maskValue(kind, value) : value;
    });
  };
}
