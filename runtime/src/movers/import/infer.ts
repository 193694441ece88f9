import type { MigrationOp } from '../../contracts/migration-op.ts';
import type { Column, NeutralType, Table } from '../../contracts/schema-model.ts';
import type { CellValue } from './source.ts';
import type { InferredNumberKind } from '../../dialects/value-shape.ts';
import { Invalid, parseDateTime, parseDecimalText, parseUuid } from './values.ts';

type Inferred = 'boolean' | 'integer' | 'bigint' | 'decimal' | 'date' | 'timestamp' | 'timestamptz' | 'uuid' | 'json' | 'text';

/** Widening order: a column takes the first type every non-empty sample value fits. */
const CANDIDATES: Inferred[] = ['boolean', 'integer', 'bigint', 'decimal', 'date', 'timestamp', 'timestamptz', 'uuid', 'json', 'text'];

/** Whether a number written canonically as `text` reads back as the same text (the dialect's DriverValues). */
export type KeepsNumberText = (kind: InferredNumberKind, text: string) => boolean;

/** A whole number as a number column writes it back: no leading zero, no `+`, no grouping, not `-0`. */
const CANONICAL_INTEGER = /^(?:0|-?[1-9]\d*)$/;
/** A decimal as a numeric column writes it back, its scale (trailing zeros) included. */
const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)\.\d+$/;
const NEGATIVE_ZERO = /^-0(?:\.0*)?$/;
const INT32 = 2 ** 31;

/**
 * Whether `cell` is a number whose text a column of `kind` gives back unchanged: a zip code `08123`, an id past
 * 2^53, a phone number `+4420…`, `1,234.50` or (on SQLite) `1.50` would not, and keep the column text. XLSX number
 * cells are numbers already.
 */
function numberFits(kind: InferredNumberKind, cell: CellValue, keeps: KeepsNumberText): boolean {
  if (typeof cell === 'number') {
    if (kind === 'decimal') return Number.isFinite(cell);
    return Number.isInteger(cell) && (kind === 'integer' ? cell >= -INT32 && cell < INT32 : Number.isSafeInteger(cell));
  }
  if (typeof cell !== 'string' || NEGATIVE_ZERO.test(cell)) return false;
  // A run of digits past 2^53 is an identifier (a card, an account), not an amount: it stays text in every column.
  const whole = CANONICAL_INTEGER.test(cell);
  if (whole && (cell.length > 17 || !Number.isSafeInteger(Number(cell)))) return false;
  if (kind === 'decimal') return (whole || CANONICAL_DECIMAL.test(cell)) && keeps(kind, cell);
  const n = Number(cell);
  return whole && (kind === 'integer' ? n >= -INT32 && n < INT32 : true) && keeps(kind, cell);
}

function fits(kind: Inferred, cell: CellValue, keeps: KeepsNumberText): boolean {
  switch (kind) {
    case 'boolean':
      return typeof cell === 'boolean' || (typeof cell === 'string' && /^(true|false|yes|no)$/i.test(cell.trim()));
    case 'integer':
    case 'bigint':
    case 'decimal':
      return numberFits(kind, cell, keeps);
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

/** Numbers the way PostgreSQL keeps them: every canonical text reads back as written. */
const keepsAll: KeepsNumberText = () => true;

export interface InferredColumn {
  type: NeutralType;
  /** Why a column of numbers stays text: the first value a number column would not give back as written. */
  why: string | null;
}

/** The narrowest type that holds every non-empty value of the sample, and why numbers stay text when they do. */
export function inferColumn(values: readonly CellValue[], keeps: KeepsNumberText = keepsAll): InferredColumn {
  const present = values.filter((v) => v !== null && !(typeof v === 'string' && v.trim() === ''));
  if (present.length === 0) return { type: { kind: 'text' }, why: null };
  const kind = CANDIDATES.find((k) => present.every((v) => fits(k, v, keeps))) ?? 'text';
  let why: string | null = null;
  // Numbers as people write them, which the old inference took: say which one keeps the column text.
  if (kind === 'text' && present.every((v) => typeof v === 'number' || !(parseDecimalText(v) instanceof Invalid))) {
    const first = present.find((v) => !numberFits('decimal', v, keeps));
    if (first !== undefined) why = `"${String(first)}" would not read back as written from a number column`;
  }
  return { type: { kind }, why };
}

/** The narrowest type that holds every non-empty value of the sample; text when nothing else does (or all empty). */
export function inferType(values: readonly CellValue[], keeps: KeepsNumberText = keepsAll): NeutralType {
  return inferColumn(values, keeps).type;
}

export interface CreateRules {
  /** Why a table or column name cannot be used as written (the dialect's identifier limit), or null. */
  identifierProblem?: (name: string) => string | null;
  keepsNumberText?: KeepsNumberText;
  /** Types given by the user (`--type col=TYPE`), by column name; they win over inference. */
  types?: Record<string, NeutralType>;
}

type CreateTable = Extract<MigrationOp, { op: 'createTable' }>;

/** A createTable op for a file: one nullable column per header, typed from the sample rows. */
export function createTableOp(table: string, headers: readonly string[], sample: readonly (readonly CellValue[])[], rules: CreateRules = {}): CreateTable {
  return createTablePlan(table, headers, sample, rules).op;
}

/** createTableOp, with notes on the columns that stay text although their values look like numbers. */
export function createTablePlan(
  table: string,
  headers: readonly string[],
  sample: readonly (readonly CellValue[])[],
  rules: CreateRules = {},
): { op: CreateTable; notes: string[] } {
  const tableProblem = rules.identifierProblem?.(table);
  if (tableProblem) throw new Error(`the table name "${table.slice(0, 40)}${table.length > 40 ? '…' : ''}" ${tableProblem}: choose a shorter --table`);
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h.trim() === '') throw new Error(`column ${i + 1} has an empty header: name it, or leave it out with --map ${i + 1}=`);
    const problem = rules.identifierProblem?.(h);
    if (problem) throw new Error(`header "${h.slice(0, 40)}…" (column ${i + 1}) ${problem}: rename it with --map ${i + 1}=SHORTER`);
    if (h.includes('\u0000')) throw new Error(`header of column ${i + 1} contains a NUL character`);
    const before = seen.get(h);
    if (before !== undefined) throw new Error(`header "${h}" appears twice (columns ${before + 1} and ${i + 1}); rename one to create the table`);
    seen.set(h, i);
  });
  const unknown = Object.keys(rules.types ?? {}).filter((name) => !seen.has(name));
  if (unknown.length)
    throw new Error(
      `--type names ${unknown.map((n) => `"${n}"`).join(', ')}, not a column the file creates (its columns: ${headers.map((h) => `"${h}"`).join(', ')})`,
    );
  const notes: string[] = [];
  const columns = headers.map((name, i) => {
    const given = rules.types?.[name];
    if (given) return { name, type: given, nullable: true };
    const inferred = inferColumn(
      sample.map((row) => row[i] ?? null),
      rules.keepsNumberText,
    );
    if (inferred.why) notes.push(`column "${name}" stays text: ${inferred.why} (--type ${name}=decimal to store numbers anyway)`);
    return { name, type: inferred.type, nullable: true };
  });
  return { op: { op: 'createTable', table, columns, uniques: [], checks: [], foreignKeys: [] }, notes };
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
