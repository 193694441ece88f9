import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TenantDb } from '@byos/runtime';
import { verifyBackup } from '@byos/runtime/guard/backup';
import { startLocalPostgres, type LocalPostgresServer } from '@byos/runtime/local-postgres';
import { freshPostgresDatabase } from '../../helpers/databases.ts';
import { pgToolsFor } from '../../helpers/pg-dump.ts';
import { sqlOn } from '../../helpers/sql.ts';

// Issue 15, item 13: the scratch database's connection lost the password (node-postgres keeps `password`
// non-enumerable on the pool's options, so spreading them dropped it), and the failure to connect was reported as
// every table missing. Against servers that require a password, and with a scratch database that refuses
// connections, the result must say what happened.

const opened: TenantDb[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
});

async function open(url: string): Promise<TenantDb> {
  const tenant = await connect(url);
  opened.push(tenant);
  return tenant;
}

describe('backup verify against a server that requires a password', { timeout: 180_000 }, () => {
  it('restores and compares every table (the scratch connection keeps the password)', async () => {
    const url = await freshPostgresDatabase('backup_pw');
    expect(decodeURIComponent(new URL(url).password)).not.toBe('');
    await sqlOn(
      url,
      `create table notes (id int primary key, body text); insert into notes select g, 'n' || g from generate_series(1, 40) g;
                      create table tags (id int primary key); insert into tags select g from generate_series(1, 7) g;`,
    );
    const tools = await pgToolsFor(url);
    const result = await verifyBackup(await open(url), { binDir: dirname(tools.pgDump) });
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.tables.map((t) => [t.table, t.sourceRows, t.restoredRows, t.equal])).toEqual([
      ['notes', 40, 40, true],
      ['tags', 7, 7, true],
    ]);
  });
});

describe('backup verify when the scratch database cannot be reached', { timeout: 240_000 }, () => {
  let server: LocalPostgresServer;
  let root: string;
  const password = 'scratch-refused-pw';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'byos-backup-refused-'));
    await chmod(root, 0o755);
    server = await startLocalPostgres({ dataDir: join(root, 'data'), password, ephemeral: true });
    const admin = `postgres://${server.user}:${password}@${server.host}:${server.port}`;
    // Databases created from template1 (as the scratch one is) refuse every login but the restore tool's, the way
    // a pg_hba rule or a connection limit would: pg_restore gets in, the comparison's connection does not.
    await sqlOn(
      `${admin}/template1`,
      `
      create function refuse_scratch_logins() returns event_trigger language plpgsql as $$
      begin
        if current_database() like 'byos_verify_%' and current_setting('application_name') <> 'byos-backup-verify' then
          raise exception 'logins to % are closed', current_database();
        end if;
      end $$;
      create event trigger refuse_scratch_logins on login execute function refuse_scratch_logins();`,
    );
    await sqlOn(`${admin}/postgres`, 'create database tenant template template0');
    await sqlOn(`${admin}/tenant`, `create table notes (id int primary key, body text); insert into notes values (1, 'a'), (2, 'b');`);
  });
  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('is one finding about the connection, not a missing table per table; the password is in no message', async () => {
    const url = `postgres://${server.user}:${password}@${server.host}:${server.port}/tenant`;
    const tools = await pgToolsFor(url);
    const result = await verifyBackup(await open(url), { binDir: dirname(tools.pgDump) });
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => f.rule)).toEqual(['backup-scratch-connection']);
    expect(result.findings[0]!.message).toMatch(/cannot connect to the scratch database byos_verify_\w+: .*logins to byos_verify_\w+ are closed/);
    expect(JSON.stringify(result)).not.toContain(password);
    const left = await sqlOn<{ datname: string }>(
      `postgres://${server.user}:${password}@${server.host}:${server.port}/postgres`,
      `select datname from pg_database where datname like 'byos_verify_%'`,
    );
    expect(left).toEqual([]);
  });
});
