import type { Dialect } from '../dialect.ts';
import { openMssql } from './driver.ts';
import { introspectMssql } from './introspector.ts';

export const mssqlDialect: Dialect = {
  name: 'mssql',
  defaultSchema: 'dbo',
  capabilities: { transactionalDdl: true, returning: true, schemas: true, enums: false, concurrentIndexes: false },
  open: (profile, quirks) => openMssql(profile, quirks),
  introspect: (db) => introspectMssql(db),
};
