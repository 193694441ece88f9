import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { ensureAuditTables, verifyAudit } from '@byos/runtime/guard/audit';
import { runCli } from '../../helpers/cli.ts';
import { sqlOn } from '../../helpers/sql.ts';
import { startSystemPostgres, type SystemPostgres } from '../../helpers/system-postgres.ts';

// `byos backup verify` leaves its verdict in the tenant's audit trail (what the console's fleet view reads), and only
// there: a tenant without the trail gets no audit tables from it.

let server: SystemPostgres;
const urlOf = (database: string) => server.url.replace(/\/postgres$/, `/${database}`);

beforeAll(async () => {
  server = await startSystemPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  for (const name of ['audited', 'unaudited', 'broken']) await admin.query(`create database ${name}`);
  await admin.end();
  for (const name of ['audited', 'unaudited']) {
    await sqlOn(urlOf(name), `create table notes (id int primary key, body text); insert into notes select g, 'n' || g from generate_series(1, 30) g;`);
  }
  // Fails to restore (a CHECK whose function names its table without a schema; pg_restore's search_path is empty).
  await sqlOn(
    urlOf('broken'),
    `create table allowed (code text primary key); insert into allowed values ('a');
     create function code_ok(c text) returns boolean language plpgsql as $$ begin return exists (select 1 from allowed where code = c); end $$;
     create table items (id int primary key, code text check (code_ok(code))); insert into items values (1, 'a'), (2, 'a');`,
  );
  for (const name of ['audited', 'broken']) {
    const tenant = await connect(urlOf(name));
    try {
      await ensureAuditTables(tenant);
    } finally {
      await tenant.close();
    }
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const entries = (database: string) =>
  sqlOn<{ seq: number; actor: string; action: string; subject: string; details: string }>(
    urlOf(database),
    `select seq, actor, action, subject, details from byos_audit where action = 'backup.verify' order by seq`,
  );

describe('byos backup verify records the verification in the audit trail', { timeout: 180_000 }, () => {
  it('a tenant with the audit trail gets a backup.verify entry: ok, tables, no connection settings; the chain stays intact', async () => {
    const result = await runCli(['backup', 'verify', '--url', urlOf('audited'), '--pg-bin', server.binDir, '--actor', 'ops-alice']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/recorded in the audit trail as entry \d+ \(backup\.verify\)/);
    const rows = await entries('audited');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'ops-alice', action: 'backup.verify', subject: 'audited' });
    const details = JSON.parse(rows[0]!.details) as Record<string, unknown>;
    // byos_audit and byos_audit_staging are tables of the dump too.
    expect(details).toMatchObject({ ok: true, differing: [], findings: [] });
    expect(details.tables).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(details)).not.toMatch(/127\.0\.0\.1|postgres:\/\/|password/);

    const json = await runCli(['backup', 'verify', '--url', urlOf('audited'), '--pg-bin', server.binDir, '--json']);
    expect((JSON.parse(json.stdout) as { record: unknown }).record).toEqual({ recorded: true, seq: expect.any(Number) });
    expect(await entries('audited')).toHaveLength(2);
    const tenant = await connect(urlOf('audited'));
    try {
      expect((await verifyAudit(tenant)).ok).toBe(true);
    } finally {
      await tenant.close();
    }
  });

  it('a failed verification is recorded as not ok, with the differing tables and finding rules', async () => {
    const result = await runCli(['backup', 'verify', '--url', urlOf('broken'), '--pg-bin', server.binDir]);
    expect(result.code).toBe(1);
    const [row] = await entries('broken');
    const details = JSON.parse(row!.details) as { ok: boolean; differing: string[]; findings: string[] };
    expect(details.ok).toBe(false);
    expect(details.differing).toContain('items');
    expect(details.findings).toEqual(expect.arrayContaining(['backup-restore-error', 'backup-row-count']));
  });

  it('a tenant without the audit trail is verified, says it was not recorded, and gets no audit tables', async () => {
    const result = await runCli(['backup', 'verify', '--url', urlOf('unaudited'), '--pg-bin', server.binDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('not recorded: the tenant has no audit trail (byos_audit)');
    const tables = await sqlOn<{ n: string }>(urlOf('unaudited'), `select count(*) as n from pg_tables where tablename like 'byos_audit%'`);
    expect(Number(tables[0]!.n)).toBe(0);
  });
});
