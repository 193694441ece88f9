import { type Finding, type MigrationOpInput, type NeutralType, noNativeParts, parseMigrationOps, type SchemaModel } from '@byos/runtime';
import type { CompiledStatement } from '@byos/runtime/dialects';
import { lintOps, lintPostgresSql, type LintCapabilities } from '@byos/runtime/migrate/lint';

export const POSTGRES_LIKE: LintCapabilities = { enums: true, concurrentIndexes: true, lockTimeout: true };
export const SQLITE_LIKE: LintCapabilities = { enums: false, concurrentIndexes: false, lockTimeout: false };

/** A schema with these tables in the default schema; columns as [name, kind] or [name, NeutralType]. */
export function schema(tables: Record<string, [string, NeutralType['kind'] | NeutralType][]>, dialect: SchemaModel['dialect'] = 'postgres'): SchemaModel {
  return {
    dialect,
    defaultSchema: dialect === 'postgres' ? 'public' : dialect === 'sqlite' ? 'main' : 'dbo',
    tables: Object.entries(tables).map(([name, cols]) => ({
      schema: dialect === 'postgres' ? 'public' : dialect === 'sqlite' ? 'main' : 'dbo',
      name,
      columns: cols.map(([col, t]) => ({
        name: col,
        type: typeof t === 'string' ? { kind: t } : t,
        nativeType: typeof t === 'string' ? t : t.kind,
        nullable: true,
        default: null,
        identity: null,
        generated: null,
        comment: null,
      })),
      primaryKey: null,
      foreignKeys: [],
      uniques: [],
      indexes: [],
      checks: [],
      comment: null,
      partitionBy: null,
    })),
    views: [],
    enums: [],
    domains: [],
    ...noNativeParts(dialect === 'postgres' ? 'public' : dialect === 'sqlite' ? 'main' : 'dbo'),
  };
}

/** customers(id, email, name varchar(80), age integer) and orders(id, customer_id, total decimal(10,2), placed timestamp). */
export const SHOP = schema({
  customers: [
    ['id', 'integer'],
    ['email', 'text'],
    ['name', { kind: 'varchar', length: 80 }],
    ['age', 'integer'],
  ],
  orders: [
    ['id', 'bigint'],
    ['customer_id', 'integer'],
    ['total', { kind: 'decimal', precision: 10, scale: 2 }],
    ['placed', 'timestamp'],
  ],
});

export interface LintInput {
  ops?: MigrationOpInput[];
  before?: SchemaModel;
  statements?: CompiledStatement[];
  capabilities?: LintCapabilities;
}

/** Findings of one rule for these ops (validated through the contract first, as the runner would). */
export function opFindings(rule: string, input: LintInput): Finding[] {
  const ops = parseMigrationOps(input.ops ?? []);
  const ctx = { dialect: 'postgres' as const, before: input.before ?? SHOP, statements: input.statements, capabilities: input.capabilities ?? POSTGRES_LIKE };
  return lintOps(ops, ctx).filter((f) => f.rule === rule);
}

export async function sqlFindings(rule: string, sqlText: string): Promise<Finding[]> {
  return (await lintPostgresSql(sqlText, 'm.sql')).filter((f) => f.rule === rule);
}

/** Statements as a compiler would hand them over. */
export function stmts(...sql: (string | CompiledStatement)[]): CompiledStatement[] {
  return sql.map((s) => (typeof s === 'string' ? { sql: s } : s));
}
