import type { NeutralType } from '../../contracts/schema-model.ts';

/**
 * What a column type change does to the stored values:
 * - `same`: nothing changes;
 * - `free`: every old value fits and the bytes stay as they are (longer varchar, varchar to text, more decimal
 *   precision at the same scale), a catalog change on every engine that can ALTER in place;
 * - `narrow`: some old values may not fit or lose part of themselves (shorter text, smaller integer, fewer
 *   decimals, timestamp to date): the change can fail on real data or silently cut it;
 * - `convert`: every value is rewritten into a new representation (integer to bigint, text to integer).
 */
export type TypeChange = 'same' | 'free' | 'narrow' | 'convert';

const INTEGER_BYTES: Partial<Record<NeutralType['kind'], number>> = { smallint: 2, integer: 4, bigint: 8 };
const TEXTUAL = new Set<NeutralType['kind']>(['char', 'varchar', 'text']);
const TIMESTAMPS = new Set<NeutralType['kind']>(['timestamp', 'timestamptz']);

export function classifyTypeChange(from: NeutralType, to: NeutralType): TypeChange {
  if (sameType(from, to)) return 'same';
  const fromInt = INTEGER_BYTES[from.kind];
  const toInt = INTEGER_BYTES[to.kind];
  if (fromInt !== undefined && toInt !== undefined) return toInt > fromInt ? 'convert' : 'narrow';
  if ((from.kind === 'decimal' || from.kind === 'real' || from.kind === 'double' || from.kind === 'money') && toInt !== undefined) return 'narrow';
  if (from.kind === 'decimal' && to.kind === 'decimal') return decimalChange(from, to);
  if (from.kind === 'double' && to.kind === 'real') return 'narrow';
  if ((from.kind === 'varchar' || from.kind === 'text') && (to.kind === 'varchar' || to.kind === 'text')) return lengthChange(from, to);
  if (from.kind === 'char' && to.kind === 'char') return lengthChange(from, to);
  if (from.kind === 'binary' && to.kind === 'binary') return lengthChange(from, to);
  if (TEXTUAL.has(to.kind) && to.length !== undefined && !TEXTUAL.has(from.kind)) return 'narrow';
  if (TEXTUAL.has(from.kind) && !TEXTUAL.has(to.kind)) return 'narrow';
  if (TIMESTAMPS.has(from.kind) && to.kind === from.kind) return precisionChange(from, to);
  if ((TIMESTAMPS.has(from.kind) && (to.kind === 'date' || to.kind === 'time')) || (from.kind === 'time' && to.kind === 'time')) {
    return from.kind === 'time' ? precisionChange(from, to) : 'narrow';
  }
  if (from.kind === 'enum' && to.kind === 'enum') return 'narrow';
  return 'convert';
}

function sameType(a: NeutralType, b: NeutralType): boolean {
  return (
    a.kind === b.kind &&
    a.length === b.length &&
    a.precision === b.precision &&
    a.scale === b.scale &&
    a.enumName === b.enumName &&
    (a.element === undefined) === (b.element === undefined) &&
    (a.element === undefined || sameType(a.element, b.element!))
  );
}

/** Unbounded (no length) holds everything; a longer limit holds every shorter value. */
function lengthChange(from: NeutralType, to: NeutralType): TypeChange {
  if (to.length === undefined) return from.kind === 'char' && to.kind !== 'char' ? 'convert' : 'free';
  if (from.length === undefined || to.length < from.length) return 'narrow';
  // char(n) pads to n: a longer char(m) rewrites every value with more padding.
  return from.kind === 'char' ? 'convert' : 'free';
}

function decimalChange(from: NeutralType, to: NeutralType): TypeChange {
  if (to.precision === undefined) return 'free';
  if (from.precision === undefined) return 'narrow';
  const fromScale = from.scale ?? 0;
  const toScale = to.scale ?? 0;
  if (toScale < fromScale || to.precision - toScale < from.precision - fromScale) return 'narrow';
  return toScale === fromScale ? 'free' : 'convert';
}

function precisionChange(from: NeutralType, to: NeutralType): TypeChange {
  const a = from.precision ?? 6;
  const b = to.precision ?? 6;
  return b >= a ? 'free' : 'narrow';
}
