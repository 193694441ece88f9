import type { NeutralType } from '../../contracts/schema-model.ts';
import type { InferredNumberKind, ValueShape } from '../value-shape.ts';

/**
 * node-postgres with its default type parsers (pg-types): int8 and numeric come back as strings (no silent
 * precision loss), int2/int4/float as numbers, date/timestamp/timestamptz as Date (a `date` is local midnight),
 * time and money (formatted with its currency, '$1,234.50') as strings, interval as an object, json/jsonb parsed,
 * bytea as Buffer. Arrays are parsed only for element types pg-types knows: numeric[] comes back as numbers (lossy),
 * an enum, xml or domain array as the raw '{a,b}' text. A domain column (even a domain over an array) comes back as
 * its base type: the wire reports the base type's OID. Unknown types (point, ranges…) are `unknown`: pg-types parses some, leaves others as text.
 */
export function postgresValueShape(type: NeutralType): ValueShape {
  if (type.kind === 'array') {
    const element = type.element ?? { kind: 'unknown' };
    if (element.kind === 'decimal') return { kind: 'array', element: { kind: 'number' } };
    // An array OF a domain has its own type OID, which pg-types does not know (a domain column reports its base type).
    if (element.kind === 'enum' || element.kind === 'unknown' || element.kind === 'xml' || element.domain !== undefined)
      return { kind: 'array-text', element: postgresValueShape(element) };
    if (element.kind === 'array') return { kind: 'string' };
    return { kind: 'array', element: postgresValueShape(element) };
  }
  switch (type.kind) {
    case 'boolean':
      return { kind: 'boolean' };
    case 'smallint':
    case 'integer':
    case 'real':
    case 'double':
      return { kind: 'number' };
    case 'bigint':
      return { kind: 'integer-string' };
    case 'decimal':
      return { kind: 'decimal-string' };
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return { kind: 'date' };
    case 'interval':
      return { kind: 'interval' };
    case 'json':
      return { kind: 'json' };
    case 'binary':
      return { kind: 'buffer' };
    case 'unknown':
      // point, circle, ranges, oid…: pg-types parses some into objects, leaves others as text.
      return { kind: 'unknown' };
    default:
      return { kind: 'string' };
  }
}

/** numeric keeps every digit and the scale; integers read back as written when written canonically. */
export function postgresKeepsNumberText(_kind: InferredNumberKind, _text: string): boolean {
  return true;
}
