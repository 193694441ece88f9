import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ConnectionProfileInput } from '@byos/runtime';
import { createTenantRouter, fileProfileStore } from '@byos/runtime/router';
import { fingerprint, type SwitchProgress, SwitchVerificationError, switchTenant } from '@byos/runtime/switch';
import { parseConnectionProfile } from '@byos/runtime';
import { freshProfile, freshSqlitePath } from '../helpers/databases.ts';
import { seedTenant } from './workload.ts';

/**
 * The `changed` verification (the default) with SQLite on both sides: better-sqlite3 is synchronous, so a write made
 * from an onProgress callback lands exactly between two steps of the switch (after the pre-verification, after the
 * drain), making each scenario deterministic.
 */
async function setUp(label: string) {
  const from = await freshProfile('sqlite', `${label}_from`);
  const to = await freshProfile('sqlite', `${label}_to`);
  await seedTenant(from);
  // A table whose key is not an integer: its key order may differ between engines, so it cannot be compared row by
  // row in key ranges before the pause; if it differs then, the pause checksums it in full.
  const seed = new Database((from as { database: string }).database);
  seed.exec("create table tag (code text primary key, label text not null); insert into tag values ('a', 'alpha'), ('b', 'beta'), ('c', 'gamma')");
  seed.close();
  const stateDir = join(dirname(await freshSqlitePath(label)), 'state');
  const profiles = fileProfileStore(join(stateDir, 'profiles'));
  await profiles.activate('acme', from);
  const router = createTenantRouter({ profiles });
  const file = (p: ConnectionProfileInput) => new Database((p as { database: string }).database);
  return { from, to, stateDir, profiles, router, source: file(from), target: file(to) };
}

/** Calls `then` once, at the first progress event of `step` seen after `after` (or at once when `after` is omitted). */
function at(step: SwitchProgress['step'], then: () => void, after?: SwitchProgress['step']) {
  let armed = after === undefined;
  let done = false;
  return (p: SwitchProgress) => {
    if (p.step === after) armed = true;
    else if (armed && !done && p.step === step) {
      done = true;
      then();
    }
  };
}

describe('switch verification "changed" (default)', () => {
  it('re-checks inside the pause only the keys replayed since the pre-verification, and reports what it compared', async () => {
    const s = await setUp('vc_ok');
    try {
      // A write after the pre-verification: replayed by the drain, so its key is re-checked in the pause.
      const onProgress = at('replaying', () => s.source.prepare('update account set balance = balance + 5 where id = 7').run(), 'pre-verifying');
      const report = await switchTenant({ tenant: 'acme', router: s.router, to: s.to, stateDir: s.stateDir, onProgress });
      expect(report.state).toBe('switched');
      expect(report.verification?.equal).toBe(true);
      expect(report.verification?.scope).toMatchObject({
        mode: 'changed',
        counted: ['account', 'entry', 'tag'],
        checksummed: [],
        keysRechecked: 1,
        preVerified: ['account', 'entry', 'tag'],
        preMismatched: [],
        preSuspects: 0,
      });
      expect(s.target.prepare('select balance from account where id = 7').get()).toEqual({ balance: 1005 });
    } finally {
      s.source.close();
      s.target.close();
      await s.router.close();
    }
  });

  it('catches a target row that differs after the drain for a key written after the pre-verification: the switch stops naming the key, writers stay on the source', async () => {
    const s = await setUp('vc_key');
    try {
      const onWrite = at('replaying', () => s.source.prepare('update account set balance = balance + 5 where id = 7').run(), 'pre-verifying');
      // Once the drain replayed it, the target's row is altered behind the replay's back.
      const onDrained = at('drained', () => s.target.prepare('update account set balance = -1 where id = 7').run());
      const error = await switchTenant({
        tenant: 'acme',
        router: s.router,
        to: s.to,
        stateDir: s.stateDir,
        onProgress: (p) => (onWrite(p), onDrained(p)),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SwitchVerificationError);
      const findings = (error as SwitchVerificationError).findings;
      expect(findings).toEqual([
        expect.objectContaining({ rule: 'switch-changed-row', subject: 'account 7', message: expect.stringMatching(/key 7 of account differs in balance/) }),
      ]);
      expect(fingerprint(await s.profiles.active('acme'))).toBe(fingerprint(parseConnectionProfile(s.from, 'source')));
    } finally {
      s.source.close();
      s.target.close();
      await s.router.close();
    }
  });

  it('catches a row altered before the pre-verification in a table no write touches: the pre-verification finds the table different, its row-by-row pass names the row, the pause re-checks it', async () => {
    const s = await setUp('vc_rows');
    try {
      const onProgress = at('pre-verifying', () => s.target.prepare("update entry set note = 'altered' where id = 5").run());
      const error = await switchTenant({ tenant: 'acme', router: s.router, to: s.to, stateDir: s.stateDir, onProgress }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SwitchVerificationError);
      expect((error as SwitchVerificationError).findings).toEqual([
        expect.objectContaining({ rule: 'switch-changed-row', subject: 'entry 5', message: expect.stringMatching(/key 5 of entry differs in note/) }),
      ]);
      expect(fingerprint(await s.profiles.active('acme'))).toBe(fingerprint(parseConnectionProfile(s.from, 'source')));
    } finally {
      s.source.close();
      s.target.close();
      await s.router.close();
    }
  });

  it('catches a row altered before the pre-verification in a table without an integer key: that table is checksummed in full inside the pause', async () => {
    const s = await setUp('vc_table');
    try {
      const onProgress = at('pre-verifying', () => s.target.prepare("update tag set label = 'altered' where code = 'b'").run());
      const error = await switchTenant({ tenant: 'acme', router: s.router, to: s.to, stateDir: s.stateDir, onProgress }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SwitchVerificationError);
      const findings = (error as SwitchVerificationError).findings;
      expect(findings).toEqual([expect.objectContaining({ rule: 'verify-mismatch', subject: 'tag', message: expect.stringMatching(/whole table differs/) })]);
      expect(fingerprint(await s.profiles.active('acme'))).toBe(fingerprint(parseConnectionProfile(s.from, 'source')));
    } finally {
      s.source.close();
      s.target.close();
      await s.router.close();
    }
  });
});
