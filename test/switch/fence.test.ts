import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, type ConnectionProfileInput, introspect } from '@byos/runtime';
import { captureTables } from '@byos/runtime/capture';
import { createTenantRouter, fileProfileStore } from '@byos/runtime/router';
import { switchTenant } from '@byos/runtime/switch';
import pg from 'pg';
import { freshProfile, freshSqlitePath } from '../helpers/databases.ts';
import { seedTenant } from './workload.ts';

const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'fence-writer.ts');
const FIRST_ID = 8_000_000;

interface Attempt {
  id: number;
  ok: boolean;
  code?: string;
  message?: string;
  at: number;
}

/** Where a router-less writer connects: a postgres:// URL or the SQLite file. */
function writerTarget(profile: ConnectionProfileInput): { pg?: string; sqlite?: string } {
  if (profile.dialect === 'sqlite') return { sqlite: profile.database };
  const p = profile as { user: string; password: string; host: string; port: number; database: string };
  return { pg: `postgres://${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}@${p.host}:${p.port}/${p.database}` };
}

/** Starts fence-writer.ts in a process of its own; `stop` ends it and returns every attempt it made. */
function startWriter(config: object) {
  const child = spawn(process.execPath, [WRITER], { env: { ...process.env, BYOS_FENCE_WRITER: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'pipe'] });
  const attempts: Attempt[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) if (line.trim()) attempts.push(JSON.parse(line) as Attempt);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fence writer exited with ${code}: ${stderr}`)))),
  );
  return {
    attempts,
    async stop(): Promise<Attempt[]> {
      child.stdin.end('stop\n');
      await exited;
      return attempts;
    },
    exited,
  };
}

/** One insert from a process of its own. */
async function probe(profile: ConnectionProfileInput, id: number): Promise<Attempt> {
  const writer = startWriter({ ...writerTarget(profile), firstId: id, attempts: 1, busyTimeoutMs: 20 });
  await writer.exited;
  return writer.attempts[0]!;
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the fence writer');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function writerIds(profile: ConnectionProfileInput): Promise<number[]> {
  const t = await connect(profile);
  try {
    const r = await sql<{ id: number }>`select id from entry where id >= ${FIRST_ID} order by id`.execute(t.db);
    return r.rows.map((row) => Number(row.id));
  } finally {
    await t.close();
  }
}

const CASES = [
  { from: 'sqlite', pause: /^SQLITE_BUSY$/, after: /^SQLITE_CONSTRAINT_TRIGGER$/ },
  { from: 'postgres', pause: /^25006$/, after: /^25006$/ },
] as const;

describe('write fence at the source database', () => {
  for (const { from: dialect, pause } of CASES) {
    it(`${dialect}: a writer in another process without a router is refused while the fence is up, not written; lowered, it writes again`, async () => {
      const profile = await freshProfile(dialect, 'fence_unit');
      await seedTenant(profile);
      const t = await connect(profile);
      try {
        const fence = t.dialect.fence!;
        const tables = captureTables(await introspect(t), undefined, { schemas: t.dialect.capture.schemas });
        expect(await fence.isRaised(t)).toBe(false);
        await fence.raise(t, { tenant: 'acme', tables, timeoutMs: 2000 });
        expect(await fence.isRaised(t)).toBe(true);
        const refused = await probe(profile, FIRST_ID);
        expect(refused.ok).toBe(false);
        expect(refused.code).toMatch(pause);
        if (dialect === 'postgres')
          expect(refused.message).toBe('tenant acme is moving to another database: retry (writes are refused while the switch holds its fence)');
        // The switch's own connection still reads while the fence is up.
        expect(Number((await sql<{ n: number }>`select count(*) as n from entry`.execute(t.db)).rows[0]!.n)).toBeGreaterThan(0);
        await fence.lower(t);
        expect(await fence.isRaised(t)).toBe(false);
        expect((await probe(profile, FIRST_ID + 1)).ok).toBe(true);
        expect(await writerIds(profile)).toEqual([FIRST_ID + 1]);
      } finally {
        await t.dialect.fence!.lower(t); // a raised Postgres fence holds one pooled session until lowered or held
        await t.close();
      }
    });
  }

  it('postgres: an ordinary owner role (no superuser, as on managed providers) raises and lowers it; the superuser is refused too', async () => {
    const admin = (await freshProfile('postgres', 'fence_owner')) as ConnectionProfileInput & { user: string; password: string; database: string };
    const role = `byos_fence_owner_${process.pid}_${Date.now()}`;
    const run = async (query: string) => {
      const client = new pg.Client({ connectionString: writerTarget(admin).pg });
      await client.connect();
      try {
        await client.query(query);
      } finally {
        await client.end();
      }
    };
    await run(`create role ${role} login password 'owner-pw' nosuperuser nocreatedb nocreaterole`);
    try {
      await run(`alter schema public owner to ${role}`);
      const owner = { ...admin, user: role, password: 'owner-pw' };
      await seedTenant(owner);
      const t = await connect(owner);
      try {
        const tables = captureTables(await introspect(t), undefined, { schemas: true });
        await t.dialect.fence!.raise(t, { tenant: 'acme', tables, timeoutMs: 2000 });
        for (const who of [owner, admin]) {
          const attempt = await probe(who, FIRST_ID);
          expect(attempt.ok).toBe(false);
          expect(attempt.code).toBe('25006');
        }
        await t.dialect.fence!.lower(t);
        expect((await probe(owner, FIRST_ID + 1)).ok).toBe(true);
      } finally {
        await t.dialect.fence!.lower(t);
        await t.close();
      }
    } finally {
      await run(`reassign owned by ${role} to current_user; drop owned by ${role}`);
      await run(`drop role ${role}`);
    }
  });

  for (const { from: fromDialect, pause, after } of CASES) {
    it(`a ${fromDialect === 'sqlite' ? 'better-sqlite3' : 'plain pg'} writer in another process is refused during the pause and after the flip (${fromDialect} → postgres); nothing refused is stored; rollback lets it write again`, async () => {
      const from = await freshProfile(fromDialect, 'fence_from');
      const to = await freshProfile('postgres', 'fence_to');
      await seedTenant(from);
      const stateDir = join(dirname(await freshSqlitePath('fence')), 'state');
      const profiles = fileProfileStore(join(stateDir, 'profiles'));
      await profiles.activate('acme', from);
      const router = createTenantRouter({ profiles });
      try {
        const writer = startWriter({ ...writerTarget(from), firstId: FIRST_ID, busyTimeoutMs: 20 });
        await until(() => writer.attempts.filter((a) => a.ok).length >= 20);
        const report = await switchTenant({ tenant: 'acme', router, to, stateDir, maxLag: 20 });
        const done = writer.attempts.length;
        await until(() => writer.attempts.length >= done + 20);
        const attempts = await writer.stop();

        expect(report.state).toBe('switched');
        const journal = (await readFile(join(stateDir, 'acme.switch.jsonl'), 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { step: string; at: string });
        const flippedAt = Date.parse(journal.find((e) => e.step === 'flipped')!.at);
        const accepted = attempts.filter((a) => a.ok).map((a) => a.id);
        const refused = attempts.filter((a) => !a.ok);
        const duringPause = refused.filter((a) => a.at <= flippedAt);
        console.log(
          `fence ${fromDialect}: ${accepted.length} writes accepted, ${refused.length} refused (${duringPause.length} before the flip: ` +
            `${[...new Set(duringPause.map((a) => a.code))].join(', ')}), pause ${report.pauseMs.toFixed(1)} ms ${JSON.stringify(report.pauseTimings)}`,
        );
        // Refused with the engine's retryable refusal (SQLITE_BUSY while the lock is held, if the writer's busy
        // timeout runs out within the pause), and afterwards by the fence left on the source.
        expect(refused.length).toBeGreaterThan(0);
        for (const a of refused) expect(`${a.code}`).toMatch(new RegExp(`${pause.source}|${after.source}`));
        const afterFlip = attempts.filter((a) => a.at > flippedAt + 1000);
        for (const a of afterFlip) {
          expect(a.ok).toBe(false);
          expect(a.code).toMatch(after);
        }
        for (const a of refused.filter((r) => r.code !== 'SQLITE_BUSY')) expect(a.message).toMatch(/tenant acme is moving to another database: retry/);
        // Every write the source accepted was replayed to the target; nothing refused was stored on either side.
        expect(await writerIds(from)).toEqual(accepted);
        expect(await writerIds(to)).toEqual(accepted);
        const stray = await probe(from, FIRST_ID + 100_000);
        expect(stray.ok).toBe(false);
        expect(stray.code).toMatch(after);

        const back = await switchTenant({ tenant: 'acme', router, stateDir }, { rollback: true });
        expect(back.state).toBe('rolled-back');
        // The old database takes writes again; the one left is fenced now.
        expect((await probe(from, FIRST_ID + 200_000)).ok).toBe(true);
        const left = await probe(to, FIRST_ID + 300_000);
        expect(left.ok).toBe(false);
        expect(left.code).toBe('25006');
        expect(await writerIds(from)).toEqual([...accepted, FIRST_ID + 200_000]);
      } finally {
        await router.close();
      }
    });
  }
});
