import type { Dialect } from '../dialect.ts';
import { postgresAudit } from './audit.ts';
import { postgresNativeSchema } from './native/index.ts';
import { postgresMigrations } from './migrate/index.ts';
import { postgresCopySupport } from './copy-support.ts';
import { postgresCapture } from './capture.ts';
import { postgresFence } from './fence.ts';
import { postgresBulk } from './bulk-load.ts';
import { postgresSampling } from './sampling.ts';
import { postgresBackup } from './backup.ts';
import { openPostgres } from './driver.ts';
import { introspectPostgres, POSTGRES_DEFAULT_SCHEMA } from './introspector.ts';

export const postgresDialect: Dialect = {
  name: 'postgres',
  defaultSchema: POSTGRES_DEFAULT_SCHEMA,
  capabilities: { transactionalDdl: true, returning: true, schemas: true, enums: true, concurrentIndexes: true },
  open: (profile, quirks) => openPostgres(profile, quirks),
  introspect: (db, options) => introspectPostgres(db, options),
  bulk: postgresBulk,
  capture: postgresCapture,
  fence: postgresFence,
  sampling: postgresSampling,
  backup: postgresBackup,
  copy: postgresCopySupport,
  migrations: postgresMigrations,
  audit: postgresAudit,
  native: postgresNativeSchema,
};
