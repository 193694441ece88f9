import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { type MigrationOp, type MigrationOpInput, parseMigrationOps } from '../../src/contracts/migration-op.ts';
import { type Column, type NeutralType, noNativeParts, type SchemaModel } from '../../src/contracts/schema-model.ts';
import { loadDialect } from '../../src/dialects/index.ts';
import { mssqlMigrations as migrations } from '../../src/dialects/mssql/migrate/index.ts';
import { mssqlType } from '../../src/dialects/mssql/migrate/sql-text.ts';
import { mssqlNeutralType } from '../../src/dialects/mssql/types.ts';

/**
 * No SQL Server runs here: the T-SQL is parsed with node-sql-parser (TransactSQL) where its grammar reaches, and the
 * forms it lacks (named column constraints, FK actions, WITH NOCHECK, bracketed DROP CONSTRAINT, EXEC with a
 * return value) are asserted exactly.
 */
const parser = new Parser();
const TSQL = { database: 'TransactSQL' };
const parses = (text: string) => {
  parser.astify(text, TSQL);
  return true;
};

const op = (input: MigrationOpInput): MigrationOp => parseMigrationOps([input])[0]!;

const column = (name: string, type: NeutralType, nativeType: string, nullable = true): Column => ({
  name,
  type,
  nativeType,
  nullable,
  default: null,
  identity: null,
  generated: null,
  comment: null,
});

/** A dbo.t with an int, a non-Unicode varchar and an enum column; the enum comes from the implied model. */
const MODEL: SchemaModel = {
  ...noNativeParts('dbo'),
  dialect: 'mssql',
  defaultSchema: 'dbo',
  views: [],
  domains: [],
  enums: [{ schema: 'dbo', name: 'mood', values: ['sad', 'happy'] }],
  tables: [
    {
      schema: 'dbo',
      name: 't',
      columns: [
        column('a', { kind: 'integer' }, 'int', false),
        column('v', { kind: 'varchar', length: 10 }, 'varchar(10)'),
        column('m', { kind: 'enum', enumName: 'mood' }, 'nvarchar(255)'),
      ],
      primaryKey: null,
      foreignKeys: [],
      uniques: [],
      indexes: [],
      checks: [],
      comment: null,
      partitionBy: null,
    },
  ],
};

const compile = (input: MigrationOpInput, model: SchemaModel = MODEL) => migrations.compile(op(input), model);
const sqlOf = (input: MigrationOpInput) => compile(input).map((s) => s.sql);

