import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { type ConnectionProfileInput, connect } from '@byos/runtime';
import { createTenantRouter, fileTenantRegistry } from '@byos/runtime/router';
import { closeRollbackWindow, switchTenant } from '@byos/runtime/switch';

// The same writer the multi-process switch test runs: one insert every intervalMs through its own router, retried
// when refused, printing each acknowledged write's time from first attempt to acknowledgement.
const WRITER = fileURLToPath(new URL('../test/switch/router-writer.ts', import.meta.url));

export interface WriterPauses {
  writer: string;
  writes: number;
  retries: number;
  p99Ms: number;
  maxMs: number;
}

function startWriter(args: Record<string, unknown>) {
  const child = spawn(process.execPath, ['--conditions=@byos/source', WRITER], {
    env: { ...process.env, BYOS_ROUTER_WRITER: JSON.stringify(args) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const ms: number[] = [];
  let retries = 0;
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line);
      if (parsed.done) retries = parsed.retries;
      else ms.push(parsed.ms);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    ms,
    async stop(): Promise<{ ms: number[]; retries: number }> {
      child.stdin.end('stop\n');
      const code = await exited;
      if (code !== 0) throw new Error(`writer ${args.routerId} exited with ${code}: ${stderr}`);
      return { ms, retries };
    },
    kill: () => child.exitCode === null && child.kill('SIGKILL'),
  };
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the writer processes did not get going');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))] ?? 0;

/**
 * Three writer processes, each with its own router on a file tenant registry, inserting into `from` every 10 ms
 * while this process switches the tenant to `to` (the fence stops them at the old database; their routers follow
 * the registry). Returns each writer's p99 and longest write pause and the switch's own pause.
 */
export async function switchUnderWriterProcesses(
  from: ConnectionProfileInput,
  to: ConnectionProfileInput,
  dir: string,
): Promise<{ pauseMs: number; writers: WriterPauses[] }> {
  const source = await connect(from);
  await sql`create table entry (id bigint primary key, account_id integer not null, amount integer not null, note text)`.execute(source.db);
  await source.close();
  const registry = fileTenantRegistry(join(dir, 'registry'));
  await registry.activate('acme', from);
  const router = createTenantRouter({ profiles: registry, routerId: 'bench-switch' });
  const writers = [1, 2, 3].map((w) =>
    startWriter({ kind: 'file', dir: join(dir, 'registry'), tenant: 'acme', routerId: `writer-${w}`, firstId: w * 1_000_000, intervalMs: 10 }),
  );
  try {
    await until(() => writers.every((w) => w.ms.length >= 50));
    const stateDir = join(dir, 'state-processes');
    const report = await switchTenant({ tenant: 'acme', router, to, stateDir, maxLag: 200 });
    const atFlip = writers.map((w) => w.ms.length);
    await until(() => writers.every((w, i) => w.ms.length >= atFlip[i]! + 50));
    const results = await Promise.all(writers.map((w) => w.stop()));
    await closeRollbackWindow({ tenant: 'acme', router, stateDir });
    return {
      pauseMs: report.pauseMs,
      writers: results.map((r, i) => ({ writer: `writer-${i + 1}`, writes: r.ms.length, retries: r.retries, p99Ms: p99(r.ms), maxMs: Math.max(...r.ms) })),
    };
  } finally {
    for (const w of writers) w.kill();
    await router.close();
    await registry.close();
  }
}
