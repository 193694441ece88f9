import { readdir, readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ConsoleContext, type ConsoleOptions } from './context.ts';
import { errorPage } from './html.ts';
import { registerFleet } from './pages/fleet.ts';
import { registerImport } from './pages/import.ts';
import { registerMigrate } from './pages/migrate.ts';
import { registerMove } from './pages/move.ts';
import { registerTenant } from './pages/tenant.ts';
import { type ConsoleSecrets, createSecrets, guard, securityHeaders } from './security.ts';

export interface StartOptions extends ConsoleOptions {
  /** Port to listen on (0: any free one). */
  port?: number;
  /** Interface to bind (default 127.0.0.1: this machine only). */
  host?: string;
  /** The token (default: 24 random bytes); tests pass their own. */
  token?: string;
}

export interface RunningConsole {
  /** The URL to open, token included. */
  url: string;
  origin: string;
  token: string;
  context: ConsoleContext;
  close(): Promise<void>;
}

/** What every page module receives. */
export interface PageDeps {
  ctx: ConsoleContext;
  secrets: ConsoleSecrets;
}

const PUBLIC = fileURLToPath(new URL('../public/', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export function createApp(ctx: ConsoleContext, secrets: ConsoleSecrets, allowedHosts: () => string[]): Hono {
  const app = new Hono();
  app.use('*', securityHeaders);
  app.use('*', guard(secrets, allowedHosts));

  // The console's own scripts and styles: names from a listing of public/, never a path from the request.
  const assets = readdir(PUBLIC).then((names) => new Set(names.filter((n) => TYPES[extname(n)])));
  app.get('/static/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await assets).has(name)) return c.text('not found', 404);
    return c.body(await readFile(join(PUBLIC, name)), 200, { 'Content-Type': TYPES[extname(name)]! });
  });

  // Files the console wrote (rejects, exports, generated types), from its work folder only.
  app.get('/download/*', async (c) => {
    const wanted = decodeURIComponent(new URL(c.req.url).pathname.slice('/download/'.length));
    const file = insideFolder(join(ctx.options.workDir, 'downloads'), wanted);
    if (!file) return c.text(`refused: ${JSON.stringify(wanted)} is not a file in the console's downloads folder`, 400);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return c.text('not found', 404);
    const name = file.split(sep).at(-1)!;
    return c.body(await readFile(file), 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`,
    });
  });

  // Server-sent events of a job: everything so far, then live until it ends.
  app.get('/jobs/:id/events', (c) => {
    const job = ctx.jobs.get(c.req.param('id'));
    if (!job) return c.text('no such job', 404);
    return streamSSE(c, async (stream) => {
      const queue = [...job.events];
      let wake: (() => void) | undefined;
      const listener = (event: (typeof job.events)[number]) => {
        queue.push(event);
        wake?.();
      };
      job.listeners.add(listener);
      stream.onAbort(() => {
        job.listeners.delete(listener);
        wake?.();
      });
      try {
        while (!stream.aborted) {
          const event = queue.shift();
          if (!event) {
            await new Promise<void>((r) => {
              wake = r;
            });
            continue;
          }
          await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
          if (event.type !== 'progress') break;
        }
      } finally {
        job.listeners.delete(listener);
      }
    });
  });

  const deps: PageDeps = { ctx, secrets };
  registerFleet(app, deps);
  registerTenant(app, deps);
  registerImport(app, deps);
  registerMigrate(app, deps);
  registerMove(app, deps);

  app.notFound((c) => c.html(errorPage(secrets.csrf, 'Not found', `nothing at ${new URL(c.req.url).pathname}`), 404));
  // One line, never a stack: the message names what failed.
  app.onError((error, c) => {
    const message = (error as Error).message.split('\n')[0] ?? 'failed';
    if (c.req.header('accept')?.includes('application/json') || c.req.method !== 'GET') return c.json({ error: message }, 500);
    return c.html(errorPage(secrets.csrf, 'Something failed', message), 500);
  });
  return app;
}

/** `folder/wanted` when it stays inside `folder` (no `..`, no absolute path), else undefined. */
export function insideFolder(folder: string, wanted: string): string | undefined {
  if (!wanted || wanted.includes('\0') || isAbsolute(wanted) || wanted.split(/[\\/]/).includes('..')) return undefined;
  const root = resolve(folder);
  const file = resolve(root, wanted);
  return file.startsWith(root + sep) ? file : undefined;
}

export async function startConsole(options: StartOptions): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  const secrets = createSecrets(options.token);
  const ctx = new ConsoleContext(options);
  let port = options.port ?? 0;
  const allowedHosts = () => [`${host}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
  const app = createApp(ctx, secrets, allowedHosts);
  const server: ServerType = await new Promise((ok, fail) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => ok(s));
    s.once('error', (error: NodeJS.ErrnoException) =>
      fail(new Error(error.code === 'EADDRINUSE' ? `port ${port} is in use: pick another with --port` : `cannot listen on ${host}:${port}: ${error.message}`)),
    );
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}/?token=${secrets.token}`,
    origin,
    token: secrets.token,
    context: ctx,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await ctx.close();
    },
  };
}
