import { describe, expect, it } from 'vitest';
import { noNativeParts, type SchemaModel, type Table } from '@byos/runtime';
import { findTable, formatColumnName, formatNamePart, formatTableName, parseNameParts, parseTableName, TableNameError } from '@byos/runtime';

const AWKWARD = [
  'orders',
  'Items',
  'a.b',
  '"quoted"',
  'We "ird" Ñame',
  'Odd "Schema" ü',
  'تست',
  'SPECIAL "@/\\#~_-',
  'x"; drop table victim; --',
  ' padded ',
  'tab\tin',
  'a..b',
  '.',
  '"',
  '""."',
];

const table = (schema: string, name: string): Table => ({
  schema,
  name,
  columns: [],
  primaryKey: null,
  foreignKeys: [],
  uniques: [],
  indexes: [],
  checks: [],
  comment: null,
  partitionBy: null,
});

describe('the table-name syntax', () => {
  it('reads NAME and SCHEMA.NAME, bare parts literally (quotes, spaces, case), quoted parts with doubled quotes', () => {
    expect(parseTableName('orders')).toEqual({ name: 'orders' });
    expect(parseTableName('app.orders')).toEqual({ schema: 'app', name: 'orders' });
    expect(parseTableName('Odd "Schema" ü.We "ird" Ñame')).toEqual({ schema: 'Odd "Schema" ü', name: 'We "ird" Ñame' });
    expect(parseTableName('"a.b"')).toEqual({ name: 'a.b' });
    expect(parseTableName('app."a.b"')).toEqual({ schema: 'app', name: 'a.b' });
    expect(parseTableName('"my.schema"."x""y"')).toEqual({ schema: 'my.schema', name: 'x"y' });
    expect(parseTableName('x"; drop table victim; --')).toEqual({ name: 'x"; drop table victim; --' });
    expect(parseTableName('Items')).toEqual({ name: 'Items' }); // never case-folded
    expect(parseTableName(' padded ')).toEqual({ name: ' padded ' }); // never trimmed
  });

  it('refuses what it cannot read unambiguously', () => {
    for (const bad of ['', 'a.b.c', '.x', 'x.', 'a..b', '"abc', '"a"b', '"".x', 'a.""', 'nul\u0000']) {
      expect(() => parseTableName(bad), JSON.stringify(bad)).toThrow(TableNameError);
    }
    expect(() => parseTableName('a.b.c')).toThrow('a name holding a dot is quoted ("a.b")');
    expect(parseNameParts('s.t.c')).toEqual(['s', 't', 'c']);
  });

  it('writes a part bare when that reads back the same; every name round-trips', () => {
    expect(formatNamePart('orders')).toBe('orders');
    expect(formatNamePart('We "ird" Ñame')).toBe('We "ird" Ñame');
    expect(formatNamePart('a.b')).toBe('"a.b"');
    expect(formatNamePart('"quoted"')).toBe('"""quoted"""');
    expect(formatNamePart(' padded ')).toBe('" padded "');
    for (const schema of AWKWARD) {
      for (const name of AWKWARD) {
        expect(parseTableName(formatTableName({ schema, name }, 'public')), `${schema} / ${name}`).toEqual({ schema, name });
        expect(parseNameParts(formatColumnName({ schema, name }, name, 'public'))).toEqual([schema, name, name]);
      }
      expect(parseTableName(formatTableName({ schema: 'public', name: schema }, 'public'))).toEqual({ name: schema });
    }
  });

  it('finds a table in the default schema unless one is named; a miss names the near ones', () => {
    const model: SchemaModel = {
      dialect: 'postgres',
      defaultSchema: 'public',
      views: [],
      enums: [],
      domains: [],
      ...noNativeParts('public'),
      tables: [table('app', 'people'), table('public', 'Items'), table('public', 'items'), table('Odd "Schema" ü', 'people')],
    };
    expect(findTable(model, { name: 'items' }).name).toBe('items');
    expect(findTable(model, { name: 'Items' }).name).toBe('Items');
    expect(findTable(model, { schema: 'app', name: 'people' }).schema).toBe('app');
    expect(() => findTable(model, { name: 'people' })).toThrow('table "people" does not exist (did you mean app.people or Odd "Schema" ü.people?)');
    expect(() => findTable(model, { name: 'ITEMS' })).toThrow('table "ITEMS" does not exist (did you mean Items or items?)');
    expect(() => findTable(model, { schema: 'nope', name: 'x' })).toThrow('table "nope.x" does not exist');
  });
});
