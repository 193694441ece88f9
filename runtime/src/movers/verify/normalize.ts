import type { NeutralKind } from '../../contracts/schema-model.ts';
import { plainDecimal } from '../copy/values.ts';

/**
 * How a pair of columns is compared. Equal data hashes equal on every engine because each side's raw value is
 * turned into one canonical text per class: integers as decimal text, booleans as true/false, timestamps in UTC ISO
 * with six fractional digits, decimals without superfluous zeros, bytes as hex, JSON with sorted keys, text as is.
 */
export type ValueClass =
  | 'boolean'
  | 'integer'
  | 'decimal'
  | 'float'
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'time'
  | 'binary'
  | 'json'
  | 'char'
  | 'uuid'
  | 'text';

/** The class for a column that is `a` on one side and `b` on the other; the richer meaning wins, either way round. */
export function valueClass(a: NeutralKind, b: NeutralKind = a): ValueClass {
  const kinds = new Set([a, b]);
  const has = (...k: NeutralKind[]) => k.some((x) => kinds.has(x));
  if (has('boolean')) return 'boolean';
  if (has('timestamptz')) return 'timestamptz';
  if (has('json', 'array')) return 'json';
  if (has('binary')) return 'binary';
  if (has('decimal', 'money')) return 'decimal';
  if (has('real', 'double')) return 'float';
  if (has('smallint', 'integer', 'bigint')) return 'integer';
  if (has('timestamp')) return 'timestamp';
  if (has('date')) return 'date';
  if (has('time')) return 'time';
  if (has('uuid')) return 'uuid';
  if (has('char')) return 'char';
  return 'text';
}

const TRUE_TEXT = new Set(['t', 'true', '1', 'y', 'yes', 'on']);

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return `x:${Buffer.from(value).toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return plainDecimal(value);
  return String(value);
}

/** The canonical text of one value; null stays null. */
export function normalizeValue(value: unknown, cls: ValueClass): string | null {
  if (value === null || value === undefined) return null;
  switch (cls) {
    case 'boolean':
      if (typeof value === 'boolean') return String(value);
      if (typeof value === 'number' || typeof value === 'bigint') return String(Number(value) !== 0);
      return String(TRUE_TEXT.has(asText(value).trim().toLowerCase()));
    case 'integer':
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString();
      return canonicalDecimal(asText(value));
    case 'decimal':
      return canonicalDecimal(typeof value === 'number' ? plainDecimal(value) : asText(value));
    case 'float': {
      const n = typeof value === 'number' ? value : Number(asText(value).trim());
      return Number.isNaN(n) && asText(value).trim() !== 'NaN' ? asText(value) : Object.is(n, -0) ? '0' : String(n);
    }
    case 'timestamptz':
      return canonicalTimestamp(asText(value), true);
    case 'timestamp':
      return canonicalTimestamp(asText(value), false);
    case 'date': {
      const t = asText(value).trim();
      if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
      const ts = canonicalTimestamp(t, false);
      return ts.endsWith('T00:00:00.000000') ? ts.slice(0, 10) : ts;
    }
    case 'time':
      return canonicalTime(asText(value).trim());
    case 'binary':
      if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
      if (typeof value === 'string' && /^\\x[0-9a-fA-F]*$/.test(value)) return value.slice(2).toLowerCase();
      return Buffer.from(asText(value), 'utf8').toString('hex');
    case 'json':
      return canonicalJson(asText(value));
    case 'char':
      return asText(value).replace(/ +$/, '');
    case 'uuid':
      return asText(value).toLowerCase();
    default:
      return asText(value);
  }
}

/** `-001.500` → `-1.5`, `2.00` → `2`, `-0` → `0`; anything that is not a plain decimal is returned as given. */
export function canonicalDecimal(text: string): string {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    const e = Number(text);
    return /e/i.test(text) && Number.isFinite(e) ? canonicalDecimal(plainDecimal(e)) : text;
  }
  const whole = m[2]!.replace(/^0+/, '') || '0';
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const body = fraction ? `${whole}.${fraction}` : whole;
  return m[1] === '-' && body !== '0' ? `-${body}` : body;
}

const TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(\s+BC)?$/i;

/**
 * `2009-01-01 00:00:00`, `2009-01-01T00:00:00.5Z`, `2009-01-01 01:00:00+01` → `2009-01-01T00:00:00.000000` (with
 * `Z` for timestamptz). A value without an offset is taken as UTC. Microseconds are kept (no Date in between).
 */
export function canonicalTimestamp(text: string, utc: boolean): string {
  const m = TIMESTAMP.exec(text.trim());
  if (!m || m[9]) return text;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as they are.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let micros = BigInt(date.getTime()) * 1000n + BigInt(`${frac}000000`.slice(0, 6));
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(/:/g, '');
    const offset = (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4, 6) || 0)) * 1_000_000;
    micros -= BigInt(zone[0] === '-' ? -offset : offset);
  }
  const us = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const iso = new Date(Number((micros - us) / 1000n)).toISOString().slice(0, 19);
  return `${iso}.${us.toString().padStart(6, '0')}${utc ? 'Z' : ''}`;
}

function canonicalTime(text: string): string {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(text);
  if (!m) return text;
  return `${m[1]}:${m[2]}:${m[3] ?? '00'}.${(`${m[4] ?? ''}000000`).slice(0, 6)}`;
}

/** JSON with object keys sorted at every level; text that is not JSON is returned as given. */
export function canonicalJson(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sortKeys(parsed));
}
