import type { CellValue } from './source.ts';

/**
 * Parsers for text as people write it in spreadsheets. Each returns the canonical value or why it is not one;
 * none guesses: an ambiguous date without `--date-format` is refused with that reason.
 */
export type Parsed<T> = T | Invalid;

/**
 * Why a cell is not a value of its column. A parse returns the value itself or one of these: no wrapper object per
 * cell (a million-row file has millions of cells).
 */
export class Invalid {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

export type DateOrder = 'DMY' | 'MDY' | 'YMD';

const ok = <T>(value: T): T => value;
const fail = (reason: string): Invalid => new Invalid(reason);

const TRUE = new Set(['true', 't', 'yes', 'y', '1', 'on', 'oui', 'ja', 'si', 'sí']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0', 'off', 'non', 'nein']);

export function parseBoolean(cell: CellValue): Parsed<boolean> {
  if (typeof cell === 'boolean') return ok(cell);
  if (cell === 'true' || cell === 'false') return cell === 'true'; // the common spelling, without allocating
  if (typeof cell === 'number' && (cell === 0 || cell === 1)) return ok(cell === 1);
  const text = String(cell).trim().toLowerCase();
  if (TRUE.has(text)) return ok(true);
  if (FALSE.has(text)) return ok(false);
  return fail(`"${cell}" is not a yes/no value (use true/false, yes/no or 1/0)`);
}

/**
 * A decimal number as text with `.` as the decimal point. Thousands separators (`,` space `'` `_`, thin spaces)
 * are accepted in groups of three; `1.234,56` (decimal comma) when both marks appear with the comma last, and a
 * lone comma not followed by exactly three digits (`3,5`).
 */
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;
const PLAIN_INTEGER = /^-?\d{1,15}$/;
const RANGE = { 16: 2 ** 15, 32: 2 ** 31 } as const;

export function parseDecimalText(cell: CellValue): Parsed<string> {
  if (typeof cell === 'string' && PLAIN_DECIMAL.test(cell)) return ok(cell); // the common case, without the rest
  if (typeof cell === 'number') return Number.isFinite(cell) ? ok(String(cell)) : fail(`${cell} is not a finite number`);
  if (typeof cell === 'boolean' || cell instanceof Date) return fail(`"${cell}" is not a number`);
  let text = String(cell)
    .trim()
    .replace(/[\u00a0\u202f\u2009]/g, ' ');
  const negative = /^\(.*\)$/.test(text); // accounting style (1,234.00)
  if (negative) text = text.slice(1, -1);
  text = text.replace(/^([+-]?)[$€£¥]\s?/, '$1').replace(/\s?[$€£¥%]$/, '');
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  if (lastComma > lastDot && (lastDot >= 0 || !/,\d{3}(?!\d)/.test(text.slice(lastComma)))) {
    // decimal comma: dots (or spaces) group thousands
    if (!/^[+-]?\d{1,3}([. ']\d{3})*(,\d+)?$|^[+-]?\d+(,\d+)?$/.test(text)) return fail(`"${cell}" is not a number`);
    text = text.replace(/[. ']/g, '').replace(',', '.');
  } else if (/^[+-]?\d{1,3}([, '_]\d{3})+(\.\d*)?$/.test(text)) {
    text = text.replace(/[, '_]/g, '');
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return fail(`"${cell}" is not a number`);
  if (negative) text = text.startsWith('-') ? text.slice(1) : `-${text.replace(/^\+/, '')}`;
  return ok(text.replace(/^\+/, ''));
}

export function parseInteger(cell: CellValue, bits: 16 | 32 | 64): Parsed<number | bigint> {
  if (typeof cell === 'string' && PLAIN_INTEGER.test(cell)) {
    const n = Number(cell);
    if (bits === 64 || (n >= -RANGE[bits] && n < RANGE[bits])) return ok(n);
  }
  const text = parseDecimalText(cell);
  if (text instanceof Invalid) return text;
  const m = /^(-?\d+)(?:\.0*)?$/.exec(text);
  if (!m) return fail(`"${cell}" is not a whole number`);
  const value = BigInt(m[1]!);
  const limit = 2n ** BigInt(bits - 1);
  if (value < -limit || value >= limit) return fail(`${m[1]} is out of range for a ${bits}-bit integer`);
  return ok(bits === 64 && (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) ? value : Number(value));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= MONTH_DAYS[m - 1]! + (leap ? 1 : 0);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export interface DateParts {
  date: string;
  /** `HH:MM:SS[.fraction]`, absent for a date alone. */
  time?: string;
  /** `+HH:MM` or `Z` as written. */
  offset?: string;
}

/**
 * Dates in the common written forms: ISO `2024-03-31`, `2024/03/31`, `31.03.2024`, `31/03/2024` and `03/31/2024`
 * (the order from `order`, or from the numbers when one is above 12), `31 Mar 2024`, `Mar 31, 2024`; optionally
 * followed by a time (`T` or space, `HH:MM[:SS[.ffffff]]`, AM/PM) and an offset. `learned` remembers the order a
 * column revealed so later ambiguous values follow it.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The number written by the digits of text[from, to), or -1 (no allocation: this runs for every date cell). */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** `YYYY-MM-DD` naming a real calendar day. */
export function isIsoDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const y = digitsAt(text, 0, 4);
  const m = digitsAt(text, 5, 7);
  const d = digitsAt(text, 8, 10);
  return y >= 0 && m >= 0 && d >= 0 && validDate(y, m, d);
}

export function parseDateTime(cell: CellValue, order: DateOrder | undefined, learned: { order?: DateOrder }): Parsed<DateParts> {
  if (typeof cell === 'string') {
    const iso = ISO_DATE.exec(cell);
    if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) ? ok({ date: cell }) : fail(`"${cell}" is not a real calendar date`);
  }
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return fail('invalid date');
    const ms = cell.getUTCMilliseconds();
    return ok({
      date: `${pad(cell.getUTCFullYear(), 4)}-${pad(cell.getUTCMonth() + 1)}-${pad(cell.getUTCDate())}`,
      time: `${pad(cell.getUTCHours())}:${pad(cell.getUTCMinutes())}:${pad(cell.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`,
    });
  }
  const text = String(cell).trim();
  let y: number;
  let mo: number;
  let d: number;
  let rest: string;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(.*)$/.exec(text))) {
    [y, mo, d, rest] = [Number(m[1]), Number(m[2]), Number(m[3]), m[4]!];
  } else if ((m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(.*)$/.exec(text))) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    let use = order ?? learned.order;
    if (!use || use === 'YMD') {
      if (a > 12 && b <= 12) use = 'DMY';
      else if (b > 12 && a <= 12) use = 'MDY';
      else if (a === b) use = 'DMY';
      else return fail(`"${text}" could be day/month or month/day: give --date-format DMY or MDY`);
      if (!order) learned.order = use;
    }
    [y, mo, d, rest] = use === 'MDY' ? [Number(m[3]), a, b, m[4]!] : [Number(m[3]), b, a, m[4]!];
  } else if ((m = /^(\d{1,2})[\s-]+([A-Za-z]{3,})\.?[\s-]+(\d{4})(.*)$/.exec(text)) && MONTHS.includes(m[2]!.slice(0, 3).toLowerCase())) {
    [y, mo, d, rest] = [Number(m[3]), MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase()) + 1, Number(m[1]), m[4]!];
  } else if ((m = /^([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})(.*)$/.exec(text)) && MONTHS.includes(m[1]!.slice(0, 3).toLowerCase())) {
    [y, mo, d, rest] = [Number(m[3]), MONTHS.indexOf(m[1]!.slice(0, 3).toLowerCase()) + 1, Number(m[2]), m[4]!];
  } else {
    return fail(`"${text}" is not a date`);
  }
  if (!validDate(y, mo, d)) return fail(`"${text}" is not a real calendar date`);
  const date = `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
  rest = rest.trim().replace(/^T/i, '');
  if (rest === '') return ok({ date });
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(rest);
  if (!t) return fail(`"${text}" has a time part that is not HH:MM[:SS]`);
  let hours = Number(t[1]);
  if (t[5]) {
    if (hours < 1 || hours > 12) return fail(`"${text}" has an AM/PM hour outside 1–12`);
    hours = (hours % 12) + (/p/i.test(t[5]) ? 12 : 0);
  }
  if (hours > 23 || Number(t[2]) > 59 || Number(t[3] ?? 0) > 59) return fail(`"${text}" has an impossible time`);
  const time = `${pad(hours)}:${t[2]}:${t[3] ?? '00'}${t[4] ?? ''}`;
  const offset = t[6]
    ? t[6].toUpperCase() === 'Z'
      ? 'Z'
      : t[6].length === 3
        ? `${t[6]}:00`
        : t[6].includes(':')
          ? t[6]
          : `${t[6].slice(0, 3)}:${t[6].slice(3)}`
    : undefined;
  return ok({ date, time, ...(offset ? { offset } : {}) });
}

export function parseTime(cell: CellValue): Parsed<string> {
  if (cell instanceof Date) return ok(`${pad(cell.getUTCHours())}:${pad(cell.getUTCMinutes())}:${pad(cell.getUTCSeconds())}`);
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*([AaPp][Mm])?$/.exec(String(cell).trim());
  if (!t) return fail(`"${cell}" is not a time (HH:MM[:SS])`);
  let hours = Number(t[1]);
  if (t[5]) hours = (hours % 12) + (/p/i.test(t[5]) ? 12 : 0);
  if (hours > 23 || Number(t[2]) > 59 || Number(t[3] ?? 0) > 59) return fail(`"${cell}" is an impossible time`);
  return ok(`${pad(hours)}:${t[2]}:${t[3] ?? '00'}${t[4] ?? ''}`);
}

const UUID = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

export function parseUuid(cell: CellValue): Parsed<string> {
  const m = UUID.exec(String(cell).trim());
  return m ? ok(m.slice(1).join('-').toLowerCase()) : fail(`"${cell}" is not a UUID`);
}

export function parseJsonText(cell: CellValue): Parsed<string> {
  if (typeof cell !== 'string') return ok(JSON.stringify(cell instanceof Date ? cell.toISOString() : cell));
  try {
    JSON.parse(cell);
    return ok(cell);
  } catch (error) {
    return fail(`not valid JSON: ${(error as Error).message}`);
  }
}

/** Binary as `\x` or `0x` hex (what export writes), or base64. */
export function parseBinary(cell: CellValue): Parsed<Uint8Array> {
  const text = String(cell).trim();
  const hex = /^(?:\\x|0x)([0-9a-f]*)$/i.exec(text);
  if (hex) return hex[1]!.length % 2 ? fail('hex text has an odd number of digits') : ok(Buffer.from(hex[1]!, 'hex'));
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0) return ok(Buffer.from(text, 'base64'));
  return fail('binary values must be hex (\\x… or 0x…) or base64');
}
