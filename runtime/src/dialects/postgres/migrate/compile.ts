import { createHash } from 'node:crypto';
import type { MigrationOp } from '../../../contracts/migration-op.ts';
import type { SchemaModel } from '../../../contracts/schema-model.ts';
import type { CompiledStatement } from '../../migration-dialect.ts';
import { columnDefinition, foreignKeyClause, postgresDefault, postgresType, quoteIdent, quoteList, quoteLiteral } from './sql-text.ts';

/** Runs inside the migration's transaction and takes ACCESS EXCLUSIVE (or SHARE ROW EXCLUSIVE) briefly. */
const strong = (sql: string): CompiledStatement => ({ sql, strongLock: true });
/**
 * Runs alone, after the runner commits what came before: CONCURRENTLY cannot run in a transaction, and VALIDATE
 * in the same transaction as its NOT VALID add would hold the add's ACCESS EXCLUSIVE lock through the whole scan.
 * None of these is strongLock, so the runner never needs `SET LOCAL lock_timeout` (a no-op outside a transaction)
 * before one.
 */
const alone = (sql: string): CompiledStatement => ({ sql, outsideTransaction: true });

/** A name for a helper constraint that cannot collide with the user's: byos_nn_ + a hash of table and column. */
function helperName(prefix: string, ...parts: string[]): string {
  return `byos_${prefix}_${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16)}`;
}

/**
 * The Postgres DDL for one op, in its safe form (see docs/migration-dialects.md): indexes built and dropped CONCURRENTLY,
 * foreign keys and checks added NOT VALID then validated, SET NOT NULL through a validated CHECK (PG 12+ skips the
 * scan), unique constraints attached to a concurrently built index. `before` is not needed: Postgres alters in place.
 */
