import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConnectionProfileInput, connect } from '@byos/runtime';
import { fileTenantRegistry, postgresTenantRegistry, type TenantRegistry } from '@byos/runtime/router';
import { runCli } from '../helpers/cli.ts';
import { freshPostgresDatabase, freshProfile } from '../helpers/databases.ts';
import { killRouterProcesses, startRouterProcess } from '../router/router-process.ts';
import { seedTenant } from './workload.ts';

const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'router-writer.ts');
const FIRST_ID = 5_000_000;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  killRouterProcesses();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Ack {
  id: number;
  ms: number;
}

/** router-writer.ts in a process of its own; `stop` ends it and returns every acknowledged write. */
function startWriter(args: Record<string, unknown>) {
  const child = spawn(process.execPath, ['--conditions=@byos/source', WRITER], {
    env: { ...process.env, BYOS_ROUTER_WRITER: JSON.stringify(args) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  const acks: Ack[] = [];
  let summary: { writes: number; retries: number; duplicates: number } | undefined;
  let ready = false;
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('READY ')) ready = true;
      else if (line.trim()) {
        const parsed = JSON.parse(line);
        if (parsed.done) summary = parsed;
        else acks.push(parsed as Ack);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    name: args.routerId as string,
    acks,
    ready: () => ready,
    stderr: () => stderr,
    async stop() {
      child.stdin.end('stop\n');
      expect(await exited, stderr).toBe(0);
      return summary!;
    },
  };
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function writerRows(profile: ConnectionProfileInput): Promise<{ id: number; note: string }[]> {
  const t = await connect(profile);
  try {
    const r = await sql<{ id: number; note: string }>`select id, note from entry where id >= ${FIRST_ID} order by id`.execute(t.db);
    return r.rows.map((row) => ({ id: Number(row.id), note: row.note }));
  } finally {
    await t.close();
  }
}

function pgUrl(p: ConnectionProfileInput): string {
  const { user, password, host, port, database } = p as { user: string; password: string; host: string; port: number; database: string };
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}

const percentile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))] ?? 0;

/**
 * Three writer processes on `from`, `byos switch` in a fourth, then the acceptance checks. With `silent`, a fifth
 * router process that never acknowledges is started and must be named in the switch's report.
 */
async function switchUnderThreeWriters(fromDialect: 'sqlite' | 'postgres', registryKind: 'file' | 'postgres', silent = false) {
  const from = await freshProfile(fromDialect, `mp_from_${fromDialect}`);
  const to = await freshProfile('postgres', `mp_to_${fromDialect}`);
  await seedTenant(from);
  const dir = await mkdtemp(join(tmpdir(), 'byos-multi-process-'));
  dirs.push(dir);
  const state = join(dir, 'state');
  const control = registryKind === 'postgres' ? await freshPostgresDatabase('mp_control') : undefined;
  const registry: TenantRegistry = control
    ? await postgresTenantRegistry({ url: control, secretsDir: join(state, 'profiles') })
    : fileTenantRegistry(join(state, 'profiles'));
  const where = control ? { kind: 'postgres', url: control, secretsDir: join(state, 'profiles') } : { kind: 'file', dir: join(state, 'profiles') };
  try {
    await registry.activate('acme', from);
    const writers = [0, 1, 2].map((w) =>
      startWriter({ ...where, tenant: 'acme', routerId: `writer-${w + 1}`, firstId: FIRST_ID + w * 1_000_000, intervalMs: 10 }),
    );
    const quiet = silent ? startRouterProcess({ ...where, tenant: 'acme', routerId: 'silent-worker', ack: false, write: false }) : undefined;
    if (quiet) expect(await quiet.next(/^READY /)).toBe('READY 1');
    await until('every writer to acknowledge 20 writes', () => writers.every((w) => w.acks.length >= 20));

    const run = await runCli([
      'switch',
      'acme',
      '--to',
      pgUrl(to),
      '--state',
      state,
      ...(control ? ['--registry', control] : []),
      '--ack-timeout',
      silent ? '1500' : '10000',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain((to as { password: string }).password);
    const report = JSON.parse(run.stdout);
    expect(report.state).toBe('switched');
    expect(report.acknowledgements.acknowledged).toEqual(expect.arrayContaining(['writer-1', 'writer-2', 'writer-3']));
    if (silent) {
      expect(report.acknowledgements.missing.map((r: { routerId: string }) => r.routerId)).toEqual(['silent-worker']);
      expect(run.stderr).toMatch(/1 router\(s\) did not acknowledge the flip within \d+ ms and may still use the old database: silent-worker/);
    } else expect(report.acknowledgements.missing).toEqual([]);

    // Writers keep going on the target after the flip; then they stop.
    const atFlip = writers.map((w) => w.acks.length);
    await until('every writer to write 20 more', () => writers.every((w, i) => w.acks.length >= atFlip[i]! + 20));
    const summaries = await Promise.all(writers.map((w) => w.stop()));
    if (quiet) {
      quiet.child.kill('SIGTERM');
      expect(await quiet.exited).toBe(0);
    }

    // Every acknowledged write is on the target exactly once (and nothing else of the writers' is).
    const acked = writers.flatMap((w) => w.acks.map((a) => a.id)).sort((a, b) => a - b);
    expect(new Set(acked).size).toBe(acked.length);
    const onTarget = await writerRows(to);
    expect(onTarget.map((r) => r.id)).toEqual(acked);

    // The source accepted no write attempted after its fence went up (the journal says when; a row's note is its
    // attempt's time), and kept no write the target lacks.
    const journal = (await readFile(join(state, 'acme.switch.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { at: string; step: string });
    const fencedAt = Date.parse(journal.find((e) => e.step === 'fence-raised')!.at);
    const onSource = await writerRows(from);
    expect(onSource.filter((r) => Number(r.note) > fencedAt)).toEqual([]);
    const targetIds = new Set(onTarget.map((r) => r.id));
    expect(onSource.filter((r) => !targetIds.has(r.id))).toEqual([]);

    const pauses = writers.map((w, i) => ({
      writer: w.name,
      writes: w.acks.length,
      retries: summaries[i]!.retries,
      p99Ms: percentile(
        w.acks.map((a) => a.ms),
        0.99,
      ),
      maxMs: Math.max(...w.acks.map((a) => a.ms)),
    }));
    console.log(`${fromDialect} → postgres, ${registryKind} registry, switch paused ${Math.round(report.pauseMs)} ms; writers: ${JSON.stringify(pauses)}`);
    // The writers met the fence (a refused attempt, retried), and none was held for good.
    expect(pauses.reduce((n, p) => n + p.retries, 0)).toBeGreaterThan(0);
    for (const p of pauses) expect(p.maxMs).toBeLessThan(15_000);
    return pauses;
  } finally {
    await registry.close();
  }
}

describe('switch with three writer processes', () => {
  it('SQLite → Postgres, file registry: every acknowledged write lands on the target once, none on the fenced source', async () => {
    await switchUnderThreeWriters('sqlite', 'file');
  }, 60_000);

  it('Postgres → Postgres, Postgres registry: the same, and a router that never acknowledges is named', async () => {
    await switchUnderThreeWriters('postgres', 'postgres', true);
  }, 60_000);
});
