import type { Dialect } from '../dialect.ts';
import { sqliteAudit } from './audit.ts';
import { sqliteMigrations } from './migrate/index.ts';
import { sqliteCopySupport } from './copy-support.ts';
import { sqliteCapture } from './capture.ts';
import { sqliteFence } from './fence.ts';
import { sqliteBulk } from './bulk-load.ts';
import { sqliteSampling } from './sampling.ts';
import { newSqliteFiles, openSqlite } from './driver.ts';
import { introspectSqlite } from './introspector.ts';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  defaultSchema: 'main',
  capabilities: { transactionalDdl: true, returning: true, schemas: false, enums: false, concurrentIndexes: false },
  open: (profile, quirks) => openSqlite(profile, quirks),
  filesCreatedByOpening: newSqliteFiles,
  introspect: (db) => introspectSqlite(db),
  bulk: sqliteBulk,
  capture: sqliteCapture,
  fence: sqliteFence,
  sampling: sqliteSampling,
  copy: sqliteCopySupport,
  migrations: sqliteMigrations,
  audit: sqliteAudit,
};
