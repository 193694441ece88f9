import type { DialectName } from '../contracts/connection-profile.ts';
import type { Dialect } from './dialect.ts';

/**
 * The one place that lists the dialects. Each loads lazily, so an application that only talks to Postgres
 * never needs better-sqlite3 or tedious installed.
 */
const loaders: Record<DialectName, () => Promise<Dialect>> = {
  postgres: async () => (await import('./postgres/index.ts')).postgresDialect,
  sqlite: async () => (await import('./sqlite/index.ts')).sqliteDialect,
  mssql: async () => (await import('./mssql/index.ts')).mssqlDialect,
};

export async function loadDialect(name: DialectName): Promise<Dialect> {
  const load = loaders[name];
  if (!load) throw new Error(`unknown dialect "${name}"`);
  return load();
}

export type { Dialect, DialectCapabilities, OpenedDatabase, ConnectionQuirks } from './dialect.ts';
export { fenceMessage, type FenceDialect, type FenceOptions } from './fence.ts';
export type { CompiledStatement, MigrationDialect, RawSqlSyntax, SqlLexicon } from './migration-dialect.ts';
