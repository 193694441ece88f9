import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { connect, type ConnectionProfileInput, type DialectName } from '@byos/runtime';
import { createTenantRouter, fileProfileStore } from '@byos/runtime/router';
import { switchTenant } from '@byos/runtime/switch';
import { freshProfile, freshSqlitePath } from '../helpers/databases.ts';
import { dumpTenant, seedModel, seedTenant, sorted, startWriters } from './workload.ts';

async function stateDirFor(label: string): Promise<string> {
  return join(dirname(await freshSqlitePath(label)), 'state');
}

async function dumpOf(profile: ConnectionProfileInput) {
  const t = await connect(profile);
  try {
    return sorted(await dumpTenant(t));
  } finally {
    await t.close();
  }
}

const PAIRS: [DialectName, DialectName][] = [
  ['sqlite', 'postgres'],
  ['postgres', 'postgres'],
];

for (const [fromDialect, toDialect] of PAIRS) {
  describe(`online switch ${fromDialect} → ${toDialect}`, () => {
    it('under concurrent inserts, updates and deletes through the router, the target ends equal to every write made: none lost, none doubled', async () => {
      const from = await freshProfile(fromDialect, 'sw_from');
      const to = await freshProfile(toDialect, 'sw_to');
      await seedTenant(from);
      const stateDir = await stateDirFor('sw');
      const profiles = fileProfileStore(join(stateDir, 'profiles'));
      await profiles.activate('acme', from);
      const router = createTenantRouter({ profiles });
      const model = seedModel();
      try {
        const writers = startWriters(router, 'acme', model);
        // Let the writers get going, so the capture starts under load.
        while (writers.writes() < 20) await new Promise((r) => setTimeout(r, 5));
        const progress: string[] = [];
        const report = await switchTenant({
          tenant: 'acme',
          router,
          to,
          stateDir,
          maxLag: 20,
          onProgress: (p) => {
            progress.push(p.step);
            if (process.env.SWDEBUG) console.log(Date.now() % 100000, p.step, p.message, p.lag ?? '');
          },
        });
        // Keep writing after the cutover: these must land on the new database.
        const afterFlip = writers.writes();
        while (writers.writes() < afterFlip + 30) await new Promise((r) => setTimeout(r, 5));
        const { writes } = await writers.stop();
        const stats = router.stats('acme');
        console.log(
          `switch ${fromDialect} → ${toDialect}: ${writes} writes during the run (${writes - afterFlip} after the flip), ` +
            `${report.rowsCopied} rows copied, ${report.changesReplayed} changes replayed, cutover pause ${report.pauseMs.toFixed(1)} ms, longest pause ${stats.longestPauseMs.toFixed(1)} ms ${JSON.stringify(report.pauseTimings)}`,
        );
        expect(report.state).toBe('switched');
        expect(report.verification?.equal).toBe(true);
        expect(report.steps).toEqual([
          'begin',
          'capture-on',
          'copy',
          'catch-up',
          'reverse-capture-on',
          'fence-raised',
          'drained',
          'verified',
          'flipped',
          'released',
          'source-capture-off',
          'switched',
        ]);
        expect(progress).toContain('copying');
        expect(stats.pauses).toBe(1);
        expect((await router.get('acme')).dialect.name).toBe(toDialect);
        expect((await profiles.active('acme')).dialect).toBe(toDialect);
        // The target holds exactly the model of every acknowledged write.
        expect(await dumpOf(to)).toEqual(sorted(model));
        // The source froze at the cutover: it lacks only what was written after the flip.
        const source = await dumpOf(from);
        expect(source).not.toEqual(sorted(model));
        const journal = (await readFile(report.journal, 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).step);
        expect(journal).toEqual(report.steps);
        // Running it again is a no-op: the journal says it is done.
        const again = await switchTenant({ tenant: 'acme', router, to, stateDir });
        expect(again.steps).toEqual([]);
        expect(again.state).toBe('switched');
      } finally {
        await router.close();
      }
    });
  });
}

describe('switch rollback', () => {
  it('returns SQLite → Postgres → SQLite under writers with nothing lost: writes made on Postgres come back through the reverse capture', async () => {
    const from = await freshProfile('sqlite', 'rb_from');
    const to = await freshProfile('postgres', 'rb_to');
    await seedTenant(from);
    const stateDir = await stateDirFor('rb');
    const profiles = fileProfileStore(join(stateDir, 'profiles'));
    await profiles.activate('acme', from);
    const router = createTenantRouter({ profiles });
    const model = seedModel();
    try {
      const writers = startWriters(router, 'acme', model);
      while (writers.writes() < 10) await new Promise((r) => setTimeout(r, 5));
      await switchTenant({ tenant: 'acme', router, to, stateDir, maxLag: 20 });
      const afterSwitch = writers.writes();
      while (writers.writes() < afterSwitch + 40) await new Promise((r) => setTimeout(r, 5));
      await expect(switchTenant({ tenant: 'acme', router, to: from, stateDir })).rejects.toThrow(/rollback window is open/);
      const report = await switchTenant({ tenant: 'acme', router, stateDir }, { rollback: true });
      const afterRollback = writers.writes();
      while (writers.writes() < afterRollback + 20) await new Promise((r) => setTimeout(r, 5));
      const { writes } = await writers.stop();
      console.log(`rollback: ${writes} writes in all, ${report.changesReplayed} changes replayed back, rollback pause ${report.pauseMs.toFixed(1)} ms`);
      expect(report.state).toBe('rolled-back');
      expect(report.verification?.equal).toBe(true);
      expect(report.changesReplayed).toBeGreaterThan(0);
      expect((await router.get('acme')).dialect.name).toBe('sqlite');
      expect(await dumpOf(from)).toEqual(sorted(model));
      await expect(switchTenant({ tenant: 'acme', router, stateDir }, { rollback: true })).rejects.toThrow(
        /no switch to roll back \(the last one ended rolled-back\)/,
      );
      // Capture is off on both sides afterwards.
      for (const p of [from, to]) {
        const t = await connect(p);
        try {
          expect((await t.db.introspection.getTables()).map((x) => x.name)).not.toContain('byos_changes');
        } finally {
          await t.close();
        }
      }
    } finally {
      await router.close();
    }
  });

  it('refuses a tenant with a table without a primary key before touching anything', async () => {
    const from = await freshProfile('sqlite', 'nopk');
    const to = await freshProfile('postgres', 'nopk_to');
    const t = await connect(from);
    await t.db.schema.createTable('audit_log').addColumn('at', 'text').addColumn('message', 'text').execute();
    await t.close();
    const stateDir = await stateDirFor('nopk');
    const profiles = fileProfileStore(join(stateDir, 'profiles'));
    await profiles.activate('acme', from);
    const router = createTenantRouter({ profiles });
    try {
      await expect(switchTenant({ tenant: 'acme', router, to, stateDir })).rejects.toThrow(/audit_log has no primary key/);
      expect((await profiles.active('acme')).dialect).toBe('sqlite');
    } finally {
      await router.close();
    }
  });
});
