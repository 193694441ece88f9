import type { BulkValue, StreamedColumn } from '../../dialects/bulk-load.ts';

/**
 * Formula-injection neutralising (OWASP "CSV Injection"): text starting with `=`, `+`, `-`, `@` (or their fullwidth
 * forms, which Apple Numbers folds), tab, CR or LF gets a leading `'`, which spreadsheet programs show but do not
 * evaluate. Text already starting with quotes before such a character gets one more, so the import can take exactly
 * one off (`restoreNeutralised`) and every value comes back as it was. Header cells get the same treatment.
 */
const NEUTRALISE = /^'*[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

export function neutraliseFormula(text: string): string {
  return NEUTRALISE.test(text) ? `'${text}` : text;
}

/** The inverse of neutraliseFormula, applied to text cells and headers on import. */
export function restoreNeutralised(text: string): string {
  return text.startsWith("'") && NEUTRALISE.test(text.slice(1)) ? text.slice(1) : text;
}

/**
 * OOXML's escape for text XML cannot carry (ECMA-376 ST_Xstring): a character is written `_xHHHH_`, and text that
 * already looks like an escape gets its `_` escaped (`_x005F_`). exceljs writes neither: it drops control characters
 * (and DEL) and CR (XML readers turn CR into LF), and leaves `_x000D_` as is, which Excel then reads as a CR.
 */
const XML_UNSAFE = /_(?=x[0-9A-Fa-f]{4}_)|[\u0000-\u0008\u000B\u000C\u000D\u000E-\u001F\u007F\uFFFE\uFFFF]/;
const XML_UNSAFE_ALL = new RegExp(XML_UNSAFE.source, 'g');
const ESCAPED = /_x([0-9A-Fa-f]{4})_/g;

export function encodeXlsxText(text: string): string {
  return XML_UNSAFE.test(text) ? text.replace(XML_UNSAFE_ALL, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`) : text;
}

/** The inverse of encodeXlsxText, as Excel reads text cells. */
export function decodeXlsxText(text: string): string {
  return text.includes('_x') ? text.replace(ESCAPED, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
}

/** A header cell: neutralised like a value, so a column named `=HYPERLINK(…)` is not a live formula. */
export function headerCell(name: string): string {
  return neutraliseFormula(name);
}

/**
 * What a BYOS CSV quotes besides the delimiter, quote and line breaks: empty strings (`""`, so that an empty field
 * is NULL, as in PostgreSQL's CSV), text starting with an apostrophe (the formula guard's `'-` is then never read as
 * quoted with `'`), and every delimiter an import would sniff (so the file's own delimiter is the only one that
 * splits every line the same way).
 */
export const CSV_QUOTED = /^$|^'|[\r\n,;\t|]/;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let out = '\\x';
  for (const b of bytes) out += HEX[b];
  return out;
}

/**
 * A value as CSV text: ISO 8601 dates (already so from the stream), `\x` hex for binary, JSON for documents. NULL
 * stays null (written as an empty field), so that the empty string can be written quoted (`""`), as PostgreSQL does.
 */
export function csvCell(value: BulkValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return neutraliseFormula(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return hex(value);
  return neutraliseFormula(JSON.stringify(value));
}

/** What an XLSX cell gets: numbers and booleans as such, dates as date cells when Excel can hold them exactly. */
export type XlsxCell = { value: string | number | boolean | Date | null; numFmt?: string };

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?$/;
const PLAIN_NUMBER = /^-?\d+(?:\.(\d{1,20}))?$/;

/** Significant digits Excel keeps in a number; it shows and saves more as zeros. */
const EXCEL_DIGITS = 15;

/**
 * A decimal text as a number cell when the number, shown with the text's decimals, reads back as the same text
 * (`1.50` is 1.5 shown as `0.00`) within Excel's 15 digits; `-0`, `007` and longer numbers stay text.
 */
function exactNumber(text: string): XlsxCell | null {
  const m = PLAIN_NUMBER.exec(text);
  if (!m) return null;
  const n = Number(text);
  const scale = m[1]?.length ?? 0;
  const significant = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
  if (significant > EXCEL_DIGITS || !Number.isFinite(n) || n.toFixed(scale) !== text) return null;
  return scale ? { value: n, numFmt: `0.${'0'.repeat(scale)}` } : { value: n };
}

/**
 * Whether Excel shows the day as itself: its calendar starts in 1900 and counts a 29 February 1900 that never was, so
 * earlier days (and negative serial numbers) would come back as other days. Those stay ISO text.
 */
const excelHolds = (isoText: string) => isoText >= '1900-03-01';

/** A text cell: neutralised, then escaped for XML. */
const textCell = (text: string): XlsxCell => ({ value: encodeXlsxText(neutraliseFormula(text)) });

export function xlsxCell(value: BulkValue, column: StreamedColumn): XlsxCell {
  if (value === null || value === undefined) return { value: null };
  // Whole numbers past Excel's digits (ids near 2^53) as text: Excel would save them with their last digits zeroed.
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 10 ** EXCEL_DIGITS) return textCell(String(value));
  if (typeof value === 'number' || typeof value === 'boolean') return { value };
  if (typeof value === 'bigint') return { value: value.toString() };
  if (value instanceof Date) return { value, numFmt: 'yyyy-mm-dd hh:mm:ss' };
  if (value instanceof Uint8Array) return { value: hex(value) };
  if (typeof value !== 'string') return textCell(JSON.stringify(value));
  if (column.kind === 'date') {
    const m = DATE_ONLY.exec(value);
    if (m && excelHolds(value)) return { value: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))), numFmt: 'yyyy-mm-dd' };
  }
  if (column.kind === 'timestamp') {
    const m = TIMESTAMP.exec(value);
    if (m && excelHolds(value)) {
      const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
      return {
        value: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms)),
        numFmt: 'yyyy-mm-dd hh:mm:ss',
      };
    }
  }
  if (column.kind === 'decimal' || column.kind === 'money' || column.kind === 'bigint') {
    const cell = exactNumber(value);
    if (cell) return cell;
  }
  return textCell(value);
}

/** A header cell in an XLSX file. */
export const xlsxHeaderCell = (name: string): string => encodeXlsxText(headerCell(name));
