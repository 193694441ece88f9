import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileFromUrl } from '@byos/runtime';
import { createTenantRouter, fileProfileStore, type TenantRouter } from '@byos/runtime/router';
import { closeRollbackWindow, switchTenant } from '@byos/runtime/switch';
import { loadAppSchema, uniqueRole } from '../../helpers/app-schema.ts';
import { sqlOn } from '../../helpers/sql.ts';
import { freshPostgresDatabase, freshSqlitePath } from '../../helpers/databases.ts';
import { dumpDiff, schemaDump } from '../../helpers/pg-dump.ts';

// A live Postgres → Postgres switch of the application schema, with a writer inserting accounts (each insert fires
// the audit trigger) in every schema: the target ends with the source's exact schema, its triggers fired once per
// write (never again for replayed rows), and a rollback returns the same in the other direction.
const TIMEOUT = 180_000;

/** Inserts accounts and invoices through the router until stopped; each account insert writes one audit row. */
function startWriter(router: TenantRouter): { stop: () => Promise<number>; writes: () => number } {
  let running = true;
  let writes = 0;
  const loop = (async () => {
    while (running) {
      const n = writes;
      const tenant = await router.get('acme');
      await tenant.db
        .insertInto('app.account')
        .values({ name: `Writer ${n}`, email: `w${n}@writer.test` })
        .execute();
      await tenant.db
        .insertInto('billing.invoice')
        .values({ account_id: 100, issued_on: n % 2 ? '2025-06-01' : '2031-01-01', amount: 1000 + n })
        .execute();
      writes++;
      await new Promise((r) => setTimeout(r, 3));
    }
  })();
  return { writes: () => writes, stop: async () => ((running = false), await loop, writes) };
}

/** Every account has exactly one audit row: the trigger fired once per insert, wherever the row was written. */
async function expectOneAuditRowPerAccount(url: string): Promise<void> {
  const [counts] = await sqlOn<{ accounts: number; audited: number; distinct: number }>(
    url,
    `select
    (select count(*)::int from app.account) as accounts,
    (select count(*)::int from audit.log where table_name = 'app.account') as audited,
    (select count(distinct row_id)::int from audit.log where table_name = 'app.account') as distinct`,
  );
  expect(counts!.audited).toBe(counts!.accounts);
  expect(counts!.distinct).toBe(counts!.accounts);
}

async function setUp(label: string) {
  const [source, target] = [await freshPostgresDatabase(`${label}_src`), await freshPostgresDatabase(`${label}_dst`)];
  await loadAppSchema(source, uniqueRole());
  const stateDir = join(dirname(await freshSqlitePath(label)), 'state');
  const profiles = fileProfileStore(join(stateDir, 'profiles'));
  await profiles.activate('acme', profileFromUrl(source));
  return { source, target, stateDir, router: createTenantRouter({ profiles }) };
}

const waitFor = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
};

describe('a live switch Postgres → Postgres keeps every object, and fires no trigger twice', { timeout: TIMEOUT }, () => {
  it('switch with a writer running: after the rollback window closes, pg_dump of both sides is identical', async () => {
    const { source, target, stateDir, router } = await setUp('swl');
    try {
      const writer = startWriter(router);
      await waitFor(() => writer.writes() > 10);
      const report = await switchTenant({ tenant: 'acme', router, to: target, stateDir, maxLag: 10 });
      expect(report.state).toBe('switched');
      expect(report.verification?.equal).toBe(true);
      const flipped = writer.writes();
      await waitFor(() => writer.writes() > flipped + 10);
      await writer.stop();
      await closeRollbackWindow({ tenant: 'acme', router, stateDir });
      // The source kept the schema it had; the target has the same, capture machinery gone from both.
      const [a, b] = await Promise.all([schemaDump(source), schemaDump(target)]);
      expect(b, dumpDiff(a, b)).toBe(a);
      expect(b).not.toMatch(/byos_(capture|changes|copy|switch)/);
      await expectOneAuditRowPerAccount(source);
      await expectOneAuditRowPerAccount(target);
      // Writes after the flip went to the target only.
      const [[s], [t]] = await Promise.all([source, target].map((u) => sqlOn<{ n: number }>(u, 'select count(*)::int as n from app.account')));
      expect(t!.n).toBeGreaterThan(s!.n);
    } finally {
      await router.close();
    }
  });

  it('and its rollback: writes made on the target come back, the source keeps its schema, no trigger fired twice', async () => {
    const { source, target, stateDir, router } = await setUp('swr');
    try {
      const before = await schemaDump(source);
      const writer = startWriter(router);
      await waitFor(() => writer.writes() > 10);
      await switchTenant({ tenant: 'acme', router, to: target, stateDir, maxLag: 10 });
      const flipped = writer.writes();
      await waitFor(() => writer.writes() > flipped + 20);
      const report = await switchTenant({ tenant: 'acme', router, stateDir }, { rollback: true });
      expect(report.state).toBe('rolled-back');
      expect(report.verification?.equal).toBe(true);
      expect(report.changesReplayed).toBeGreaterThan(0);
      const back = writer.writes();
      await waitFor(() => writer.writes() > back + 10);
      const writes = await writer.stop();
      const after = await schemaDump(source);
      expect(after, dumpDiff(before, after)).toBe(before);
      await expectOneAuditRowPerAccount(source);
      // Every write, before, during and after the round trip, is on the source once.
      expect(await sqlOn(source, `select count(*)::int as n from app.account where name like 'Writer %'`)).toEqual([{ n: writes }]);
      expect(await sqlOn(source, `select count(*)::int as n from billing.invoice where amount >= 1000`)).toEqual([{ n: writes }]);
    } finally {
      await router.close();
    }
  });
});
