import type { MigrationOp } from '../../../contracts/migration-op.ts';
import type { SchemaModel } from '../../../contracts/schema-model.ts';
import type { CompiledStatement } from '../../migration-dialect.ts';
import {
  columnDefinition,
  currentType,
  defaultConstraintName,
  derivedName,
  enumCheck,
  enumValues,
  foreignKeyClause,
  mssqlDefault,
  mssqlType,
  qualified,
  quoteIdent,
  quoteList,
  quoteLiteral,
  tableIn,
} from './sql-text.ts';

/** A `GO` line: sqlcmd's and SSMS's batch separator. */
export const GO_LINE = /^[ \t]*GO[ \t]*(?:--[^\n]*)?$/im;

/** Schema changes take Sch-M, which queues every other session behind them: the runner bounds the wait. */
const strong = (sql: string): CompiledStatement => ({ sql, strongLock: true });

/**
 * Drops the default constraint on a column, whatever it is called (one created outside BYOS, or named for the
 * table's or column's old name), found through the catalog and dropped with dynamic SQL on the quoted name.
 */
function dropDefault(table: string, column: string): string {
  return (
    `DECLARE @df sysname = (SELECT dc.name FROM sys.default_constraints dc JOIN sys.columns c ON c.object_id = dc.parent_object_id ` +
    `AND c.column_id = dc.parent_column_id WHERE dc.parent_object_id = OBJECT_ID(${quoteLiteral(qualified(table))}) AND c.name = ${quoteLiteral(column)});\n` +
    `IF @df IS NOT NULL EXEC (N'ALTER TABLE ${qualified(table).replace(/'/g, "''")} DROP CONSTRAINT ' + QUOTENAME(@df))`
  );
}

/**
 * Drops the CHECKs bound to a column (column-level ones, `parent_column_id` set), found through the catalog since
 * renames leave old names behind: only BYOS's enum checks (named …_enum), or all of them.
 */
function dropColumnChecks(table: string, column: string, enumOnly: boolean): string {
  return (
    `DECLARE @drop nvarchar(max) = (SELECT STRING_AGG(CAST(N'ALTER TABLE ${qualified(table).replace(/'/g, "''")} DROP CONSTRAINT ' + QUOTENAME(cc.name) AS nvarchar(max)), N'; ') ` +
    `FROM sys.check_constraints cc JOIN sys.columns c ON c.object_id = cc.parent_object_id AND c.column_id = cc.parent_column_id ` +
    `WHERE cc.parent_object_id = OBJECT_ID(${quoteLiteral(qualified(table))}) AND c.name = ${quoteLiteral(column)}${enumOnly ? ` AND cc.name LIKE N'%[_]enum'` : ''});\n` +
    `IF @drop IS NOT NULL EXEC (@drop)`
  );
}

const dropEnumChecks = (table: string, column: string) => dropColumnChecks(table, column, true);

/** Drops the plain indexes (not key or unique constraints) over a column: SQL Server refuses to drop a column they use. */
function dropColumnIndexes(table: string, column: string): string {
  return (
    `DECLARE @drop nvarchar(max) = (SELECT STRING_AGG(CAST(N'DROP INDEX ' + QUOTENAME(i.name) + N' ON ${qualified(table).replace(/'/g, "''")}' AS nvarchar(max)), N'; ') ` +
    `FROM sys.indexes i WHERE i.object_id = OBJECT_ID(${quoteLiteral(qualified(table))}) AND i.is_primary_key = 0 AND i.is_unique_constraint = 0 ` +
    `AND EXISTS (SELECT 1 FROM sys.index_columns ic JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id ` +
    `WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id AND c.name = ${quoteLiteral(column)}));\n` +
    `IF @drop IS NOT NULL EXEC (@drop)`
  );
}

/** sp_rename with named arguments: the object as quoted multi-part text, the new name as given (not parsed). */
const rename = (object: string, to: string, kind: 'OBJECT' | 'COLUMN') =>
  `EXEC sp_rename @objname = ${quoteLiteral(object)}, @newname = ${quoteLiteral(to)}, @objtype = N'${kind}'`;

