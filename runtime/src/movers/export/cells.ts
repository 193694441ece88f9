import type { BulkValue, StreamedColumn } from '../../dialects/bulk-load.ts';

/**
 * Formula-injection neutralising (OWASP "CSV Injection"): text starting with `=`, `+`, `-`, `@`, tab, CR or LF gets
 * a leading `'`, which spreadsheet programs show but do not evaluate. Text already starting with quotes before such
 * a character gets one more, so the import can take exactly one off (`restoreNeutralised`) and every value comes
 * back as it was.
 */
const NEUTRALISE = /^'*[=+\-@\t\r\n]/;

export function neutraliseFormula(text: string): string {
  return NEUTRALISE.test(text) ? `'${text}` : text;
}

/** The inverse of neutraliseFormula, applied to text cells on import. */
export function restoreNeutralised(text: string): string {
  return text.startsWith("'") && NEUTRALISE.test(text.slice(1)) ? text.slice(1) : text;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let out = '\\x';
  for (const b of bytes) out += HEX[b];
  return out;
}

/** A value as CSV text: ISO 8601 dates (already so from the stream), `\x` hex for binary, JSON for documents. */
export function csvCell(value: BulkValue): string {
  if (value === null || value === undefined) return '';
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

function exactNumber(text: string): number | null {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
  const n = Number(text);
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return Number.isFinite(n) && String(n) === trimmed.replace(/^(-?)0+(?=\d)/, '$1') ? n : null;
}

export function xlsxCell(value: BulkValue, column: StreamedColumn): XlsxCell {
  if (value === null || value === undefined) return { value: null };
  if (typeof value === 'number' || typeof value === 'boolean') return { value };
  if (typeof value === 'bigint') return { value: value.toString() };
  if (value instanceof Date) return { value, numFmt: 'yyyy-mm-dd hh:mm:ss' };
  if (value instanceof Uint8Array) return { value: hex(value) };
  if (typeof value !== 'string') return { value: neutraliseFormula(JSON.stringify(value)) };
  if (column.kind === 'date') {
    const m = DATE_ONLY.exec(value);
    if (m) return { value: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))), numFmt: 'yyyy-mm-dd' };
  }
  if (column.kind === 'timestamp') {
    const m = TIMESTAMP.exec(value);
    if (m) {
      const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
      return { value: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms)), numFmt: 'yyyy-mm-dd hh:mm:ss' };
    }
  }
  if (column.kind === 'decimal' || column.kind === 'money' || column.kind === 'bigint') {
    const n = exactNumber(value);
    if (n !== null) return { value: n };
  }
  return { value: neutraliseFormula(value) };
}
