import type { NeutralType } from '../../contracts/schema-model.ts';
import type { InferredNumberKind, ValueShape } from '../value-shape.ts';

/**
 * better-sqlite3 without safeIntegers: every INTEGER comes back as a JS number (so bigint columns beyond 2^53
 * lose precision — turn on safeIntegers to get bigint instead), REAL and NUMERIC as numbers, BLOB as Buffer.
 * SQLite has no boolean, date or JSON storage: those come back as 0/1, text and text (a DATETIME column is text,
 * never a Date). Under safeIntegers a NUMERIC column holding a whole number also comes back as a bigint.
 */
export function sqliteValueShape(type: NeutralType): ValueShape {
  switch (type.kind) {
    case 'boolean':
    case 'smallint':
    case 'integer':
    case 'bigint':
      return { kind: 'number', int64: true };
    case 'decimal':
    case 'real':
    case 'double':
    case 'money':
      return { kind: 'number' };
    case 'binary':
      return { kind: 'buffer' };
    case 'unknown':
      return { kind: 'unknown' };
    default:
      return { kind: 'string' };
  }
}

/**
 * better-sqlite3 hands back numbers: an integer reads back as written within 2^53; a DECIMAL column stores a whole
 * number as INTEGER and anything else as a double (REAL), so `1.50`, `1.0` and digits past a double's precision do not.
 */
export function sqliteKeepsNumberText(kind: InferredNumberKind, text: string): boolean {
  const n = Number(text);
  if (kind !== 'decimal' || /^-?\d+$/.test(text)) return Number.isSafeInteger(n);
  return String(n) === text;
}
