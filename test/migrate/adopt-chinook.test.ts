import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMigrations, type DemoMigrationReport } from '../../cli/src/demo/migrations.ts';
import { copyChinookSqlite, loadChinookPostgres } from '../../cli/src/demo/chinook.ts';
import { connect, diffNeutral, introspect, type SchemaModel, snakeCase, type TenantDb } from '@byos/runtime';
import { loadMigrations, migrateDown, readBaseline, withoutJournal } from '@byos/runtime/migrate';
import { freshSqlitePath, freshTenantDb } from '../helpers/databases.ts';

/**
 * An existing database adopted by migrations: Chinook on both dialects, its schema recorded as the baseline, the
 * demo's migrations applied on top (names in each tenant's own style), no drift, and down to zero gives back the
 * Chinook schema exactly.
 */
describe('migrations on an existing database (Chinook, the demo migrations)', () => {
  const tenants: Record<string, TenantDb> = {};
  const original: Record<string, SchemaModel> = {};
  const reports: Record<string, DemoMigrationReport> = {};
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'byos-demo-migrations-'));
    const path = await freshSqlitePath('chinook');
    await copyChinookSqlite(path);
    tenants.sqlite = await connect({ provider: 'local-sqlite', dialect: 'sqlite', database: path });
    tenants.postgres = await freshTenantDb('postgres', 'chinook_migrate');
    await loadChinookPostgres(tenants.postgres);
    for (const [dialect, tenant] of Object.entries(tenants)) {
      original[dialect] = await introspect(tenant);
      reports[dialect] = await demoMigrations(tenant, join(dir, dialect));
    }
  });
  afterAll(async () => {
    await tenants.sqlite?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the demo migrations with no drift, the existing schema kept as the baseline', async () => {
    for (const [dialect, report] of Object.entries(reports)) {
      expect(report.applied).toEqual(['0001_loyalty_tier', '0002_customer_email_index', '0003_track_rating', '0004_gold_customers']);
      expect(report.drift).toEqual([]);
      expect(report.statements).toBeGreaterThanOrEqual(4);
      expect(await readBaseline(tenants[dialect]!.db)).toEqual(original[dialect]);
    }
    const gold = await tenants
      .postgres!.db.selectFrom('customer')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('loyalty_tier', '=', 'gold')
      .executeTakeFirst();
    expect(Number(gold?.n)).toBeGreaterThan(0);
  });

  it('leaves the two tenants equal on the neutral parts under snake_case naming', async () => {
    const [a, b] = [withoutJournal(await introspect(tenants.sqlite!)), withoutJournal(await introspect(tenants.postgres!))];
    expect(a.tables.some((t) => t.name === 'TrackRating')).toBe(true);
    expect(diffNeutral(a, b, { normalizeName: snakeCase, identity: false, nativeEnums: false })).toEqual([]);
  });

  it('down to zero gives back the Chinook schema exactly', async () => {
    for (const [dialect, tenant] of Object.entries(tenants)) {
      const migrations = await loadMigrations(join(dir, dialect));
      // The loyalty tiers are data; the empty TrackRating table is not a loss.
      const refused = migrateDown(tenant, migrations, { to: '0' });
      await expect(refused).rejects.toThrow(/drops column (Customer\.LoyaltyTier|customer\.loyalty_tier) and its 59 values$/);
      await migrateDown(tenant, migrations, { to: '0', forceLossy: true });
      expect(withoutJournal(await introspect(tenant)), dialect).toEqual(original[dialect]);
    }
  });
});
