import type { MigrationOp } from '../contracts/migration-op.ts';

/** One line for an op: `addColumn customers.phone text`. */
export function describeOp(op: MigrationOp): string {
  switch (op.op) {
    case 'createTable':
      return `createTable ${op.table} (${op.columns.map((c) => c.name).join(', ')})`;
    case 'dropTable':
      return `dropTable ${op.table}`;
    case 'renameTable':
      return `renameTable ${op.from} → ${op.to}`;
    case 'addColumn':
      return `addColumn ${op.table}.${op.column.name}`;
    case 'dropColumn':
      return `dropColumn ${op.table}.${op.column}`;
    case 'renameColumn':
      return `renameColumn ${op.table}.${op.from} → ${op.to}`;
    case 'alterColumnType':
      return `alterColumnType ${op.table}.${op.column} → ${op.type.kind}${op.type.length ? `(${op.type.length})` : ''}`;
    case 'setNullable':
      return `setNullable ${op.table}.${op.column} ${op.nullable}`;
    case 'setDefault':
      return `setDefault ${op.table}.${op.column} ${op.default === null ? 'none' : op.default.kind}`;
    case 'createIndex':
      return `createIndex ${op.name} on ${op.table} (${op.columns.join(', ')})`;
    case 'dropIndex':
      return `dropIndex ${op.name}`;
    case 'addForeignKey':
      return `addForeignKey ${op.table}.${op.foreignKey.name}`;
    case 'addCheck':
      return `addCheck ${op.table}.${op.check.name}`;
    case 'addUnique':
      return `addUnique ${op.table}.${op.unique.name}`;
    case 'dropForeignKey':
    case 'dropCheck':
    case 'dropUnique':
      return `${op.op} ${op.table}.${op.name}`;
    case 'createEnum':
      return `createEnum ${op.name} (${op.values.join(', ')})`;
    case 'dropEnum':
      return `dropEnum ${op.name}`;
    case 'addEnumValue':
      return `addEnumValue ${op.enum} ${op.value}`;
    case 'sql':
      return 'sql';
  }
}
