import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantDb } from '@byos/runtime';
import type { SchemaModel } from '@byos/runtime';
import { introspect } from '@byos/runtime';
import { diffNeutral } from '@byos/runtime';
import { detectDrift, loadMigrations, type Migration, migrateDown, migrateUp, migrationStatus, planMigrations, withoutJournal } from '@byos/runtime/migrate';
import { DIALECTS, freshTenantDb } from '../helpers/databases.ts';

const PORTABLE = join(import.meta.dirname, '../fixtures/migrations/portable');

/**
 * The acceptance test: one folder of portable migrations, applied to every dialect that runs here, gives models
 * equal on the neutral parts, with no drift from what the migrations imply; `down` one step at a time gives back
 * exactly the model each step started from, down to the empty database.
 */
describe('portable migrations on every dialect', () => {
  let migrations: Migration[];
  const tenants = new Map<string, TenantDb>();
  /** The introspected model after each migration (index 0: before any), per dialect. */
  const snapshots = new Map<string, SchemaModel[]>();

  beforeAll(async () => {
    migrations = await loadMigrations(PORTABLE);
    for (const dialect of DIALECTS) {
      const tenant = await freshTenantDb(dialect, 'portable');
      tenants.set(dialect, tenant);
      const models = [await introspect(tenant)];
      for (const m of migrations) {
        const result = await migrateUp(tenant, migrations, { to: m.id });
        expect(result.ran.map((r) => r.id)).toEqual([m.id]);
        models.push(withoutJournal(await introspect(tenant)));
      }
      snapshots.set(dialect, models);
    }
  });

  it('applies every migration on every dialect and journals each once', async () => {
    for (const tenant of tenants.values()) {
      const status = await migrationStatus(tenant, migrations);
      expect(status.map((s) => s.state)).toEqual(migrations.map(() => 'applied'));
      expect((await migrateUp(tenant, migrations)).ran).toEqual([]);
    }
  });

  it('gives SchemaModels equal on the neutral parts after every step', () => {
    const [a, b] = DIALECTS.map((d) => snapshots.get(d)!);
    for (let i = 0; i < a!.length; i++) {
      expect(diffNeutral(a![i]!, b![i]!, { nativeEnums: false }), `after ${i ? migrations[i - 1]!.id : 'nothing'}`).toEqual([]);
    }
    // The final schema has content worth comparing.
    expect(a!.at(-1)!.tables.map((t) => t.name)).toEqual(['customers', 'purchases']);
  });

  it('reports no drift, and reports a change made outside the migrations by table and column', async () => {
    for (const tenant of tenants.values()) expect(await detectDrift(tenant, migrations)).toEqual([]);
    const tenant = tenants.get('sqlite')!;
    await sql`alter table customers add column nickname text`.execute(tenant.db);
    const drift = await detectDrift(tenant, migrations);
    expect(drift).toEqual([
      expect.objectContaining({
        rule: 'schema-drift',
        subject: 'customers.nickname',
        message: expect.stringContaining('in the database but not in the migrations'),
      }),
    ]);
    await sql`alter table customers drop column nickname`.execute(tenant.db);
    expect(await detectDrift(tenant, migrations)).toEqual([]);
  });

  it('plans nothing when up to date, and plans the SQL, rollback and lint of what is pending', async () => {
    for (const tenant of tenants.values()) expect(await planMigrations(tenant, migrations)).toEqual([]);
    const fresh = await freshTenantDb('postgres', 'portable_plan');
    const plans = await planMigrations(fresh, migrations);
    expect(plans.map((p) => p.id)).toEqual(migrations.map((m) => m.id));
    const addUnique = plans.find((p) => p.id === '0005')!;
    expect(addUnique.steps[0]!.statements.map((s) => s.sql).join('\n')).toMatch(/CONCURRENTLY/);
    expect(addUnique.rollback).toEqual([{ op: 'dropUnique', table: 'customers', name: 'customers_email_key' }]);
    expect(plans.find((p) => p.id === '0007')!.lossy.join()).toMatch(/narrows purchases\.note back from varchar\(200\) to varchar\(40\)/);
    expect(plans.find((p) => p.id === '0016')!.findings.map((f) => f.rule)).toContain('ban-drop-table');
  });

  it('refuses a lossy down without forceLossy, counting what would be lost, and changes nothing', async () => {
    const tenant = tenants.get('postgres')!;
    const before = await introspect(tenant);
    // Counted where the table is there now; tags (dropped by 0016, re-created empty on the way down) is named without a
    // count; the enum value meh, which no row holds, loses nothing and is not named.
    const refused = migrateDown(tenant, migrations, { to: '0008' });
    await expect(refused).rejects.toThrow(
      /0018_nullable_note_required: narrows customers\.email back from varchar\(200\) to varchar\(120\): 2 values must fit[\s\S]*0013_tags_and_tier: drops table tags and its rows/,
    );
    await expect(refused).rejects.not.toThrow(/0011_mood_meh/);
    expect(await introspect(tenant)).toEqual(before);
  });

  it('down one step at a time restores exactly the model each step started from, down to the empty database', async () => {
    for (const [dialect, tenant] of tenants) {
      const models = snapshots.get(dialect)!;
      for (let i = migrations.length - 1; i >= 0; i--) {
        const result = await migrateDown(tenant, migrations, { forceLossy: true });
        expect(result.ran.map((r) => r.id)).toEqual([migrations[i]!.id]);
        if (migrations[i]!.id === '0018')
          expect(result.lost).toEqual([
            '0018_nullable_note_required: narrows customers.email back from varchar(200) to varchar(120): 2 values must fit or the change fails or cuts them',
          ]);
        if (migrations[i]!.id === '0017') expect(result.lost).toBeUndefined();
        expect(withoutJournal(await introspect(tenant)), `${dialect} after reverting ${migrations[i]!.id}`).toEqual(models[i]);
      }
      expect((await migrationStatus(tenant, migrations)).every((s) => s.state === 'pending')).toBe(true);
    }
  });
});
