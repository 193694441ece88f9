import type { NeutralType } from '../../contracts/schema-model.ts';

/**
 * SQLite stores values by affinity, but the declared type name says what the schema author meant, so the neutral
 * type follows the declared name first (NVARCHAR(160) is varchar(160), DATETIME is timestamp, INT is integer) and
 * falls back to SQLite's own affinity rules (https://www.sqlite.org/datatype3.html §3.1) for names it does not
 * know. An empty declared type (a column with no type, or a view column over an expression) is `unknown`.
 *
 * REAL, FLOAT and DOUBLE all map to `double`: SQLite's REAL storage class is an 8-byte IEEE float whatever the
 * declared name, and a copy of the column to another engine must keep every value it holds (a 4-byte `real`
 * would not).
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
  'CHARACTER VARYING': 'varchar',
  'NATIVE CHARACTER': 'char',
  CHAR: 'char',
  NCHAR: 'char',
  CHARACTER: 'char',
  TEXT: 'text',
  NTEXT: 'text',
  CLOB: 'text',
  NUMERIC: 'decimal',
  DECIMAL: 'decimal',
  REAL: 'double',
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
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  BLOB: 'binary',
  BINARY: 'binary',
  VARBINARY: 'binary',
  JSON: 'json',
  JSONB: 'json',
  UUID: 'uuid',
  // STRICT tables' ANY keeps each value as given.
  ANY: 'unknown',
};

const LENGTHED = new Set<NeutralType['kind']>(['varchar', 'char', 'binary']);

/** The neutral type of a column declared with `declared` (as PRAGMA table_xinfo reports it). */
export function sqliteNeutralType(declared: string): NeutralType {
  const text = declared.trim().toUpperCase().replace(/\s+/g, ' ');
  if (!text) return { kind: 'unknown' };
  const match = /^([A-Z][A-Z0-9_ ]*?) ?(?:\( ?(\d+) ?(?:, ?(\d+) ?)?\))?$/.exec(text);
  const name = (match?.[1] ?? text).replace(/ UNSIGNED$/, '');
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