describe('SQL Server migration compiler', () => {
  it("is the mssql dialect's migrations member", async () => {
    expect((await loadDialect('mssql')).migrations).toBe(migrations);
  });

  it('createTable: identity, named default and enum CHECK on the columns, named keys and foreign key actions', () => {
    const [statement] = compile({
      op: 'createTable',
      table: 'n',
      columns: [
        { name: 'id', type: { kind: 'integer' }, nullable: false, identity: 'always' },
        { name: 'b', type: { kind: 'varchar', length: 3 }, default: { kind: 'value', value: "x'y" } },
        { name: 'm', type: { kind: 'enum', enumName: 'mood' } },
      ],
      primaryKey: { columns: ['id'] },
      uniques: [{ name: 'n_b_key', columns: ['b'] }],
      checks: [{ name: 'n_id_check', expression: 'id > 0' }],
      foreignKeys: [{ name: 'n_t_fk', columns: ['id'], references: { table: 't', columns: ['a'] }, onDelete: 'cascade', onUpdate: 'restrict' }],
    });
    expect(statement!.sql).toBe(
      'CREATE TABLE [dbo].[n] (\n' +
        '  [id] int IDENTITY(1,1) NOT NULL,\n' +
        "  [b] nvarchar(3) NULL CONSTRAINT [DF_n_b] DEFAULT N'x''y',\n" +
        "  [m] nvarchar(255) NULL CONSTRAINT [CK_n_m_enum] CHECK ([m] IN (N'sad', N'happy')),\n" +
        '  CONSTRAINT [PK_n] PRIMARY KEY ([id]),\n' +
        '  CONSTRAINT [n_b_key] UNIQUE ([b]),\n' +
        '  CONSTRAINT [n_id_check] CHECK (id > 0),\n' +
        '  CONSTRAINT [n_t_fk] FOREIGN KEY ([id]) REFERENCES [dbo].[t] ([a]) ON DELETE CASCADE ON UPDATE NO ACTION\n' +
        ')',
    );
    expect(statement!.strongLock).toBe(true);
    // The same table without the forms the parser's grammar lacks parses as T-SQL.
    expect(parses("CREATE TABLE [dbo].[n] ([id] int IDENTITY(1,1) NOT NULL, [m] nvarchar(255) NULL CHECK ([m] IN (N'sad', N'happy')))")).toBe(true);
  });

  it('renames go through sp_rename with the object as quoted multi-part text and the new name as given', () => {
    const table = sqlOf({ op: 'renameTable', from: 't', to: "new ']name" });
    expect(table).toEqual([`EXEC sp_rename @objname = N'[dbo].[t]', @newname = N'new '']name', @objtype = N'OBJECT'`]);
    const col = sqlOf({ op: 'renameColumn', table: 'we]ird', from: 'a', to: 'b' });
    expect(col).toEqual([`EXEC sp_rename @objname = N'[dbo].[we]]ird].[a]', @newname = N'b', @objtype = N'COLUMN'`]);
    for (const text of [...table, ...col]) expect(parses(text)).toBe(true);
  });

  it('defaults are named constraints; dropping or replacing one finds it through the catalog', () => {
    const add = sqlOf({ op: 'addColumn', table: 't', column: { name: 'at', type: { kind: 'timestamptz' }, default: { kind: 'now' } } });
    expect(add).toEqual(['ALTER TABLE [dbo].[t] ADD [at] datetimeoffset NULL CONSTRAINT [DF_t_at] DEFAULT SYSDATETIMEOFFSET() WITH VALUES']);
    const set = sqlOf({ op: 'setDefault', table: 't', column: 'a', default: { kind: 'value', value: true } });
    expect(set).toHaveLength(2);
    expect(set[0]).toContain("OBJECT_ID(N'[dbo].[t]') AND c.name = N'a'");
    expect(set[0]).toContain("EXEC (N'ALTER TABLE [dbo].[t] DROP CONSTRAINT ' + QUOTENAME(@df))");
    expect(set[1]).toBe('ALTER TABLE [dbo].[t] ADD CONSTRAINT [DF_t_a] DEFAULT 1 FOR [a]');
    expect(sqlOf({ op: 'setDefault', table: 't', column: 'a', default: null })).toEqual([set[0]]);
    const drop = sqlOf({ op: 'dropColumn', table: 't', column: 'v' });
    expect(drop).toHaveLength(4);
    expect(drop[3]).toBe('ALTER TABLE [dbo].[t] DROP COLUMN [v]');
    expect(drop[0]).toContain('FROM sys.default_constraints dc');
    expect(drop[1]).toContain('FROM sys.check_constraints cc');
    expect(drop[1]).not.toContain('_enum');
    expect(drop[2]).toContain("N'DROP INDEX ' + QUOTENAME(i.name) + N' ON [dbo].[t]'");
    for (const text of drop.slice(0, 3)) expect(text).toContain("c.name = N'v'");
    for (const text of [...set, ...drop]) expect(parses(text)).toBe(true);
  });

  it("type and nullability changes restate the other half; the model's native type is kept", () => {
    expect(sqlOf({ op: 'setNullable', table: 't', column: 'v', nullable: false })).toEqual(['ALTER TABLE [dbo].[t] ALTER COLUMN [v] varchar(10) NOT NULL']);
    expect(sqlOf({ op: 'alterColumnType', table: 't', column: 'a', type: { kind: 'bigint' } })).toEqual([
      'ALTER TABLE [dbo].[t] ALTER COLUMN [a] bigint NOT NULL',
    ]);
    expect(() => sqlOf({ op: 'alterColumnType', table: 't', column: 'a', type: { kind: 'text' }, using: { mssql: 'x' } })).toThrow(/no USING/);
    const toText = sqlOf({ op: 'alterColumnType', table: 't', column: 'm', type: { kind: 'text' } });
    expect(toText[0]).toContain("cc.name LIKE N'%[_]enum'");
    expect(toText[1]).toBe('ALTER TABLE [dbo].[t] ALTER COLUMN [m] nvarchar(max) NULL');
    for (const text of toText) expect(parses(text)).toBe(true);
  });

  it('indexes are filtered for a predicate; constraints are added WITH NOCHECK then checked', () => {
    const index = sqlOf({ op: 'createIndex', table: 't', name: 'i', columns: ['a', 'v'], unique: true, where: 'a > 0' });
    expect(index).toEqual(['CREATE UNIQUE INDEX [i] ON [dbo].[t] ([a], [v]) WHERE a > 0']);
    expect(sqlOf({ op: 'dropIndex', table: 't', name: 'i' })).toEqual(['DROP INDEX [i] ON [dbo].[t]']);
    expect(sqlOf({ op: 'addForeignKey', table: 't', foreignKey: { name: 'f', columns: ['a'], references: { table: 'p', columns: ['id'] } } })).toEqual([
      'ALTER TABLE [dbo].[t] WITH NOCHECK ADD CONSTRAINT [f] FOREIGN KEY ([a]) REFERENCES [dbo].[p] ([id]) ON DELETE NO ACTION ON UPDATE NO ACTION',
      'ALTER TABLE [dbo].[t] WITH CHECK CHECK CONSTRAINT [f]',
    ]);
    expect(sqlOf({ op: 'addCheck', table: 't', check: { name: 'k', expression: 'a > 0' } })).toEqual([
      'ALTER TABLE [dbo].[t] WITH NOCHECK ADD CONSTRAINT [k] CHECK (a > 0)',
      'ALTER TABLE [dbo].[t] WITH CHECK CHECK CONSTRAINT [k]',
    ]);
    const unique = sqlOf({ op: 'addUnique', table: 't', unique: { name: 'q', columns: ['a'] } });
    expect(unique).toEqual(['ALTER TABLE [dbo].[t] ADD CONSTRAINT [q] UNIQUE ([a])']);
    for (const kind of ['dropForeignKey', 'dropCheck', 'dropUnique'] as const) {
      expect(sqlOf({ op: kind, table: 't', name: 'x]' })).toEqual(['ALTER TABLE [dbo].[t] DROP CONSTRAINT [x]]]']);
    }
    for (const text of [...index, ...unique]) expect(parses(text)).toBe(true);
  });

  it('enums: nothing to create or drop; a new value replaces the CHECK on every column of the enum', () => {
    expect(compile({ op: 'createEnum', name: 'e', values: ['x'] })).toEqual([]);
    expect(() => compile({ op: 'dropEnum', name: 'mood' })).toThrow(/still used by "t"."m"/);
    const added = sqlOf({ op: 'addEnumValue', enum: 'mood', value: "it's" });
    expect(added).toHaveLength(2);
    expect(added[1]).toBe("ALTER TABLE [dbo].[t] ADD CONSTRAINT [CK_t_m_enum] CHECK ([m] IN (N'sad', N'happy', N'it''s'))");
    for (const text of added) expect(parses(text)).toBe(true);
    expect(() => compile({ op: 'addColumn', table: 't', column: { name: 'x', type: { kind: 'enum', enumName: 'nope' } } })).toThrow(
      /enum "nope" is not in the schema model/,
    );
  });

  it('hostile names stay inside brackets and literals', () => {
    const hostile = '"; drop table x; --]';
    for (const text of [
      ...sqlOf({ op: 'dropTable', table: hostile }),
      ...sqlOf({ op: 'createIndex', table: hostile, name: hostile, columns: [hostile] }),
      ...sqlOf({ op: 'renameTable', from: hostile, to: hostile }),
      ...sqlOf({ op: 'setDefault', table: hostile, column: hostile, default: { kind: 'value', value: hostile } }),
    ]) {
      // Remove every bracketed identifier and N'…' literal; no part of the name may be left outside them.
      const outside = text.replace(/\[(?:[^\]]|\]\])*\]/g, '[]').replace(/N'(?:[^']|'')*'/g, "N''");
      expect(outside, text).not.toMatch(/drop table x|--/);
    }
    // The parser's grammar does not take `]]` inside brackets (T-SQL does); without one the statement parses.
    expect(parses(sqlOf({ op: 'dropTable', table: '"; drop table x; --' })[0]!)).toBe(true);
  });

  it('maps every neutral kind onto a T-SQL type that reads back as the same kind (or the documented closest one)', () => {
    /** sys.columns as SQL Server would describe a column declared with `spelled`. */
    const described = (spelled: string) => {
      const [, name, args] = /^(\w+)(?:\((.*)\))?$/.exec(spelled)!;
      const [first, second] = (args ?? '').split(',');
      const unicode = name === 'nvarchar' || name === 'nchar';
      const maxLength = first === 'max' ? -1 : first === undefined || first === '' ? 0 : Number(first) * (unicode ? 2 : 1);
      return { typeName: name!, maxLength, precision: name === 'decimal' ? Number(first) : 0, scale: name === 'decimal' ? Number(second) : 0 };
    };
    const exact: NeutralType[] = [
      { kind: 'boolean' },
      { kind: 'smallint' },
      { kind: 'integer' },
      { kind: 'bigint' },
      { kind: 'decimal', precision: 10, scale: 2 },
      { kind: 'real' },
      { kind: 'double' },
      { kind: 'money' },
      { kind: 'char', length: 3 },
      { kind: 'varchar', length: 40 },
      { kind: 'text' },
      { kind: 'uuid' },
      { kind: 'date' },
      { kind: 'time' },
      { kind: 'timestamp' },
      { kind: 'timestamptz' },
      { kind: 'json' },
      { kind: 'binary', length: 16 },
      { kind: 'binary' },
      { kind: 'xml' },
    ];
    for (const type of exact) expect(mssqlNeutralType(described(mssqlType(type, 'test'))), JSON.stringify(type)).toEqual(type);
    expect(mssqlNeutralType(described(mssqlType({ kind: 'varchar' }, 'test')))).toEqual({ kind: 'text' });
    expect(mssqlType({ kind: 'enum', enumName: 'e' }, 'test')).toBe('nvarchar(255)');
    expect(mssqlType({ kind: 'array', element: { kind: 'integer' } }, 'test')).toBe('json');
    expect(() => mssqlType({ kind: 'unknown' }, 'here')).toThrow(/here: type kind "unknown"/);
  });

  it('lock timeout: SET LOCK_TIMEOUT, and error 1222 however tedious wraps it', () => {
    const timeout = migrations.lockTimeout!;
    expect(timeout.statement(250)).toBe('SET LOCK_TIMEOUT 250');
    expect(parses(timeout.statement(250))).toBe(true);
    expect(() => timeout.statement(-1)).toThrow(/positive whole number/);
    expect(timeout.isTimeout(Object.assign(new Error('Lock request time out period exceeded.'), { number: 1222 }))).toBe(true);
    expect(timeout.isTimeout({ originalError: { info: { number: 1222 } } })).toBe(true);
    expect(timeout.isTimeout(Object.assign(new Error('deadlock'), { number: 1205 }))).toBe(false);
    expect(timeout.isTimeout(null)).toBe(false);
  });

  it('raw sql needs mssql text', () => {
    expect(sqlOf({ op: 'sql', up: { mssql: 'SELECT 1' }, down: null })).toEqual(['SELECT 1']);
    expect(() => sqlOf({ op: 'sql', up: { postgres: 'select 1' }, down: null })).toThrow(/no mssql text/);
    expect(sqlOf({ op: 'sql', up: { mssql: "CREATE TABLE [a] ([x] int)\nGO\nSELECT 'GO' AS go\n  go -- next batch\nSELECT 2" }, down: null })).toEqual([
      'CREATE TABLE [a] ([x] int)',
      "SELECT 'GO' AS go",
      'SELECT 2',
    ]);
  });
});
