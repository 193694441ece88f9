import type { NeutralType } from '../../contracts/schema-model.ts';

const BY_NAME: Record<string, NeutralType['kind']> = {
  bool: 'boolean',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  numeric: 'decimal',
  float4: 'real',
  float8: 'double',
  money: 'money',
  bpchar: 'char',
  char: 'char',
  varchar: 'varchar',
  text: 'text',
  name: 'text',
  citext: 'text',
  uuid: 'uuid',
  date: 'date',
  time: 'time',
  timetz: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  interval: 'interval',
  json: 'json',
  jsonb: 'json',
  bytea: 'binary',
  xml: 'xml',
  inet: 'network',
  cidr: 'network',
  macaddr: 'network',
  macaddr8: 'network',
};

/** What the introspection query reports for a type: pg_type's name and category, and the column's typmod. */
export interface PostgresTypeInfo {
  /** pg_type.typname of the column's type (after resolving a domain to its base). */
  name: string;
  /** pg_type.typtype: b base, e enum, d domain, c composite, r range. */
  kind: string;
  typmod: number;
  /** Element type of an array, resolved the same way. */
  element?: PostgresTypeInfo;
  /** Schema-qualified type name (unqualified in the default schema); used when `kind` is an enum. */
  enumName?: string;
}

export function postgresNeutralType(info: PostgresTypeInfo): NeutralType {
  if (info.element) return { kind: 'array', element: postgresNeutralType(info.element) };
  if (info.kind === 'e') return { kind: 'enum', ...(info.enumName ? { enumName: info.enumName } : {}) };
  const kind = BY_NAME[info.name] ?? 'unknown';
  const type: NeutralType = { kind };
  if ((kind === 'varchar' || kind === 'char') && info.typmod > 4) type.length = info.typmod - 4;
  if (kind === 'decimal' && info.typmod > 4) {
    type.precision = ((info.typmod - 4) >> 16) & 0xffff;
    type.scale = (info.typmod - 4) & 0xffff;
  }
  // Fractional-second digits, when declared: time(3), timestamptz(0). An interval's typmod also holds its fields;
  // its low 16 bits are the precision, all ones meaning none was given.
  if ((kind === 'time' || kind === 'timestamp' || kind === 'timestamptz') && info.typmod >= 0) type.precision = info.typmod;
  if (kind === 'interval' && info.typmod >= 0 && (info.typmod & 0xffff) !== 0xffff) type.precision = info.typmod & 0xffff;
  return type;
}
