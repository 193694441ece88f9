import type { MigrationOp } from '../../contracts/migration-op.ts';
import type { Column, NeutralType, Table } from '../../contracts/schema-model.ts';
import type { CellValue } from './source.ts';
import { Invalid, parseDateTime, parseDecimalText, parseInteger, parseUuid } from './values.ts';

type Inferred = 'boolean' | 'integer' | 'bigint' | 'decimal' | 'date' | 'timestamp' | 'timestamptz' | 'uuid' | 'json' | 'text';

/** Widening order: a column takes the first type every non-empty sample value fits. */
const CANDIDATES: Inferred[] = ['boolean', 'integer', 'bigint', 'decimal', 'date', 'timestamp', 'timestamptz', 'uuid', 'json', 'text'];

function fits(kind: Inferred, cell: CellValue): boolean {
  switch (kind) {
    case 'boolean':
      return typeof cell === 'boolean' || (typeof cell === 'string' && /^(true|false|yes|no)$/i.test(cell.trim()));
    case 'integer':
      return typeof cell !== 'boolean' && !(cell instanceof Date) && !(parseInteger(cell, 32) instanceof Invalid);
    case 'bigint':
      return typeof cell !== 'boolean' && !(cell instanceof Date) && !(parseInteger(cell, 64) instanceof Invalid);
    case 'decimal':
      return typeof cell === 'number' || (typeof cell === 'string' && !(parseDecimalText(cell) instanceof Invalid));
    case 'date': {
      if (cell instanceof Date) return cell.getUTCHours() === 0 && cell.getUTCMinutes() === 0 && cell.getUTCSeconds() === 0;
      if (typeof cell !== 'string') return false;
      const parsed = parseDateTime(cell, undefined, {});
      return !(parsed instanceof Invalid) && parsed.time === undefined;
    }
    case 'timestamp': {
      if (cell instanceof Date) return true;
      const parsed = typeof cell === 'string' ? parseDateTime(cell, undefined, {}) : null;
      return parsed !== null && !(parsed instanceof Invalid) && parsed.offset === undefined;
    }
    case 'timestamptz': {
      const parsed = typeof cell === 'string' ? parseDateTime(cell, undefined, {}) : null;
      return parsed !== null && !(parsed instanceof Invalid);
    }
    case 'uuid':
      return typeof cell === 'string' && !(parseUuid(cell) instanceof Invalid);
    case 'json':
      if (typeof cell !== 'string' || !/^\s*[[{]/.test(cell)) return false;
      try {
        JSON.parse(cell);
        return true;
      } catch {
        return false;
      }
    default:
      return true;
  }
}

/** The narrowest type that holds every non-empty value of the sample; text when nothing else does (or all empty). */
export function inferType(values: readonly CellValue[]): NeutralType {
  const present = values.filter((v) => v !== null && !(typeof v === 'string' && v.trim() === ''));
  if (present.length === 0) return { kind: 'text' };
  const kind = CANDIDATES.find((k) => present.every((v) => fits(k, v))) ?? 'text';
  return { kind };
}

/** A createTable op for a file: one nullable column per header, typed from the sample rows. */
export function createTableOp(table: string, headers: readonly string[], sample: readonly (readonly CellValue[])[]): Extract<MigrationOp, { op: 'createTable' }> {
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h.trim() === '') throw new Error(`column ${i + 1} has an empty header: name it, or leave it out with --map ${i + 1}=`);
    if (Buffer.byteLength(h) > 63) throw new Error(`header "${h.slice(0, 40)}…" (column ${i + 1}) is longer than 63 bytes, too long for a column name`);
    if (h.includes('\u0000')) throw new Error(`header of column ${i + 1} contains a NUL character`);
    const before = seen.get(h);
    if (before !== undefined) throw new Error(`header "${h}" appears twice (columns ${before + 1} and ${i + 1}); rename one to create the table`);
    seen.set(h, i);
  });
  return {
    op: 'createTable',
    table,
    columns: headers.map((name, i) => ({ name, type: inferType(sample.map((row) => row[i] ?? null)), nullable: true })),
    uniques: [],
    checks: [],
    foreignKeys: [],
  };
}

/** The table a createTable op will make, as introspection would describe it (for validation before it exists). */
export function tableFromOp(op: Extract<MigrationOp, { op: 'createTable' }>, schema: string): Table {
  const columns: Column[] = op.columns.map((c) => ({
    name: c.name,
    type: c.type,
    nativeType: c.type.kind,
    nullable: c.nullable,
    default: null,
    identity: c.identity ?? null,
    generated: null,
    comment: null,
  }));
  return { schema, name: op.table, columns, primaryKey: null, foreignKeys: [], uniques: [], indexes: [], checks: [], comment: null, partitionBy: null };
}
