import { describe, expect, it } from 'vitest';
import { parseCreateIndex, parseCreateTable, tokenize, viewDefinition } from '../../../src/dialects/sqlite/sql-text.ts';
import { sqliteNeutralType } from '../../../src/dialects/sqlite/types.ts';

describe('sqlite schema text', () => {
  it('tokenizes every quoting style, doubled quotes and comments', () => {
    const tokens = tokenize(`create table "a ""b""" ([c d], \`e\`\`f\` text default 'it''s', -- note (
      g /* ) */ int)`);
    expect(tokens.filter((t) => t.kind !== 'punct').map((t) => [t.kind, t.value])).toEqual([
      ['word', 'create'],
      ['word', 'table'],
      ['quoted', 'a "b"'],
      ['quoted', 'c d'],
      ['quoted', 'e`f'],
      ['word', 'text'],
      ['word', 'default'],
      ['string', "it's"],
      ['word', 'g'],
      ['word', 'int'],
    ]);
  });

  it('a CONSTRAINT name applies only to its own constraint', () => {
    const parsed = parseCreateTable('create table t (a int constraint nn not null check (a > 1), b int, constraint c2 check (b < 2))');
    expect(parsed.checks).toEqual([
      { name: null, expression: 'a > 1' },
      { name: 'c2', expression: 'b < 2' },
    ]);
  });

  it('reads key names, column lists and table constraints written without commas between them', () => {
    const parsed = parseCreateTable(`create table [t] (
      [Id] integer constraint [PK_t] primary key,
      "x y" text constraint u1 unique,
      p int, q int default (cast(1 as int)),
      constraint u2 unique (p collate nocase, q desc)
      foreign key (p, q) references "Other" (a, b) on delete cascade
      constraint f2 foreign key (q) references other
    )`);
    expect(parsed.primaryKey).toEqual({ name: 'PK_t', columns: ['Id'] });
    expect(parsed.uniques).toEqual([
      { name: 'u1', columns: ['x y'] },
      { name: 'u2', columns: ['p', 'q'] },
    ]);
    expect(parsed.foreignKeys).toEqual([
      { name: null, columns: ['p', 'q'], table: 'Other' },
      { name: 'f2', columns: ['q'], table: 'other' },
    ]);
    expect(parsed.generated.size).toBe(0); // `as int` inside a DEFAULT is no generated column
    expect(parsed.descendingColumnPrimaryKey).toBe(false);
  });

  it('notices INTEGER PRIMARY KEY DESC on the column, which is no rowid alias', () => {
    expect(parseCreateTable('create table t (id integer primary key desc)').descendingColumnPrimaryKey).toBe(true);
    expect(parseCreateTable('create table t (id integer, primary key (id desc))').descendingColumnPrimaryKey).toBe(false);
  });

  it('reads index parts without their collation and order, and the partial predicate', () => {
    expect(parseCreateIndex(`CREATE UNIQUE INDEX "i x" ON "t" (lower("a, b") COLLATE nocase DESC, [c] ASC, d) WHERE d IS NOT NULL AND c > 'x)'`)).toEqual({
      parts: ['lower("a, b")', '[c]', 'd'],
      where: `d IS NOT NULL AND c > 'x)'`,
    });
    expect(() => parseCreateIndex('create table t (a)')).toThrow(/not a CREATE INDEX statement/);
  });

  it('reads the SELECT of a view', () => {
    expect(viewDefinition('CREATE VIEW "as" (a) AS SELECT 1 AS a')).toBe('SELECT 1 AS a');
  });
});

describe('sqlite declared types', () => {
  it.each([
    ['INTEGER', { kind: 'integer' }],
    ['INT', { kind: 'integer' }],
    ['BIGINT', { kind: 'bigint' }],
    ['bigint unsigned', { kind: 'bigint' }],
    ['SMALLINT', { kind: 'smallint' }],
    ['NVARCHAR(160)', { kind: 'varchar', length: 160 }],
    ['character varying ( 20 )', { kind: 'varchar', length: 20 }],
    ['NCHAR(3)', { kind: 'char', length: 3 }],
    ['TEXT', { kind: 'text' }],
    ['CLOB', { kind: 'text' }],
    ['numeric(10, 2)', { kind: 'decimal', precision: 10, scale: 2 }],
    ['DECIMAL(8)', { kind: 'decimal', precision: 8 }],
    ['NUMERIC', { kind: 'decimal' }],
    ['REAL', { kind: 'double' }],
    ['FLOAT', { kind: 'double' }],
    ['double precision', { kind: 'double' }],
    ['BOOLEAN', { kind: 'boolean' }],
    ['DATE', { kind: 'date' }],
    ['DATETIME', { kind: 'timestamp' }],
    ['TIMESTAMP', { kind: 'timestamp' }],
    ['BLOB', { kind: 'binary' }],
    ['VARBINARY(16)', { kind: 'binary', length: 16 }],
    ['JSON', { kind: 'json' }],
    ['UUID', { kind: 'uuid' }],
    ['', { kind: 'unknown' }],
    ['ANY', { kind: 'unknown' }],
    // Names it does not know follow SQLite's affinity rules, in their order.
    ['MYINTTYPE', { kind: 'integer' }],
    ['POINT INTERVAL', { kind: 'integer' }],
    ['SHORTCHARS', { kind: 'text' }],
    ['FLOATY', { kind: 'double' }],
    ['BLOBBY', { kind: 'binary' }],
    ['WHATEVER', { kind: 'decimal' }],
  ])('%s', (declared, expected) => {
    expect(sqliteNeutralType(declared)).toEqual(expected);
  });
});
