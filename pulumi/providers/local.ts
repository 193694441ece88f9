import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { logicalName, tenantNames } from './naming.ts';
import type { ProviderContext, ProviderModule, ProviderResult } from './types.ts';

/**
 * Development stacks. Nothing lives in a cloud, so there is nothing for Pulumi to create beyond the profile:
 *
 * - `local-sqlite` declares no resource at all. The profile names a file under `.byos/tenants/`; SQLite creates
 *   it on first connect. The stack exists so development uses the same spec → program → profile path as
 *   production, and so `byos policy check` runs on it too.
 * - `local-postgres` declares one resource, a `random:RandomPassword` (Pulumi state, no cloud), used as the
 *   superuser password when the embedded server in `dataDir` is initialised (runtime/src/providers/local-postgres.ts,
 *   `startLocalPostgres({ dataDir, password })`). The program does not start the server or create the database:
 *   that is the runtime's job on the developer's machine. One embedded server (`.byos/postgres`) holds every local
 *   tenant, one database each.
 *
 * Neither offers encryption at rest, backups or TLS; the policy pack treats them as development-only.
 */

/** Folder under the project root where local tenants keep their data. */
export const LOCAL_DATA_ROOT = '.byos';

/** `.byos/tenants/<tenant>.sqlite`. */
export function localSqlitePath(tenant: string): string {
  return `${LOCAL_DATA_ROOT}/tenants/${tenant}.sqlite`;
}

/** The embedded PostgreSQL's data folder, shared by all local tenants. */
export const LOCAL_POSTGRES_DATA_DIR = `${LOCAL_DATA_ROOT}/postgres`;

function createSqlite({ spec }: ProviderContext<'local-sqlite'>): ProviderResult {
  return { connection: pulumi.output({ database: localSqlitePath(spec.tenant) }) };
}

function createPostgres({ spec, settings, parent }: ProviderContext<'local-postgres'>): ProviderResult {
  const names = tenantNames(spec.tenant);
  const password = new random.RandomPassword(logicalName(spec.tenant, 'local-password'), { length: 32, special: false }, { parent });
  return {
    connection: pulumi.output({
      host: '127.0.0.1',
      port: settings.localPostgresPort ?? 5432,
      database: names.database,
      user: 'postgres',
      dataDir: LOCAL_POSTGRES_DATA_DIR,
      // Loopback only; the embedded server listens on 127.0.0.1 and has no certificate.
      tls: { mode: 'disable' as const, minVersion: 'TLSv1.2' as const },
    }),
    password: pulumi.secret(password.result),
  };
}

export const localSqliteProvider: ProviderModule<'local-sqlite'> = { provider: 'local-sqlite', createDatabase: createSqlite };
export const localPostgresProvider: ProviderModule<'local-postgres'> = { provider: 'local-postgres', createDatabase: createPostgres };
