import type { Dialect } from '../dialect.ts';
import { mssqlAudit } from './audit.ts';
import { mssqlMigrations } from './migrate/index.ts';
import { mssqlCopySupport } from './copy-support.ts';
import { mssqlCapture } from './capture.ts';
import { mssqlFence } from './fence.ts';
import { mssqlBulk } from './bulk-load.ts';
import { mssqlSampling } from './sampling.ts';
import { openMssql } from './driver.ts';
import { introspectMssql, MSSQL_DEFAULT_SCHEMA } from './introspector.ts';

/**
 * SQL Server and Azure SQL Database through tedious (Kysely's MssqlDialect). DDL is transactional, OUTPUT plays
 * RETURNING's part, schemas are real namespaces; there are no enum types, and online index builds depend on the
 * edition, so they are not promised.
 */
export const mssqlDialect: Dialect = {
  name: 'mssql',
  defaultSchema: MSSQL_DEFAULT_SCHEMA,
  capabilities: { transactionalDdl: true, returning: true, schemas: true, enums: false, concurrentIndexes: false },
  open: (profile, quirks) => openMssql(profile, quirks),
  introspect: (db) => introspectMssql(db),
  bulk: mssqlBulk,
  capture: mssqlCapture,
  fence: mssqlFence,
  sampling: mssqlSampling,
  copy: mssqlCopySupport,
  migrations: mssqlMigrations,
  audit: mssqlAudit,
};
