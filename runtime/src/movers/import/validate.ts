import type { Column, SchemaModel, Table } from '../../contracts/schema-model.ts';
import type { BulkValue } from '../../dialects/bulk-load.ts';
import { type CheckRule, parseCheck } from '../../typegen/checks.ts';
import type { CellValue } from './source.ts';
import {
  type DateOrder,
  Invalid,
  isIsoDate,
  parseBinary,
  parseBoolean,
  parseDateTime,
  parseDecimalText,
  parseInteger,
  parseJsonText,
  type Parsed,
  parseTime,
  parseUuid,
} from './values.ts';

export type Converter = (cell: CellValue) => Parsed<BulkValue>;

const ok = <T>(value: T): T => value;
const fail = (reason: string): Invalid => new Invalid(reason);

function asText(cell: CellValue): string {
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

/** Enum values: a Postgres enum from the model, or a CHECK (col IN (…)) list on any dialect. */
function allowedValues(column: Column, _table: Table, model: SchemaModel, rules: CheckRule[]): string[] | null {
  if (column.type.kind === 'enum' && column.type.enumName) {
    // The model names an enum bare in the default schema, else `schema.name` (either part may hold dots itself).
    const enumName = column.type.enumName;
    const found =
      model.enums.find((e) => e.schema === model.defaultSchema && e.name === enumName) ?? model.enums.find((e) => `${e.schema}.${e.name}` === enumName);
    if (found) return found.values;
  }
  const inRule = rules.find((r) => r.column === column.name && r.op === 'in');
  return inRule && inRule.op === 'in' ? inRule.values.map(String) : null;
}

function tableRules(table: Table): CheckRule[] {
  return table.checks.flatMap((c) => parseCheck(c.expression) ?? []);
}

function withNumericChecks(convert: Converter, column: Column, rules: CheckRule[]): Converter {
  const mine = rules.filter((r) => r.column === column.name && r.op !== 'in') as Extract<CheckRule, { value: number }>[];
  if (mine.length === 0) return convert;
  const holds = {
    '>': (a: number, b: number) => a > b,
    '>=': (a: number, b: number) => a >= b,
    '<': (a: number, b: number) => a < b,
    '<=': (a: number, b: number) => a <= b,
    '=': (a: number, b: number) => a === b,
    '<>': (a: number, b: number) => a !== b,
  };
  return (cell) => {
    const parsed = convert(cell);
    if (parsed instanceof Invalid || parsed === null) return parsed;
    const n = Number(parsed);
    for (const r of mine) if (!holds[r.op](n, r.value)) return fail(`${String(parsed)} breaks the check ${column.name} ${r.op} ${r.value}`);
    return parsed;
  };
}

/** Digits before the point a decimal(p, s) holds. */
function decimalFits(text: string, precision?: number, scale?: number): boolean {
  if (precision === undefined) return true;
  const room = precision - (scale ?? 0);
  const point = text.indexOf('.');
  if ((point < 0 ? text.length : point) <= room) return true; // short enough even counting a sign
  const digits = text
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .split('.')[0]!
    .replace(/^0+/, '');
  return digits.length <= room;
}

/**
 * Turns a cell into the value stored in `column`, or a reason it cannot be: required values, types (dates in the
 * common forms, booleans, numbers with thousands separators), lengths, enum values and simple CHECKs.
 */
export function columnConverter(column: Column, table: Table, model: SchemaModel, options: { dateOrder?: DateOrder } = {}): Converter {
  const rules = tableRules(table);
  const type = column.type;
  const learned: { order?: DateOrder } = {};
  const allowed = allowedValues(column, table, model, rules);
  let convert: Converter;
  switch (type.kind) {
    case 'boolean':
      convert = parseBoolean;
      break;
    case 'smallint':
    case 'integer':
    case 'bigint': {
      const bits = type.kind === 'smallint' ? 16 : type.kind === 'integer' ? 32 : 64;
      convert = (cell) => parseInteger(cell, bits);
      break;
    }
    case 'decimal':
    case 'money':
      convert = (cell) => {
        const parsed = parseDecimalText(cell);
        if (!(parsed instanceof Invalid) && !decimalFits(parsed, type.precision, type.scale))
          return fail(`${parsed} has too many digits for decimal(${type.precision},${type.scale ?? 0})`);
        return parsed;
      };
      break;
    case 'real':
    case 'double':
      convert = (cell) => {
        const parsed = parseDecimalText(cell);
        if (parsed instanceof Invalid) return parsed;
        // A number the column cannot hold is refused here, not rounded to Infinity or 0 on the way.
        const n = type.kind === 'real' ? Math.fround(Number(parsed)) : Number(parsed);
        if (!Number.isFinite(n) || (n === 0 && /[1-9]/.test(parsed)))
          return fail(`${parsed} is out of range for ${type.kind === 'real' ? 'real' : 'double precision'}`);
        return Number(parsed);
      };
      break;
    case 'date':
      convert = (cell) => {
        // ISO dates (what exports write) skip the general parser.
        if (typeof cell === 'string' && isIsoDate(cell)) return cell;
        const parsed = parseDateTime(cell, options.dateOrder, learned);
        if (parsed instanceof Invalid) return parsed;
        if (parsed.time && !/^00:00:00(\.0*)?$/.test(parsed.time)) return fail(`"${asText(cell)}" has a time of day; the column holds dates only`);
        return parsed.date;
      };
      break;
    case 'timestamp':
    case 'timestamptz':
      convert = (cell) => {
        const parsed = parseDateTime(cell, options.dateOrder, learned);
        if (parsed instanceof Invalid) return parsed;
        const { date, time = '00:00:00', offset } = parsed;
        // timestamptz without an offset is read as UTC; a timestamp keeps the wall-clock time as written.
        if (type.kind === 'timestamptz') return ok(`${date} ${time}${offset === undefined || offset === 'Z' ? '+00:00' : offset}`);
        return ok(`${date} ${time}`);
      };
      break;
    case 'time':
      convert = parseTime;
      break;
    case 'uuid':
      convert = parseUuid;
      break;
    case 'json':
      convert = parseJsonText;
      break;
    case 'binary':
      convert = parseBinary;
      break;
    default:
      convert = (cell) => {
        const text = asText(cell);
        // UTF-16 length is at least the character count, so only a long string needs counting.
        if (type.length !== undefined && (type.kind === 'varchar' || type.kind === 'char') && text.length > type.length) {
          const length = [...text].length;
          if (length > type.length) return fail(`${length} characters, more than the ${type.length} the column holds`);
        }
        return ok(text);
      };
  }
  if (allowed) {
    const inner = convert;
    const byLower = new Map<string, string>();
    for (const v of allowed) byLower.set(v.toLowerCase(), byLower.has(v.toLowerCase()) ? '' : v);
    convert = (cell) => {
      const parsed = inner(cell);
      if (parsed instanceof Invalid || parsed === null) return parsed;
      const text = String(parsed);
      if (allowed.includes(text)) return parsed;
      const canonical = byLower.get(text.toLowerCase());
      if (canonical) return ok(canonical);
      return fail(`"${text}" is not one of ${allowed.map((v) => `"${v}"`).join(', ')}`);
    };
  }
  convert = withNumericChecks(convert, column, rules);
  const required = !column.nullable;
  // Null (an empty CSV field, an empty XLSX cell) is NULL. Blank text (CSV `""`, spaces) is a value of a text
  // column, kept as written so that an exported empty string comes back; in any other column it is no value.
  const blankIsText = (type.kind === 'text' || type.kind === 'varchar' || type.kind === 'char') && !allowed;
  return (cell) => {
    if (cell === null || (!blankIsText && typeof cell === 'string' && cell.trim() === '')) {
      if (!required) return ok(null);
      const hint = column.default !== null || column.identity ? ' (leave the column out of the mapping to use its default)' : '';
      return fail(`a value is required (the column is NOT NULL)${hint}`);
    }
    return convert(cell);
  };
}

/**
 * Whole-number keys seen so far, as one bit each over the span from the first key (a million ids cost 125 KB where a
 * Map would take tens of megabytes); keys outside the span go to a Set.
 */
class IntegerKeySet {
  private bits = new Uint8Array(1 << 16);
  private base: number | null = null;
  private readonly maxSpan: number;
  private readonly others = new Set<number>();
  size = 0;

  constructor(maxSpan = 1 << 28) {
    this.maxSpan = maxSpan;
  }

  /** Adds `key`; false when it was already there. */
  add(key: number): boolean {
    this.base ??= key - (1 << 15);
    const offset = key - this.base;
    if (offset < 0 || offset >= this.maxSpan) {
      if (this.others.has(key)) return false;
      this.others.add(key);
      this.size++;
      return true;
    }
    const byte = offset >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.min(Math.max(this.bits.length * 2, byte + 1), this.maxSpan >>> 3));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (offset & 7);
    if (this.bits[byte]! & mask) return false;
    this.bits[byte]! |= mask;
    this.size++;
    return true;
  }
}

