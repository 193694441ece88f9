import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@byos/runtime/local-postgres';

const run = promisify(execFile);

/** Where Debian's PostgreSQL 15 server and client tools live (`apt-get install postgresql-15`). */
export const SYSTEM_PG_BIN = process.env.BYOS_SYSTEM_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface SystemPostgres {
  /** Superuser URL (trust authentication on 127.0.0.1 only). */
  url: string;
  /** Folder holding this server's own pg_dump, pg_restore and psql, matching its major version. */
  binDir: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL server from the system's packages, for what the embedded server lacks: client tools of the
 * same major version (the embedded PG 18 ships no pg_dump, and Debian's pg_dump 15 refuses a newer server).
 * As root the server runs as the `postgres` user, like the embedded one.
 */
export async function startSystemPostgres(settings: Record<string, string | number> = {}): Promise<SystemPostgres> {
  if (!existsSync(join(SYSTEM_PG_BIN, 'postgres'))) {
    throw new Error(`no PostgreSQL server binaries in ${SYSTEM_PG_BIN}: apt-get install postgresql-15, or set BYOS_SYSTEM_PG_BIN`);
  }
  const root = await mkdtemp(join(tmpdir(), 'byos-system-pg-'));
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresIds() : undefined;
  if (owner) await chown(root, owner.uid, owner.gid);
  const as = (binary: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(SYSTEM_PG_BIN, binary), ...args]) : run(join(SYSTEM_PG_BIN, binary), args);
  await as('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = Object.entries({ listen_addresses: '127.0.0.1', port, unix_socket_directories: root, fsync: 'off', ...settings })
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  await as('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(root, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    binDir: SYSTEM_PG_BIN,
    port,
    stop: async () => {
      await as('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['postgres']).catch(() => {
    throw new Error('running as root needs a postgres user to own the server: apt-get install postgresql-15 creates one');
  });
  const uid = Number(/uid=(\d+)/.exec(stdout)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(stdout)?.[1]);
  return { uid, gid };
}
