import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { redactText } from '../../redact.ts';
import type { BackupDialect, BackupSource, BackupTools, ScratchRestore } from '../backup.ts';
import { survivesServerLoss } from './driver.ts';

/** Environment variable naming the folder of pg_dump and pg_restore. */
export const PG_BIN_ENV = 'BYOS_PG_BIN';

const pool = (source: BackupSource) => source.native as pg.Pool & { options: pg.PoolConfig };

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') return reject(error);
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findTool(name: string, binDir: string | undefined): Promise<string | undefined> {
  const dirs = binDir ? [binDir] : (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) if (await executable(join(dir, name))) return join(dir, name);
  return undefined;
}

/** `pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)` → 15. */
export function toolMajor(versionText: string): number {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionText);
  if (!m) throw new Error(`cannot read a PostgreSQL version from "${versionText.trim()}"`);
  const major = Number(m[1]);
  // Before 10 the major version had two parts (9.6); those tools cannot dump any server this runtime supports.
  return major < 10 ? major + Number(m[2] ?? 0) / 10 : major;
}

/** pg_dump refuses a server newer than itself: say so before it does, with the fix. */
export function assertDumpCompatible(tools: Pick<BackupTools, 'toolMajor' | 'serverMajor'>): void {
  if (tools.toolMajor < tools.serverMajor) {
    throw new Error(
      `pg_dump ${tools.toolMajor} cannot dump a PostgreSQL ${tools.serverMajor} server; install postgresql-client-${tools.serverMajor} or set ${PG_BIN_ENV} to the folder of a pg_dump ${tools.serverMajor} or newer`,
    );
  }
}

/** libpq environment for the tools: the pool's own host, user and password; TLS as the profile demands. */
async function libpqEnv(source: BackupSource, database: string, scratch: string): Promise<NodeJS.ProcessEnv> {
  const options = pool(source).options;
  const tls = source.profile.tls;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PGHOST: String(options.host ?? '127.0.0.1'),
    PGPORT: String(options.port ?? 5432),
    PGDATABASE: database,
    PGAPPNAME: 'byos-backup-verify',
    PGCONNECT_TIMEOUT: '30',
  };
  if (options.user) env.PGUSER = String(options.user);
  if (typeof options.password === 'string') env.PGPASSWORD = options.password;
  env.PGSSLMODE = options.ssl === false ? 'disable' : tls?.mode === 'verify-ca' ? 'verify-ca' : 'verify-full';
  if (tls?.caFile) env.PGSSLROOTCERT = tls.caFile;
  else if (tls?.ca) {
    const file = join(scratch, 'ca.pem');
    await writeFile(file, tls.ca, { mode: 0o600 });
    env.PGSSLROOTCERT = file;
  }
  return env;
}

function secretsOf(source: BackupSource): string[] {
  const password = pool(source).options.password;
  return typeof password === 'string' ? [password] : [];
}

/** pg_restore's `error:` lines, each with the `Command was:` line that follows it. */
export function restoreErrors(stderr: string): string[] {
  const lines = stderr.split('\n');
  const errors: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!/^pg_restore: error: /.test(line)) continue;
    const command = /^Command was: /.test(lines[i + 1] ?? '') ? ` (${lines[i + 1]!.slice(0, 200)})` : '';
    errors.push(`${line.replace(/^pg_restore: error: /, '')}${command}`);
  }
  return errors;
}

export const postgresBackup: BackupDialect = {
  async tools(source, binDir) {
    const dir = binDir ?? process.env[PG_BIN_ENV];
    const dump = await findTool('pg_dump', dir);
    const restore = await findTool('pg_restore', dir);
    if (!dump || !restore) {
      throw new Error(
        `${!dump ? 'pg_dump' : 'pg_restore'} not found ${dir ? `in ${dir}` : 'on PATH'}; install the PostgreSQL client tools (postgresql-client-<server major>) or set ${PG_BIN_ENV}`,
      );
    }
    const version = await run(dump, ['--version'], { PATH: process.env.PATH });
    const { rows } = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(source.db);
    const tools: BackupTools = { dump, restore, toolMajor: toolMajor(version.stdout), serverMajor: Math.floor(Number(rows[0]!.v) / 10000) };
    assertDumpCompatible(tools);
    return tools;
  },

  async dump(source, tools, file) {
    const work = await mkdtemp(join(tmpdir(), 'byos-pgenv-'));
    try {
      const env = await libpqEnv(source, String(pool(source).options.database), work);
      const result = await run(tools.dump, ['--format=custom', '--file', file, '--no-password'], env);
      if (result.code !== 0) throw new Error(`pg_dump failed (exit ${result.code}): ${redactText(result.stderr.trim(), secretsOf(source))}`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },

  async restore(source, tools, file): Promise<ScratchRestore> {
    const name = `byos_verify_${randomBytes(6).toString('hex')}`;
    await sql`create database ${sql.id(name)}`.execute(source.db);
    const drop = async () => {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(source.db);
    };
    const work = await mkdtemp(join(tmpdir(), 'byos-pgenv-'));
    let db: Kysely<any> | undefined;
    try {
      const env = await libpqEnv(source, name, work);
      // Owners and grants name roles of the source; the restore runs as the tenant's user and skips them.
      const result = await run(tools.restore, ['--dbname', name, '--no-owner', '--no-acl', '--no-password', file], env);
      const errors = restoreErrors(result.stderr).map((e) => redactText(e, secretsOf(source)));
      if (result.code !== 0 && errors.length === 0) errors.push(redactText(result.stderr.trim() || `pg_restore exit ${result.code}`, secretsOf(source)));
      const { default: pgModule } = await import('pg');
      // node-postgres keeps `password` on the pool's options but not enumerable (so it stays out of logs): a spread
      // drops it, and against a server that requires one every scratch query failed. It is passed on by name.
      const options = pool(source).options;
      const scratchPool = new pgModule.Pool({ ...options, password: options.password, database: name, max: 2 });
      survivesServerLoss(scratchPool);
      const opened = new Kysely<any>({ dialect: new PostgresDialect({ pool: scratchPool }) });
      db = opened;
      let connectionError: string | undefined;
      try {
        await sql`select 1`.execute(opened);
      } catch (error) {
        connectionError = redactText((error as Error).message, secretsOf(source));
      }
      return {
        db: opened,
        name,
        errors,
        ...(connectionError !== undefined ? { connectionError } : {}),
        drop: async () => {
          await opened.destroy();
          await drop();
        },
      };
    } catch (error) {
      await db?.destroy().catch(() => {});
      await drop().catch(() => {});
      throw error;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },

  async checksum(db, table) {
    try {
      const { rows } = await sql<{ n: string; sum: string }>`
        select count(*)::text as n, md5(coalesce(string_agg(t::text, E'\n' order by t::text), '')) as sum
        from ${sql.id(table.schema, table.name)} as t`.execute(db);
      return { rows: Number(rows[0]!.n), checksum: rows[0]!.sum };
    } catch (error) {
      return { rows: 0, checksum: '', error: (error as Error).message };
    }
  },
};
