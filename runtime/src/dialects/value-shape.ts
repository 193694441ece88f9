import type { DialectName } from '../contracts/connection-profile.ts';
import type { NeutralType } from '../contracts/schema-model.ts';
import { mssqlKeepsNumberText, mssqlValueShape } from './mssql/value-types.ts';
import { postgresKeepsNumberText, postgresValueShape } from './postgres/value-types.ts';
import { sqliteKeepsNumberText, sqliteValueShape } from './sqlite/value-types.ts';

/**
 * What a dialect's DRIVER hands back for a column, which is not always what the column's type suggests:
 * node-postgres returns int8 and numeric as strings, better-sqlite3 returns DATETIME columns as strings and
 * booleans as 0/1, tedious returns bigint as a string and decimal as a number. Type generation follows these.
 */
export type ValueShape =
  | { kind: 'string' | 'bigint' | 'boolean' | 'date' | 'buffer' | 'json' | 'unknown' }
  /** `int64`: a 64-bit integer the driver returns as a number by default (a driver option can make it a bigint). */
  | { kind: 'number'; int64?: boolean }
  /** An integer too large for a JS number, as a decimal string. */
  | { kind: 'integer-string' }
  /** An exact decimal, as a string. */
  | { kind: 'decimal-string' }
  /** node-postgres's interval object. */
  | { kind: 'interval' }
  | { kind: 'array'; element: ValueShape }
  /**
   * An array the driver does not parse (node-postgres: arrays of enums, xml or unknown types): read back as the
   * database's array text (`{a,b}`), written as a JS array of `element` or that text.
   */
  | { kind: 'array-text'; element: ValueShape };

export type ValueShapeOf = (type: NeutralType) => ValueShape;

/** The number kinds `import --create` infers. */
export type InferredNumberKind = 'integer' | 'bigint' | 'decimal';

export interface DriverValues {
  shapeOf: ValueShapeOf;
  /**
   * Whether a number written canonically as `text` (no leading zero, no sign but `-`, no grouping) reads back as
   * the same text from a new column of `kind`: SQLite stores a decimal as a double (`1.50` reads back as 1.5), SQL
   * Server's decimal without a precision has no scale.
   */
  keepsNumberText(kind: InferredNumberKind, text: string): boolean;
  /** The database rejects values that break the declared length, precision or type (SQLite does not). */
  enforcesDeclaredTypes: boolean;
}

const DRIVER_VALUES: Record<DialectName, DriverValues> = {
  postgres: { shapeOf: postgresValueShape, enforcesDeclaredTypes: true, keepsNumberText: postgresKeepsNumberText },
  sqlite: { shapeOf: sqliteValueShape, enforcesDeclaredTypes: false, keepsNumberText: sqliteKeepsNumberText },
  mssql: { shapeOf: mssqlValueShape, enforcesDeclaredTypes: true, keepsNumberText: mssqlKeepsNumberText },
};

export function driverValues(dialect: DialectName): DriverValues {
  return DRIVER_VALUES[dialect];
}