export function compilePostgres(op: MigrationOp, _before: SchemaModel): CompiledStatement[] {
  const where = `${op.op} op`;
  switch (op.op) {
    case 'createTable': {
      const lines = op.columns.map((c) => columnDefinition(c, `${where} on "${op.table}"`));
      if (op.primaryKey)
        lines.push(`${op.primaryKey.name ? `CONSTRAINT ${quoteIdent(op.primaryKey.name)} ` : ''}PRIMARY KEY (${quoteList(op.primaryKey.columns)})`);
      for (const u of op.uniques) lines.push(`CONSTRAINT ${quoteIdent(u.name)} UNIQUE (${quoteList(u.columns)})`);
      for (const c of op.checks) lines.push(`CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression})`);
      for (const fk of op.foreignKeys) lines.push(foreignKeyClause(fk));
      const statement = { sql: `CREATE TABLE ${quoteIdent(op.table)} (\n  ${lines.join(',\n  ')}\n)` };
      // A foreign key locks the referenced table (SHARE ROW EXCLUSIVE) even on a new table.
      return [op.foreignKeys.length ? { ...statement, strongLock: true } : statement];
    }
    case 'dropTable':
      return [strong(`DROP TABLE ${quoteIdent(op.table)}`)];
    case 'renameTable':
      return [strong(`ALTER TABLE ${quoteIdent(op.from)} RENAME TO ${quoteIdent(op.to)}`)];
    case 'addColumn':
      return [strong(`ALTER TABLE ${quoteIdent(op.table)} ADD COLUMN ${columnDefinition(op.column, `${where} on "${op.table}"`)}`)];
    case 'dropColumn':
      return [strong(`ALTER TABLE ${quoteIdent(op.table)} DROP COLUMN ${quoteIdent(op.column)}`)];
    case 'renameColumn':
      return [strong(`ALTER TABLE ${quoteIdent(op.table)} RENAME COLUMN ${quoteIdent(op.from)} TO ${quoteIdent(op.to)}`)];
    case 'alterColumnType': {
      const type = postgresType(op.type, `${where} on "${op.table}"."${op.column}"`);
      // An explicit cast by default, so text → integer works where an assignment cast would be refused.
      const using = op.using?.postgres ?? `${quoteIdent(op.column)}::${type}`;
      return [strong(`ALTER TABLE ${quoteIdent(op.table)} ALTER COLUMN ${quoteIdent(op.column)} TYPE ${type} USING ${using}`)];
    }
    case 'setNullable': {
      const table = quoteIdent(op.table);
      const column = quoteIdent(op.column);
      if (op.nullable) return [strong(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP NOT NULL`)];
      // PG 12+: SET NOT NULL skips its full-table scan under ACCESS EXCLUSIVE when a valid CHECK proves it.
      const check = quoteIdent(helperName('nn', op.table, op.column));
      // A failed earlier attempt (its VALIDATE found nulls) leaves the helper check behind: replaced, not duplicated.
      return [
        strong(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${check}`),
        strong(`ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID`),
        alone(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${check}`),
        strong(`ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`),
        strong(`ALTER TABLE ${table} DROP CONSTRAINT ${check}`),
      ];
    }
    case 'setDefault': {
      const head = `ALTER TABLE ${quoteIdent(op.table)} ALTER COLUMN ${quoteIdent(op.column)}`;
      if (op.default === null) return [strong(`${head} DROP DEFAULT`)];
      return [strong(`${head} SET DEFAULT ${postgresDefault(op.default, `${where} on "${op.table}"."${op.column}"`)}`)];
    }
    case 'createIndex':
      return [
        alone(
          `CREATE ${op.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${quoteIdent(op.name)} ON ${quoteIdent(op.table)} (${quoteList(op.columns)})` +
            (op.where ? ` WHERE ${op.where}` : ''),
        ),
      ];
    case 'dropIndex':
      return [alone(`DROP INDEX CONCURRENTLY ${quoteIdent(op.name)}`)];
    case 'addForeignKey':
      // SHARE ROW EXCLUSIVE on both tables for the add; VALIDATE then only takes SHARE UPDATE EXCLUSIVE.
      return [
        strong(`ALTER TABLE ${quoteIdent(op.table)} ADD ${foreignKeyClause(op.foreignKey)} NOT VALID`),
        alone(`ALTER TABLE ${quoteIdent(op.table)} VALIDATE CONSTRAINT ${quoteIdent(op.foreignKey.name)}`),
      ];
    case 'addCheck':
      return [
        strong(`ALTER TABLE ${quoteIdent(op.table)} ADD CONSTRAINT ${quoteIdent(op.check.name)} CHECK (${op.check.expression}) NOT VALID`),
        alone(`ALTER TABLE ${quoteIdent(op.table)} VALIDATE CONSTRAINT ${quoteIdent(op.check.name)}`),
      ];
    case 'addUnique':
      // The index is built without blocking writes; attaching it as the constraint is a catalog change.
      return [
        alone(`CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(op.unique.name)} ON ${quoteIdent(op.table)} (${quoteList(op.unique.columns)})`),
        strong(`ALTER TABLE ${quoteIdent(op.table)} ADD CONSTRAINT ${quoteIdent(op.unique.name)} UNIQUE USING INDEX ${quoteIdent(op.unique.name)}`),
      ];
    case 'dropForeignKey':
    case 'dropCheck':
    case 'dropUnique':
      return [strong(`ALTER TABLE ${quoteIdent(op.table)} DROP CONSTRAINT ${quoteIdent(op.name)}`)];
    case 'createEnum':
      return [{ sql: `CREATE TYPE ${quoteIdent(op.name)} AS ENUM (${op.values.map(quoteLiteral).join(', ')})` }];
    case 'dropEnum':
      return [{ sql: `DROP TYPE ${quoteIdent(op.name)}` }];
    case 'addEnumValue': {
      // Allowed in a transaction since PG 12; the new value cannot be used until that transaction commits.
      if (op.before !== undefined && op.after !== undefined) throw new Error(`${where} on enum "${op.enum}": give before or after, not both`);
      const position = op.before !== undefined ? ` BEFORE ${quoteLiteral(op.before)}` : op.after !== undefined ? ` AFTER ${quoteLiteral(op.after)}` : '';
      return [{ sql: `ALTER TYPE ${quoteIdent(op.enum)} ADD VALUE ${quoteLiteral(op.value)}${position}` }];
    }
    case 'sql': {
      if (!op.up.postgres) throw new Error(`${where}: no postgres text in up (this migration cannot run on postgres)`);
      return [{ sql: op.up.postgres }];
    }
  }
}
