import type { NeutralType } from '../../contracts/schema-model.ts';

/**
 * SQLite stores values by affinity, but the declared type name says what the schema author meant, so the neutral
 * type follows the declared name first (NVARCHAR(160) is varchar(160), DATETIME is timestamp) and falls back to
 * SQLite's own affinity rules (https://www.sqlite.org/datatype3.html §3.1) for names it does not know.
 * REAL maps to `real` by name although SQLite stores it as an 8-byte float; DOUBLE and FLOAT map to `double`.
 */
const BY_NAME: Record<string, NeutralType['kind']> = {
  INTEGER: 'integer',
  INT: 'integer',
  MEDIUMINT: 'integer',
  INT4: 'integer',
  BIGINT: 'bigint',
  INT8: 'bigint',
  'UNSIGNED BIG INT': 'bigint',
  SMALLINT: 'smallint',
  TINYINT: 'smallint',
  INT2: 'smallint',
  VARCHAR: 'varchar',
  NVARCHAR: 'varchar',
  'VARYING CHARACTER': 'varchar',
  'NATIVE CHARACTER': 'char',
  'CHARACTER VARYING': 'varchar',
  CHAR: 'char',
  NCHAR: 'char',
  CHARACTER: 'char',
  TEXT: 'text',
  CLOB: 'text',
  NUMERIC: 'decimal',
  DECIMAL: 'decimal',
  REAL: 'real',
  DOUBLE: 'double',
  'DOUBLE PRECISION': 'double',
  FLOAT: 'double',
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  DATE: 'date',
  TIME: 'time',
  DATETIME: 'timestamp',
  TIMESTAMP: 'timestamp',
  TIMESTAMPTZ: 'timestamptz',
  BLOB: 'binary',
  JSON: 'json',
  JSONB: 'json',
  UUID: 'uuid',
};

const LENGTHED = new Set(['varchar', 'char']);

export function sqliteNeutralType(declared: string): NeutralType {
  const text = declared.trim().toUpperCase();
  if (!text) return { kind: 'unknown' };
  const match = /^([A-Z][A-Z0-9_ ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(text);
  const name = match?.[1]?.replace(/\s+/g, ' ') ?? text;
  const first = match?.[2] === undefined ? undefined : Number(match[2]);
  const second = match?.[3] === undefined ? undefined : Number(match[3]);
  const kind = BY_NAME[name] ?? affinityKind(text);
  const type: NeutralType = { kind };
  if (LENGTHED.has(kind) && first !== undefined) type.length = first;
  if (kind === 'decimal' && first !== undefined) {
    type.precision = first;
    if (second !== undefined) type.scale = second;
  }
  return type;
}

/** SQLite's affinity rules, in their documented order. */
function affinityKind(upper: string): NeutralType['kind'] {
  if (upper.includes('INT')) return 'integer';
  if (upper.includes('CHAR') || upper.includes('CLOB') || upper.includes('TEXT')) return 'text';
  if (upper.includes('BLOB')) return 'binary';
  if (upper.includes('REAL') || upper.includes('FLOA') || upper.includes('DOUB')) return 'double';
  return 'decimal';
}
