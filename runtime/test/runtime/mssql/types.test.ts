import { describe, expect, it } from 'vitest';
import { NeutralType } from '../../../src/contracts/schema-model.ts';
import { mssqlNativeType, mssqlNeutralType } from '../../../src/dialects/mssql/types.ts';

/**
 * [sys.types name, sys.columns max_length (bytes, -1 for max), precision, scale] → neutral type and native spelling.
 * The numbers are what SQL Server stores for the declared type in the comment.
 */
const TABLE: [string, number, number, number, NeutralType, string][] = [
  ['bit', 1, 1, 0, { kind: 'boolean' }, 'bit'],
  ['tinyint', 1, 3, 0, { kind: 'smallint' }, 'tinyint'],
  ['smallint', 2, 5, 0, { kind: 'smallint' }, 'smallint'],
  ['int', 4, 10, 0, { kind: 'integer' }, 'int'],
  ['bigint', 8, 19, 0, { kind: 'bigint' }, 'bigint'],
  ['decimal', 9, 18, 4, { kind: 'decimal', precision: 18, scale: 4 }, 'decimal(18,4)'],
  ['numeric', 9, 10, 2, { kind: 'decimal', precision: 10, scale: 2 }, 'numeric(10,2)'],
  ['money', 8, 19, 4, { kind: 'money' }, 'money'],
  ['smallmoney', 4, 10, 4, { kind: 'money' }, 'smallmoney'],
  ['real', 4, 24, 0, { kind: 'real' }, 'real'],
  ['float', 8, 53, 0, { kind: 'double' }, 'float'],
  ['char', 10, 0, 0, { kind: 'char', length: 10 }, 'char(10)'],
  ['nchar', 20, 0, 0, { kind: 'char', length: 10 }, 'nchar(10)'],
  ['varchar', 40, 0, 0, { kind: 'varchar', length: 40 }, 'varchar(40)'],
  ['nvarchar', 320, 0, 0, { kind: 'varchar', length: 160 }, 'nvarchar(160)'],
  ['varchar', -1, 0, 0, { kind: 'text' }, 'varchar(max)'],
  ['nvarchar', -1, 0, 0, { kind: 'text' }, 'nvarchar(max)'],
  ['text', 16, 0, 0, { kind: 'text' }, 'text'],
  ['ntext', 16, 0, 0, { kind: 'text' }, 'ntext'],
  ['uniqueidentifier', 16, 0, 0, { kind: 'uuid' }, 'uniqueidentifier'],
  ['date', 3, 10, 0, { kind: 'date' }, 'date'],
  ['time', 5, 16, 7, { kind: 'time' }, 'time'],
  ['time', 4, 12, 3, { kind: 'time' }, 'time(3)'],
  ['datetime', 8, 23, 3, { kind: 'timestamp' }, 'datetime'],
  ['smalldatetime', 4, 16, 0, { kind: 'timestamp' }, 'smalldatetime'],
  ['datetime2', 8, 27, 7, { kind: 'timestamp' }, 'datetime2'],
  ['datetime2', 7, 23, 3, { kind: 'timestamp' }, 'datetime2(3)'],
  ['datetimeoffset', 10, 34, 7, { kind: 'timestamptz' }, 'datetimeoffset'],
  ['datetimeoffset', 8, 26, 0, { kind: 'timestamptz' }, 'datetimeoffset(0)'],
  ['binary', 16, 0, 0, { kind: 'binary', length: 16 }, 'binary(16)'],
  ['varbinary', 256, 0, 0, { kind: 'binary', length: 256 }, 'varbinary(256)'],
  ['varbinary', -1, 0, 0, { kind: 'binary' }, 'varbinary(max)'],
  ['image', 16, 0, 0, { kind: 'binary' }, 'image'],
  ['xml', -1, 0, 0, { kind: 'xml' }, 'xml'],
  ['json', -1, 0, 0, { kind: 'json' }, 'json'],
  ['sql_variant', 8016, 0, 0, { kind: 'unknown' }, 'sql_variant'],
  ['timestamp', 8, 0, 0, { kind: 'unknown' }, 'rowversion'],
  ['geography', -1, 0, 0, { kind: 'unknown' }, 'geography'],
  ['hierarchyid', 892, 0, 0, { kind: 'unknown' }, 'hierarchyid'],
];

describe('SQL Server type mapping', () => {
  it.each(TABLE)('%s (max_length %d, precision %d, scale %d)', (typeName, maxLength, precision, scale, neutral, native) => {
    const t = { typeName, maxLength, precision, scale };
    expect(mssqlNeutralType(t)).toEqual(neutral);
    expect(NeutralType.parse(mssqlNeutralType(t))).toEqual(neutral);
    expect(mssqlNativeType(t)).toBe(native);
  });

  it('reads type names case-insensitively', () => {
    expect(mssqlNeutralType({ typeName: 'NVarChar', maxLength: 80, precision: 0, scale: 0 })).toEqual({ kind: 'varchar', length: 40 });
    expect(mssqlNativeType({ typeName: 'NVarChar', maxLength: 80, precision: 0, scale: 0 })).toBe('nvarchar(40)');
  });
});
