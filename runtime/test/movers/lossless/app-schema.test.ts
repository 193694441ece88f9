import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../src/index.ts';
import { copyDatabase, CopyRefusedError } from '../../../src/movers/copy/index.ts';
import { verifyDatabases } from '../../../src/movers/verify/index.ts';
import { loadAppSchema, sequencePositions, uniqueRole } from '../../../../test/helpers/app-schema.ts';
import { sqlOn } from '../../../../test/helpers/sql.ts';
import { runCliInProcess } from '../../../../test/helpers/cli.ts';
import { freshPostgresDatabase } from '../../../../test/helpers/databases.ts';
import { dumpDiff, schemaDump } from '../../../../test/helpers/pg-dump.ts';
import { startSystemPostgres, type SystemPostgres } from '../../../../test/helpers/system-postgres.ts';

// Postgres → Postgres copies of a realistic application schema (test/fixtures/postgres/app-schema.sql) reproduce it
// exactly: pg_dump --schema-only of source and target (a pg_dump of the server's major) are identical, rows and
// sequences match, and the audit trigger wrote nothing during the load. Needs `bash scripts/pg-tools.sh`.
const TIMEOUT = 180_000;

let system: SystemPostgres;
let systemDb = 0;
beforeAll(async () => {
  system = await startSystemPostgres();
}, TIMEOUT);
afterAll(async () => {
  await system?.stop();
});

async function systemDatabase(): Promise<string> {
  const name = `app_${++systemDb}`;
  await sqlOn(system.url, `create database ${name}`);
  return system.url.replace(/\/postgres$/, `/${name}`);
}

/** What must hold after any lossless copy of the application schema. */
async function expectSame(source: string, target: string, options: { dump: boolean }): Promise<void> {
  if (options.dump) {
    const [a, b] = await Promise.all([schemaDump(source), schemaDump(target)]);
    expect(b, dumpDiff(a, b)).toBe(a);
  }
  expect(await sequencePositions(target)).toEqual(await sequencePositions(source));
  // The audit trigger fired for the fixture's three inserts on the source and for none of the copied rows.
  expect(await sqlOn(target, 'select count(*)::int as n from audit.log')).toEqual([{ n: 3 }]);
  const [from, to] = [await connect(source), await connect(target)];
  try {
    const report = await verifyDatabases({ from, to, sample: 5 });
    expect(report.findings).toEqual([]);
    expect(report.schema).toMatchObject({ mode: 'native' });
    expect(report.schema!.compared).toBeGreaterThan(70);
  } finally {
    await from.close();
    await to.close();
  }
}

