import type { NeutralKind } from '../../contracts/schema-model.ts';
import type { BulkValue } from '../../dialects/bulk-load.ts';

/**
 * Turns a raw value read by a dialect's CopySupport (server text, safe integers, Buffers) into what the target's
 * bulk loader takes for a column of `kind`. `where` names the column for errors (`track.Milliseconds`).
 */
export function toBulkValue(value: unknown, kind: NeutralKind, where: string): BulkValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'boolean':
      return toBoolean(value, where);
    case 'smallint':
    case 'integer':
    case 'bigint':
      return toInteger(value, where);
    case 'decimal':
    case 'money':
      return typeof value === 'number' ? plainDecimal(value) : typeof value === 'bigint' ? value.toString() : text(value);
    case 'real':
    case 'double':
      return toFloat(value, where);
    case 'binary':
      return toBytes(value);
    case 'array':
      return typeof value === 'string' && value.startsWith('[') ? jsonToArrayLiteral(value, where) : text(value);
    default:
      return text(value);
  }
}

/**
 * toBulkValue for one column, its kind chosen once (same results: test/movers/copy/values.test.ts): a copy converts
 * millions of values column by column, and the common case (text as a string, an integer as a bigint) returns the
 * value as it came.
 */
export function bulkValueConverter(kind: NeutralKind, where: string): (value: unknown) => BulkValue {
  switch (kind) {
    case 'boolean':
      return (value) => (value === null || value === undefined ? null : toBoolean(value, where));
    case 'smallint':
    case 'integer':
    case 'bigint':
      return (value) => (typeof value === 'bigint' ? value : value === null || value === undefined ? null : toInteger(value, where));
    case 'decimal':
    case 'money':
      return (value) =>
        value === null || value === undefined
          ? null
          : typeof value === 'number'
            ? plainDecimal(value)
            : typeof value === 'bigint'
              ? value.toString()
              : text(value);
    case 'real':
    case 'double':
      return (value) => (typeof value === 'number' ? value : value === null || value === undefined ? null : toFloat(value, where));
    case 'binary':
      return (value) => (value === null || value === undefined ? null : toBytes(value));
    case 'array':
      return (value) =>
        value === null || value === undefined ? null : typeof value === 'string' && value.startsWith('[') ? jsonToArrayLiteral(value, where) : text(value);
    default:
      return (value) => (typeof value === 'string' ? value : value === null || value === undefined ? null : text(value));
  }
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return plainDecimal(value);
  return String(value);
}

const TRUE_TEXT = new Set(['t', 'true', '1', 'y', 'yes', 'on']);
const FALSE_TEXT = new Set(['f', 'false', '0', 'n', 'no', 'off']);

function toBoolean(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0;
  const t = String(value).trim().toLowerCase();
  if (TRUE_TEXT.has(t)) return true;
  if (FALSE_TEXT.has(t)) return false;
  throw new Error(`${where}: ${JSON.stringify(String(value).slice(0, 40))} is not a boolean`);
}

function toInteger(value: unknown, where: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  const t = String(value).trim();
  if (/^[+-]?\d+$/.test(t)) return BigInt(t);
  if (t === 't' || t === 'f') return t === 't' ? 1n : 0n;
  throw new Error(`${where}: ${JSON.stringify(t.slice(0, 40))} is not an integer`);
}

function toFloat(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const n = Number(String(value).trim());
  if (Number.isNaN(n) && String(value).trim() !== 'NaN') throw new Error(`${where}: ${JSON.stringify(String(value).slice(0, 40))} is not a number`);
  return n;
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const t = String(value);
  // Postgres bytea text output (hex format).
  if (/^\\x([0-9a-fA-F]{2})*$/.test(t)) return Buffer.from(t.slice(2), 'hex');
  return Buffer.from(t, 'utf8');
}

/** A number as a plain decimal, never in exponent form (1e-7 → 0.0000001), so a NUMERIC column takes it. */
export function plainDecimal(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, head, tail = '', exp] = m;
  const digits = head! + tail;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** `[1,[2,null],"a\"b"]` → `{1,{2,NULL},"a\"b"}`: a JSON array read from one engine as a Postgres array literal. */
export function jsonToArrayLiteral(json: string, where: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${where}: ${JSON.stringify(json.slice(0, 40))} is not a JSON array`);
  }
  const element = (v: unknown): string => {
    if (v === null) return 'NULL';
    if (Array.isArray(v)) return `{${v.map(element).join(',')}}`;
    const t = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `"${t.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  };
  if (!Array.isArray(parsed)) throw new Error(`${where}: ${JSON.stringify(json.slice(0, 40))} is not a JSON array`);
  return element(parsed);
}

/** A raw key value as JSON can hold it (checkpoints): bigints and bytes as tagged objects. */
export function encodeKey(values: readonly unknown[]): unknown[] {
  return values.map((v) => (typeof v === 'bigint' ? { bigint: v.toString() } : v instanceof Uint8Array ? { hex: Buffer.from(v).toString('hex') } : v));
}

export function decodeKey(values: readonly unknown[]): unknown[] {
  return values.map((v) => {
    if (v && typeof v === 'object' && 'bigint' in v) return BigInt((v as { bigint: string }).bigint);
    if (v && typeof v === 'object' && 'hex' in v) return Buffer.from((v as { hex: string }).hex, 'hex');
    return v;
  });
}