type KeyIndex = { name: string; positions: number[]; integers: IntegerKeySet; seen: Map<string | number, number> };

/** Duplicate detection within the file for the primary key and unique constraints whose columns are all loaded. */
export class UniquenessTracker {
  private readonly keys: KeyIndex[];
  private readonly limit: number;
  /** Set once a key set reaches the limit: from then on the database's own constraint is the check. */
  saturated = false;

  constructor(table: Table, columns: readonly string[], limit = 1_000_000) {
    this.limit = limit;
    const constraints = [
      ...(table.primaryKey ? [{ name: 'primary key', columns: table.primaryKey.columns }] : []),
      ...table.uniques.map((u) => ({ name: `unique (${u.columns.join(', ')})`, columns: u.columns })),
    ];
    this.keys = constraints
      .filter((c) => c.columns.every((col) => columns.includes(col)))
      .map((c) => ({
        name: c.name === 'primary key' ? `primary key (${c.columns.join(', ')})` : c.name,
        positions: c.columns.map((col) => columns.indexOf(col)),
        integers: new IntegerKeySet(),
        seen: new Map(),
      }));
  }

  /** Null when the row is new for every key, else the reason naming the earlier row (or value). */
  check(values: readonly BulkValue[], row: number): string | null {
    for (const key of this.keys) {
      if (key.positions.length === 1) {
        const only = values[key.positions[0]!];
        if (only === null || only === undefined) continue;
        if (typeof only === 'number' && Number.isSafeInteger(only)) {
          // Whole numbers (the usual id) take a bit each and have no limit.
          if (!key.integers.add(only)) return `duplicate ${key.name}: ${only} appears earlier in the file`;
          continue;
        }
      }
      const parts = key.positions.map((p) => values[p]);
      if (parts.some((p) => p === null || p === undefined)) continue;
      const id = JSON.stringify(parts.map((p) => (typeof p === 'bigint' ? p.toString() : p)));
      const earlier = key.seen.get(id);
      if (earlier !== undefined) return `duplicate ${key.name}: same value as row ${earlier}`;
      if (key.seen.size < this.limit) key.seen.set(id, row);
      else this.saturated = true;
    }
    return null;
  }
}
