import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocalPostgresServer, startLocalPostgres } from '@byos/runtime/local-postgres';

/**
 * The demo's embedded Postgres in `<dir>/postgres`, its password kept in `<dir>/postgres.password` (created once,
 * 0600), and the connection profile every demo database on it shares (add `tenant` and `database`).
 */
export async function startDemoPostgres(dir: string) {
  const dataDir = join(dir, 'postgres');
  const passwordFile = join(dir, 'postgres.password');
  if (!existsSync(passwordFile)) await writeFile(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = (await readFile(passwordFile, 'utf8')).trim();
  const server: LocalPostgresServer = await startLocalPostgres({ dataDir, password });
  const base = {
    provider: 'local-postgres',
    dialect: 'postgres',
    host: server.host,
    port: server.port,
    user: server.user,
    passwordRef: `file:${passwordFile}`,
    dataDir,
    tls: { mode: 'disable' },
  } as const;
  return { server, base, dataDir };
}
