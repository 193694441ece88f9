import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connect, type ConnectionProfileInput } from '@byos/runtime';
import { createTenantRouter, fileProfileStore } from '@byos/runtime/router';
import { switchTenant } from '@byos/runtime/switch';
import { freshProfile, freshSqlitePath } from '../helpers/databases.ts';
import { dumpTenant, type Model, SEED_ACCOUNTS, seedModel, seedTenant, sorted } from './workload.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'switch-child.ts');
const ENTRIES = 1500;

/** Runs the switch in a child that SIGKILLs itself when it reaches `killAt`; resolves to what it printed. */
function runChildUntil(env: object, killAt: string): Promise<{ lines: string[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@byos/source', CHILD], {
      env: { ...process.env, BYOS_SWITCH_CHILD: JSON.stringify({ ...env, killAt }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ lines, killed: signal === 'SIGKILL' });
      else reject(new Error(`switch child exited with ${code}: ${stderr}`));
    });
  });
}

/** Writes made while the switch is down (an application still running): they must survive the resume. */
async function writeWhileDown(profilesDir: string, model: Model): Promise<void> {
  const router = createTenantRouter({ profiles: fileProfileStore(profilesDir) });
  try {
    const acme = await router.get('acme');
    for (let i = 0; i < 5; i++) {
      const id = 5_000_000 + i;
      await acme.db
        .insertInto('entry')
        .values({ id, account_id: (i % SEED_ACCOUNTS) + 1, amount: 7, note: 'while down' })
        .execute();
      model.entry.set(id, { account_id: (i % SEED_ACCOUNTS) + 1, amount: 7, note: 'while down' });
      const victim = 10 + i * 13;
      await acme.db.deleteFrom('entry').where('id', '=', victim).execute();
      model.entry.delete(victim);
      await acme.db
        .updateTable('account')
        .set((eb) => ({ balance: eb('balance', '+', 3) }))
        .where('id', '=', i + 1)
        .execute();
      model.account.get(i + 1)!.balance += 3;
    }
  } finally {
    await router.close();
  }
}

async function dumpOf(profile: ConnectionProfileInput) {
  const t = await connect(profile);
  try {
    return sorted(await dumpTenant(t));
  } finally {
    await t.close();
  }
}

describe('switch killed with SIGKILL and resumed', () => {
  for (const killAt of ['capture-on', 'copying', 'catch-up', 'drained', 'flipped']) {
    it(`killed at ${killAt}: the resumed switch completes, nothing written meanwhile is lost`, async () => {
      const from = await freshProfile('postgres', 'kill_from');
      const to = await freshProfile('postgres', 'kill_to');
      await seedTenant(from, ENTRIES);
      const base = dirname(await freshSqlitePath('kill'));
      const stateDir = join(base, 'state');
      const profilesDir = join(base, 'profiles');
      await fileProfileStore(profilesDir).activate('acme', from);
      const model = seedModel(ENTRIES);

      const child = await runChildUntil({ tenant: 'acme', stateDir, profilesDir, to, copyBatchSize: 150 }, killAt);
      expect(child.killed).toBe(true);
      const journalBefore = (await readFile(join(stateDir, 'acme.switch.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).step);
      expect(journalBefore).not.toContain('switched');

      await writeWhileDown(profilesDir, model);

      const router = createTenantRouter({ profiles: fileProfileStore(profilesDir) });
      try {
        const report = await switchTenant({ tenant: 'acme', router, to, stateDir });
        console.log(`killed at ${killAt} after [${journalBefore.join(', ')}]; resumed with [${report.steps.join(', ')}]`);
        expect(report.resumed).toBe(true);
        expect(report.state).toBe('switched');
        const journal = (await readFile(join(stateDir, 'acme.switch.jsonl'), 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).step);
        // Every step recorded exactly once across the two runs (verified may repeat only after a failed verification).
        expect(journal.filter((s) => s === 'begin')).toHaveLength(1);
        expect(journal.filter((s) => s === 'copy')).toHaveLength(1);
        expect(journal.filter((s) => s === 'flipped')).toHaveLength(1);
        expect(journal.at(-1)).toBe('switched');
        // A fence the killed pause raised was lowered by the resume before it went on (writeWhileDown wrote there).
        if (journalBefore.includes('fence-raised') && !journalBefore.includes('flipped'))
          expect(journal.slice(journalBefore.length)).toContain('fence-lowered');
        expect((await router.get('acme')).profile.database).toBe(to.database);
      } finally {
        await router.close();
      }
      expect(await dumpOf(to)).toEqual(sorted(model));
      // Killed before the flip, the writes made meanwhile went to the source (and were replayed); after it, to the target.
      if (!journalBefore.includes('flipped')) expect(await dumpOf(from)).toEqual(sorted(model));
      // The old database keeps refusing writes after the switch, whichever run flipped it.
      const stale = await connect(from);
      try {
        await expect(stale.db.insertInto('account').values({ id: 999_999, owner: 'stray', balance: 0 }).execute()).rejects.toThrow(/tenant acme is moving/);
      } finally {
        await stale.close();
      }
    });
  }
});
