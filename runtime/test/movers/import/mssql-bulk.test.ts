import tedious from 'tedious';
import { describe, expect, it } from 'vitest';
import { bulkColumnType, encodeMssqlValue, type MssqlBulkColumn, quoteMssqlIdentifier } from '../../../src/dialects/mssql/bulk-load.ts';

// No SQL Server runs here: these check what the TDS bulk load would be told, not a live load.
const column = (dataType: string, extra: Partial<MssqlBulkColumn> = {}): MssqlBulkColumn => ({
  name: 'c',
  dataType,
  maxLength: null,
  precision: null,
  scale: null,
  datetimePrecision: null,
  nullable: true,
  ...extra,
});

describe('SQL Server bulk load declarations (no server)', () => {
  it('declares each column with the type, length, precision and scale the table has', () => {
    const T = tedious.TYPES;
    expect(bulkColumnType(tedious, column('nvarchar', { maxLength: 40 }))).toEqual({ type: T.NVarChar, options: { nullable: true, length: 40 } });
    expect(bulkColumnType(tedious, column('nvarchar', { maxLength: -1 })).options.length).toBe(Infinity);
    expect(bulkColumnType(tedious, column('decimal', { precision: 10, scale: 2, nullable: false }))).toEqual({
      type: T.Decimal,
      options: { nullable: false, precision: 10, scale: 2 },
    });
    expect(bulkColumnType(tedious, column('datetime2', { datetimePrecision: 3 }))).toEqual({ type: T.DateTime2, options: { nullable: true, scale: 3 } });
    expect(bulkColumnType(tedious, column('uniqueidentifier')).type).toBe(T.UniqueIdentifier);
    expect(bulkColumnType(tedious, column('geography')).type).toBe(T.NVarChar);
  });

  it('reads date-time text without an offset as UTC, never local time; bigints as text; JSON as text', () => {
    expect(encodeMssqlValue('2024-03-31 10:00:00', 'datetime2')).toEqual(new Date(Date.UTC(2024, 2, 31, 10)));
    expect(encodeMssqlValue('2024-03-31T10:00:00+02:00', 'datetimeoffset')).toEqual(new Date(Date.UTC(2024, 2, 31, 8)));
    expect(() => encodeMssqlValue('soon', 'date')).toThrow('"soon" is not a date');
    expect(encodeMssqlValue('2024-03-31 10:00:00', 'nvarchar')).toBe('2024-03-31 10:00:00');
    expect(encodeMssqlValue(2n ** 62n, 'bigint')).toBe('4611686018427387904');
    expect(encodeMssqlValue({ a: 1 }, 'nvarchar')).toBe('{"a":1}');
    expect(quoteMssqlIdentifier('a]b')).toBe('[a]]b]');
  });
});