describe('Postgres → Postgres carries the whole application schema', { timeout: TIMEOUT }, () => {
  it('embedded 18 → 18 through byos copy --verify: identical pg_dump, rows, sequences, no trigger fired', async () => {
    const [source, target] = [await freshPostgresDatabase('app_src'), await freshPostgresDatabase('app_dst')];
    await loadAppSchema(source, uniqueRole());
    const result = await runCliInProcess(['copy', '--from', source, '--to', target, '--verify', '--jobs', '2', '--json']);
    expect(result.stderr).not.toMatch(/byos:/);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.verify).toMatchObject({ equal: true, schema: { mode: 'native' } });
    expect(summary.copy.objects.unsupported).toEqual([]);
    // Leaf partitions are copied, the partitioned parent holds no rows of its own.
    expect(summary.copy.tables.map((t: { table: string }) => t.table)).toContain('billing.invoice_2025');
    await expectSame(source, target, { dump: true });
    // What the issue found lost, present on the target.
    const facts = await sqlOn<Record<string, unknown>>(
      target,
      `select
      (select relrowsecurity and relforcerowsecurity from pg_class where oid = 'app.member'::regclass) as rls,
      (select count(*)::int from pg_policy where polrelid = 'app.member'::regclass) as policies,
      (select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'app.account'::regclass and attname = 'email') as email_type,
      (select amname from pg_class c join pg_am a on a.oid = c.relam where c.oid = 'app.account_search_idx'::regclass) as search_index,
      (select relkind::text from pg_class where oid = 'billing.invoice'::regclass) as invoice_kind,
      (select prosecdef from pg_proc where oid = 'app.set_plan(bigint, app.plan)'::regprocedure) as security_definer,
      (select count(*)::int from pg_trigger where tgrelid = 'app.account'::regclass and not tgisinternal) as triggers,
      (select relispopulated from pg_class where oid = 'billing.revenue_by_month'::regclass) as matview_populated`,
    );
    expect(facts).toEqual([
      { rls: true, policies: 2, email_type: 'app.email', search_index: 'gin', invoice_kind: 'p', security_definer: true, triggers: 1, matview_populated: true },
    ]);
    // The unique citext email stays case-insensitive.
    await expect(sqlOn(target, `insert into app.account (name, email) values ('Dup', 'OPS@ACME.TEST')`)).rejects.toThrow(/account_email_key/);
  });

  it('--exclude-schemas leaves a schema out, and refuses when a kept object needs it', async () => {
    const source = await freshPostgresDatabase('app_part_src');
    await loadAppSchema(source, uniqueRole());
    const needed = await freshPostgresDatabase('app_part_refused');
    const refused = await runCliInProcess(['copy', '--from', source, '--to', needed, '--exclude-schemas', 'audit']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/trigger app\.account account_audit needs function audit\.record_insert\(\), in a schema left out/);
    const target = await freshPostgresDatabase('app_part_dst');
    const result = await runCliInProcess(['copy', '--from', source, '--to', target, '--exclude-schemas', 'billing', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(
      JSON.parse(result.stdout)
        .copy.tables.map((t: { table: string }) => t.table)
        .sort(),
    ).toEqual(['app.account', 'app.booking', 'app.member', 'app.room', 'audit.log']);
    expect(await sqlOn(target, `select nspname from pg_namespace where nspname in ('app', 'audit', 'billing') order by 1`)).toEqual([
      { nspname: 'app' },
      { nspname: 'audit' },
    ]);
  });

  it('system PostgreSQL 15 → another database on it: identical pg_dump 15', async () => {
    const [source, target] = [await systemDatabase(), await systemDatabase()];
    await loadAppSchema(source, uniqueRole());
    const [from, to] = [await connect(source), await connect(target)];
    try {
      await copyDatabase({ from, to, jobs: 2 });
    } finally {
      await from.close();
      await to.close();
    }
    await expectSame(source, target, { dump: true });
  });

  it('15 → 18 across major versions: the schema verification passes and the objects match kind by kind', async () => {
    const role = uniqueRole();
    const source = await systemDatabase();
    await loadAppSchema(source, role);
    const target = await freshPostgresDatabase('app_from15');
    const [from, to] = [await connect(source), await connect(target)];
    try {
      // The role lives in the source's cluster only: refused, naming it, until the copy may create it.
      const refused = await copyDatabase({ from, to }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CopyRefusedError);
      expect((refused as CopyRefusedError).findings).toEqual([expect.objectContaining({ rule: 'copy-role-missing', subject: role })]);
      expect(await sqlOn(target, `select count(*)::int as n from pg_namespace where nspname = 'app'`)).toEqual([{ n: 0 }]);
      await copyDatabase({ from, to, createRoles: true });
      expect(await sqlOn(target, `select rolcanlogin from pg_roles where rolname = '${role}'`)).toEqual([{ rolcanlogin: false }]);
      const { postgresNativeSchema } = await import('../../../src/dialects/postgres/native/index.ts');
      const kinds = async (db: typeof from) => {
        const counts: Record<string, number> = {};
        for (const u of (await postgresNativeSchema.read(db.db)).units) counts[u.kind] = (counts[u.kind] ?? 0) + 1;
        return counts;
      };
      expect(await kinds(to)).toEqual(await kinds(from));
    } finally {
      await from.close();
      await to.close();
    }
    await expectSame(source, target, { dump: false });
  });
});
