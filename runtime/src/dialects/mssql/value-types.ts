import type { NeutralType } from '../../contracts/schema-model.ts';
import type { InferredNumberKind, ValueShape } from '../value-shape.ts';

/**
 * tedious: bit → boolean, bigint → string, decimal/numeric/money → number (tedious converts them to a JS number,
 * so more than 15 significant digits lose precision; cast to varchar in the query when that matters),
 * date/datetime/datetime2/datetimeoffset/time → Date, uniqueidentifier → string, binary → Buffer.
 */
export function mssqlValueShape(type: NeutralType): ValueShape {
  switch (type.kind) {
    case 'boolean':
      return { kind: 'boolean' };
    case 'bigint':
      return { kind: 'integer-string' };
    case 'smallint':
    case 'integer':
    case 'decimal':
    case 'money':
    case 'real':
    case 'double':
      return { kind: 'number' };
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return { kind: 'date' };
    case 'binary':
      return { kind: 'buffer' };
    case 'unknown':
      return { kind: 'unknown' };
    default:
      return { kind: 'string' };
  }
}

/** A decimal column made without a precision is decimal(18,0): only whole numbers of up to 18 digits keep their text. */
export function mssqlKeepsNumberText(kind: InferredNumberKind, text: string): boolean {
  return kind !== 'decimal' || /^-?\d{1,18}$/.test(text);
}