/**
 * The T-SQL for one op. Renames go through sp_rename (object names as quoted multi-part text, new names as given);
 * defaults are named constraints (DF_table_column); foreign keys and checks are added WITH NOCHECK and then
 * checked (WITH CHECK CHECK CONSTRAINT), the counterpart of Postgres's NOT VALID + VALIDATE, which leaves them
 * trusted by the optimizer; partial indexes are filtered indexes.
 */
export function compileMssql(op: MigrationOp, before: SchemaModel): CompiledStatement[] {
  const where = `${op.op} op`;
  switch (op.op) {
    case 'createTable': {
      const lines = op.columns.map((c) => columnDefinition(op.table, c, before, `${where} on "${op.table}"`));
      if (op.primaryKey)
        lines.push(`CONSTRAINT ${quoteIdent(op.primaryKey.name ?? derivedName(`PK_${op.table}`))} PRIMARY KEY (${quoteList(op.primaryKey.columns)})`);
      for (const u of op.uniques) lines.push(`CONSTRAINT ${quoteIdent(u.name)} UNIQUE (${quoteList(u.columns)})`);
      for (const c of op.checks) lines.push(`CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression})`);
      for (const fk of op.foreignKeys) lines.push(foreignKeyClause(fk));
      return [{ sql: `CREATE TABLE ${qualified(op.table)} (\n  ${lines.join(',\n  ')}\n)`, ...(op.foreignKeys.length ? { strongLock: true } : {}) }];
    }
    case 'dropTable':
      return [strong(`DROP TABLE ${qualified(op.table)}`)];
    case 'renameTable':
      return [strong(rename(qualified(op.from), op.to, 'OBJECT'))];
    case 'addColumn': {
      const column = columnDefinition(op.table, op.column, before, `${where} on "${op.table}"`);
      // WITH VALUES fills existing rows of a nullable column with the default too, as Postgres does.
      const withValues = op.column.default && op.column.nullable ? ' WITH VALUES' : '';
      return [strong(`ALTER TABLE ${qualified(op.table)} ADD ${column}${withValues}`)];
    }
    case 'dropColumn':
      // SQL Server refuses to drop a column its default, column checks or indexes still use; Postgres drops them with it.
      return [
        strong(dropDefault(op.table, op.column)),
        strong(dropColumnChecks(op.table, op.column, false)),
        strong(dropColumnIndexes(op.table, op.column)),
        strong(`ALTER TABLE ${qualified(op.table)} DROP COLUMN ${quoteIdent(op.column)}`),
      ];
    case 'renameColumn':
      return [strong(rename(`${qualified(op.table)}.${quoteIdent(op.from)}`, op.to, 'COLUMN'))];
    case 'alterColumnType': {
      const column = tableIn(before, op.table, where).columns.find((c) => c.name === op.column);
      if (!column) throw new Error(`${where}: table "${op.table}" has no column "${op.column}"`);
      if (op.using?.mssql) throw new Error(`${where} on "${op.table}"."${op.column}": SQL Server has no USING; convert the values with a sql op`);
      // ALTER COLUMN without NULL/NOT NULL would make the column nullable: its nullability is restated.
      const type = mssqlType(op.type, `${where} on "${op.table}"."${op.column}"`);
      const statements = [strong(`ALTER TABLE ${qualified(op.table)} ALTER COLUMN ${quoteIdent(op.column)} ${type} ${column.nullable ? 'NULL' : 'NOT NULL'}`)];
      if (column.type.kind === 'enum' && op.type.kind !== 'enum') statements.unshift(strong(dropEnumChecks(op.table, op.column)));
      if (op.type.kind === 'enum') {
        statements.push(strong(`ALTER TABLE ${qualified(op.table)} ADD ${enumCheck(op.table, op.column, enumValues(before, op.type.enumName, where))}`));
      }
      return statements;
    }
    case 'setNullable': {
      const column = tableIn(before, op.table, where).columns.find((c) => c.name === op.column);
      if (!column) throw new Error(`${where}: table "${op.table}" has no column "${op.column}"`);
      const type = currentType(column, `${where} on "${op.table}"."${op.column}"`);
      return [strong(`ALTER TABLE ${qualified(op.table)} ALTER COLUMN ${quoteIdent(op.column)} ${type} ${op.nullable ? 'NULL' : 'NOT NULL'}`)];
    }
    case 'setDefault': {
      const drop = strong(dropDefault(op.table, op.column));
      if (op.default === null) return [drop];
      const value = mssqlDefault(op.default, `${where} on "${op.table}"."${op.column}"`);
      return [
        drop,
        strong(
          `ALTER TABLE ${qualified(op.table)} ADD CONSTRAINT ${quoteIdent(defaultConstraintName(op.table, op.column))} DEFAULT ${value} FOR ${quoteIdent(op.column)}`,
        ),
      ];
    }
    case 'createIndex':
      return [
        strong(
          `CREATE ${op.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(op.name)} ON ${qualified(op.table)} (${quoteList(op.columns)})${op.where ? ` WHERE ${op.where}` : ''}`,
        ),
      ];
    case 'dropIndex':
      return [strong(`DROP INDEX ${quoteIdent(op.name)} ON ${qualified(op.table)}`)];
    case 'addForeignKey':
      return [
        strong(`ALTER TABLE ${qualified(op.table)} WITH NOCHECK ADD ${foreignKeyClause(op.foreignKey)}`),
        strong(`ALTER TABLE ${qualified(op.table)} WITH CHECK CHECK CONSTRAINT ${quoteIdent(op.foreignKey.name)}`),
      ];
    case 'addCheck':
      return [
        strong(`ALTER TABLE ${qualified(op.table)} WITH NOCHECK ADD CONSTRAINT ${quoteIdent(op.check.name)} CHECK (${op.check.expression})`),
        strong(`ALTER TABLE ${qualified(op.table)} WITH CHECK CHECK CONSTRAINT ${quoteIdent(op.check.name)}`),
      ];
    case 'addUnique':
      return [strong(`ALTER TABLE ${qualified(op.table)} ADD CONSTRAINT ${quoteIdent(op.unique.name)} UNIQUE (${quoteList(op.unique.columns)})`)];
    case 'dropForeignKey':
    case 'dropCheck':
    case 'dropUnique':
      return [strong(`ALTER TABLE ${qualified(op.table)} DROP CONSTRAINT ${quoteIdent(op.name)}`)];
    case 'createEnum':
      // No enum types: the values live in the model, and each column of the enum gets a CHECK on them.
      return [];
    case 'dropEnum': {
      const user = before.tables.flatMap((t) =>
        t.columns.filter((c) => c.type.kind === 'enum' && c.type.enumName === op.name).map((c) => `"${t.name}"."${c.name}"`),
      );
      if (user.length) throw new Error(`${where}: enum "${op.name}" is still used by ${user.join(', ')}`);
      return [];
    }
    case 'addEnumValue': {
      const at = `${where} on enum "${op.enum}"`;
      const values = [...enumValues(before, op.enum, at)];
      if (values.includes(op.value)) throw new Error(`${at}: the enum already has the value ${quoteLiteral(op.value)}`);
      if (op.before !== undefined && op.after !== undefined) throw new Error(`${at}: give before or after, not both`);
      // The order only matters to Postgres; a CHECK holds a set. It is kept in the model all the same.
      values.push(op.value);
      const after: SchemaModel = { ...before, enums: before.enums.map((e) => (e.name === op.enum ? { ...e, values } : e)) };
      return before.tables.flatMap((t) =>
        t.columns
          .filter((c) => c.type.kind === 'enum' && c.type.enumName === op.enum)
          .flatMap((c) => [
            strong(dropEnumChecks(t.name, c.name)),
            strong(`ALTER TABLE ${qualified(t.name)} ADD ${enumCheck(t.name, c.name, enumValues(after, op.enum, at))}`),
          ]),
      );
    }
    case 'sql': {
      if (!op.up.mssql) throw new Error(`${where}: no mssql text in up (this migration cannot run on mssql)`);
      // GO is a client-side batch separator (sqlcmd, SSMS), not T-SQL: each batch is sent on its own.
      const batches = op.up.mssql
        .split(GO_LINE)
        .map((b) => b.trim())
        .filter(Boolean);
      if (!batches.length) throw new Error(`${where}: the mssql text holds no statement`);
      return batches.map((text) => ({ sql: text }));
    }
  }
}
