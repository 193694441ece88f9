import type { BulkValue } from '../bulk-load.ts';

/** What better-sqlite3 can bind: booleans as 1/0, dates as ISO 8601 text, JSON as text, bytes as a Buffer. */
export function encodeSqliteValue(value: BulkValue): string | number | bigint | Buffer | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    default:
      break;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('invalid Date value');
    return value.toISOString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return JSON.stringify(value);
}
