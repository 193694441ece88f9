import type { DialectName } from '../../contracts/connection-profile.ts';
import type { ColumnDef, MigrationOp } from '../../contracts/migration-op.ts';
import type { NeutralType, SchemaModel } from '../../contracts/schema-model.ts';
import type { RawSqlSyntax } from '../../dialects/migration-dialect.ts';
import type { Change } from './rule.ts';
import { findTransactionControl } from './transaction-control.ts';
import { volatileCall } from './volatile.ts';

/**
 * The author's intent: one change per op that a rule may judge. Column types are followed through the ops (an
 * earlier rename or type change in the same migration counts), so a type change knows what it changes from.
 */
export function changesFromOps(ops: MigrationOp[], before: SchemaModel, dialect: DialectName, rawSql?: RawSqlSyntax): Change[] {
  const columns = new Map<string, Map<string, NeutralType>>();
  for (const table of before.tables) {
    if (table.schema !== before.defaultSchema) continue;
    columns.set(table.name, new Map(table.columns.map((c) => [c.name, c.type])));
  }
  const created = new Set<string>();
  const changes: Change[] = [];
  ops.forEach((op, i) => {
    const base = { where: `op ${i + 1} (${op.op})`, strongLock: false, lockGuarded: false };
    const isNew = (table: string) => created.has(table);
    switch (op.op) {
      case 'createTable':
        created.add(op.table);
        columns.set(op.table, new Map(op.columns.map((c) => [c.name, c.type])));
        changes.push({ ...base, kind: 'create-table', table: op.table, newTable: true });
        break;
      case 'dropTable':
        changes.push({ ...base, kind: 'drop-table', table: op.table, newTable: isNew(op.table) });
        created.delete(op.table);
        columns.delete(op.table);
        break;
      case 'renameTable': {
        changes.push({ ...base, kind: 'rename-table', from: op.from, to: op.to, newTable: isNew(op.from) });
        const cols = columns.get(op.from);
        columns.delete(op.from);
        if (cols) columns.set(op.to, cols);
        if (created.delete(op.from)) created.add(op.to);
        break;
      }
      case 'addColumn': {
        columns.get(op.table)?.set(op.column.name, op.column.type);
        const c = op.column;
        changes.push({
          ...base,
          kind: 'add-column',
          table: op.table,
          column: c.name,
          required: !c.nullable,
          filled: c.default !== undefined || c.identity !== undefined,
          volatileDefault: volatileDefaultOf(c, dialect),
          newTable: isNew(op.table),
        });
        break;
      }
      case 'dropColumn':
        columns.get(op.table)?.delete(op.column);
        changes.push({ ...base, kind: 'drop-column', table: op.table, column: op.column, newTable: isNew(op.table) });
        break;
      case 'renameColumn': {
        const cols = columns.get(op.table);
        const type = cols?.get(op.from);
        if (cols && type) {
          cols.delete(op.from);
          cols.set(op.to, type);
        }
        changes.push({ ...base, kind: 'rename-column', table: op.table, from: op.from, to: op.to, newTable: isNew(op.table) });
        break;
      }
      case 'alterColumnType': {
        const cols = columns.get(op.table);
        const from = cols?.get(op.column) ?? null;
        cols?.set(op.column, op.type);
        changes.push({
          ...base,
          kind: 'alter-type',
          table: op.table,
          column: op.column,
          from,
          to: op.type,
          toText: describeType(op.type),
          newTable: isNew(op.table),
        });
        break;
      }
      case 'setNullable':
        if (!op.nullable) changes.push({ ...base, kind: 'set-not-null', table: op.table, column: op.column, newTable: isNew(op.table) });
        break;
      case 'createIndex':
        changes.push({ ...base, kind: 'create-index', table: op.table, name: op.name, unique: op.unique, concurrently: false, newTable: isNew(op.table) });
        break;
      case 'dropIndex':
        changes.push({ ...base, kind: 'drop-index', name: op.name, concurrently: false, newTable: isNew(op.table) });
        break;
      case 'addForeignKey':
        changes.push(constraint(base, op.table, op.foreignKey.name, 'foreign-key', isNew(op.table)));
        break;
      case 'addCheck':
        changes.push(constraint(base, op.table, op.check.name, 'check', isNew(op.table)));
        break;
      case 'addUnique':
        changes.push(constraint(base, op.table, op.unique.name, 'unique', isNew(op.table)));
        break;
      case 'addEnumValue':
        changes.push({
          ...base,
          kind: 'add-enum-value',
          enum: op.enum,
          value: op.value,
          positioned: op.before !== undefined || op.after !== undefined,
          newTable: false,
        });
        break;
      case 'sql':
        if (!rawSql) break;
        for (const section of ['up', 'down'] as const) {
          const text = op[section]?.[dialect];
          if (!text) continue;
          for (const { statement, line } of findTransactionControl(text, rawSql)) {
            changes.push({ ...base, where: `${base.where}, ${section} line ${line}`, kind: 'transaction-control', statement, newTable: false });
          }
        }
        break;
      default:
        // Drops of constraints and indexes' inverses and enum creation carry no intent risk of their own.
        break;
    }
  });
  return changes;
}

function constraint(
  base: { where: string; strongLock: boolean; lockGuarded: boolean },
  table: string,
  name: string,
  kind: 'foreign-key' | 'check' | 'unique',
  newTable: boolean,
): Change {
  return { ...base, kind: 'add-constraint', table, name, constraint: kind, notValid: false, usingIndex: false, notNullColumn: null, newTable };
}

/** The volatile part of a new column's default: evaluated once per existing row, so the table is rewritten. */
function volatileDefaultOf(column: ColumnDef, dialect: DialectName): string | null {
  if (column.identity) return `identity (${column.identity})`;
  const d = column.default;
  if (!d) return null;
  if (d.kind === 'uuid') return 'a random UUID';
  if (d.kind === 'sql') {
    const text = d.sql[dialect];
    return text && volatileCall(text) ? text : null;
  }
  // `now` is stable: evaluated once for the statement, so every existing row gets the same value without a rewrite.
  return null;
}

/** `varchar(80)`, `decimal(10,2)`, `integer[]`: the type as the lint messages name it. */
export function describeType(type: NeutralType): string {
  if (type.kind === 'array') return `${type.element ? describeType(type.element) : 'unknown'}[]`;
  if (type.kind === 'enum') return `enum ${type.enumName ?? ''}`.trim();
  if (type.length !== undefined) return `${type.kind}(${type.length})`;
  if (type.precision !== undefined) return type.scale !== undefined ? `${type.kind}(${type.precision},${type.scale})` : `${type.kind}(${type.precision})`;
  return type.kind;
}
