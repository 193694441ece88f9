import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'registry-child.ts');
const children: ChildProcess[] = [];

/** SIGKILLs every router process still running (call in afterAll). */
export function killRouterProcesses(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** A router process writing to `tenant`; `next(pattern)` waits for its next stdout line matching it. */
export function startRouterProcess(args: Record<string, unknown>) {
  const child = spawn(process.execPath, ['--conditions=@byos/source', CHILD], {
    env: { ...process.env, BYOS_REGISTRY_CHILD: JSON.stringify(args) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of waiting.splice(0)) w.pattern.test(line) ? w.resolve(line) : waiting.push(w);
    }
  });
  const next = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} from ${args.routerId} in ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      waiting.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, next, exited, stderr: () => stderr };
}
