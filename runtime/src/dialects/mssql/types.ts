import type { NeutralType } from '../../contracts/schema-model.ts';

/**
 * System types → neutral kinds. tinyint (0–255) widens to smallint; datetime and smalldatetime are timestamps
 * with less precision; `json` is Azure SQL's native JSON type. Anything else (sql_variant, rowversion, geography,
 * geometry, hierarchyid, vector, CLR types) is `unknown`, with the native spelling kept in nativeType.
 */
const KINDS: Record<string, NeutralType['kind']> = {
  bit: 'boolean',
  tinyint: 'smallint',
  smallint: 'smallint',
  int: 'integer',
  bigint: 'bigint',
  decimal: 'decimal',
  numeric: 'decimal',
  money: 'money',
  smallmoney: 'money',
  real: 'real',
  float: 'double',
  char: 'char',
  nchar: 'char',
  varchar: 'varchar',
  nvarchar: 'varchar',
  text: 'text',
  ntext: 'text',
  uniqueidentifier: 'uuid',
  date: 'date',
  time: 'time',
  datetime: 'timestamp',
  datetime2: 'timestamp',
  smalldatetime: 'timestamp',
  datetimeoffset: 'timestamptz',
  binary: 'binary',
  varbinary: 'binary',
  image: 'binary',
  xml: 'xml',
  json: 'json',
};

const UNICODE = new Set(['nchar', 'nvarchar']);
const SIZED = new Set(['char', 'nchar', 'varchar', 'nvarchar', 'binary', 'varbinary']);

/** A column's type as sys.columns describes it: max_length is in bytes (nvarchar: 2 per character, -1 for max). */
export interface MssqlColumnType {
  /** The system type's name (for an alias type, its base type). */
  typeName: string;
  maxLength: number;
  precision: number;
  scale: number;
}

/** Length in characters (or bytes for binary), or undefined for `max`. */
function charLength(t: MssqlColumnType): number | undefined {
  if (t.maxLength === -1) return undefined;
  return UNICODE.has(t.typeName) ? t.maxLength / 2 : t.maxLength;
}

export function mssqlNeutralType(t: MssqlColumnType): NeutralType {
  const name = t.typeName.toLowerCase();
  const kind = KINDS[name] ?? 'unknown';
  if (SIZED.has(name)) {
    const length = charLength({ ...t, typeName: name });
    // varchar(max)/nvarchar(max) hold unbounded text, like Postgres text.
    if (length === undefined) return { kind: kind === 'binary' ? 'binary' : 'text' };
    return { kind, length };
  }
  if (kind === 'decimal') return { kind, precision: t.precision, scale: t.scale };
  return { kind };
}

/** The type as T-SQL spells it: `nvarchar(160)`, `nvarchar(max)`, `decimal(10,2)`, `int`. */
export function mssqlNativeType(t: MssqlColumnType): string {
  const name = t.typeName.toLowerCase();
  if (SIZED.has(name)) return `${name}(${charLength({ ...t, typeName: name }) ?? 'max'})`;
  if (name === 'decimal' || name === 'numeric') return `${name}(${t.precision},${t.scale})`;
  if ((name === 'datetime2' || name === 'time' || name === 'datetimeoffset') && t.scale !== 7) return `${name}(${t.scale})`;
  // sys.types still calls rowversion by its deprecated name, which is not the SQL-standard timestamp.
  if (name === 'timestamp') return 'rowversion';
  return name;
}
