import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';

/** Debian's chromium (`.ci/run` installs it), or the browser BYOS_CHROMIUM names. No browser download. */
export const CHROMIUM = process.env.BYOS_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots of each step land here (gitignored): the test's artifacts. */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'console');

export interface DemoConsole {
  /** The demo folder (`byos demo --quick --dir`): tenants, stacks, profiles, state. */
  dir: string;
  origin: string;
  /** The URL with the token, as printed. */
  url: string;
  token: string;
  /** Everything the console printed on stderr so far (must never hold a password). */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * `byos demo --quick --dir DIR`, then `byos console --demo DIR --port 0 --json` as a user runs them (real CLI
 * processes, the demo's embedded Postgres). Resolves once the console printed its URL.
 */
export async function startDemoConsole(label = 'console'): Promise<DemoConsole> {
  const dir = await mkdtemp(join(tmpdir(), `byos-${label}-`));
  await chmod(dir, 0o755); // as root, the embedded server runs as the postgres user, who must reach the folder
  const demo = await runCli(['demo', '--quick', '--dir', dir, '--json']);
  if (demo.code !== 0) throw new Error(`byos demo failed (${demo.code}): ${demo.stderr}`);
  const child = spawn(process.execPath, ['--conditions=@byos/source', join(REPO_ROOT, 'cli/bin/byos.js'), 'console', '--demo', dir, '--port', '0', '--json'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`byos console exited (${code}) before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`byos console did not print its URL within 60 s: ${stderr}`)), 60_000).unref();
  });
  const { url, origin } = JSON.parse(first) as { url: string; origin: string };
  return {
    dir,
    url,
    origin,
    token: new URL(url).searchParams.get('token')!,
    stderr: () => stderr,
    stop: () => stopProcess(child).then(() => rm(dir, { recursive: true, force: true })),
  };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Headless Debian chromium, with the flags a closed network needs (no background connections, no updates). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page logged in through the printed URL (the token becomes the console's cookie). */
export async function openConsole(browser: Browser, console: DemoConsole): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  await page.goto(console.url);
  return page;
}

/** Writes test-artifacts/console/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's serious and critical violations on the page as it is now (rule id and the elements it names). */
export async function seriousA11yViolations(page: Page): Promise<{ id: string; impact: string; help: string; targets: string[] }[]> {
  // Evaluated over the DevTools protocol, which the console's Content-Security-Policy (scripts from itself only) does
  // not apply to; a <script> tag would be refused.
  await page.evaluate(await readFile(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(context?: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
