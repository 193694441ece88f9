import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that plays a cloud management API (Supabase, Neon) the tests cannot reach. It records every
 * request so tests can assert what the client sent: method, path, JSON body and bearer token.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

export interface FakeReply {
  status: number;
  body?: unknown;
}

export type FakeRoute = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeApi {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export async function startFakeApi(route: FakeRoute): Promise<FakeApi> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      body: await readBody(req),
      authorization: req.headers.authorization,
    };
    requests.push(recorded);
    let reply: FakeReply;
    try {
      reply = await route(recorded);
    } catch (error) {
      reply = { status: 500, body: { message: `fake API route failed: ${(error as Error).message}` } };
    }
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Matches `METHOD /path/with/{params}` against a request; returns the params or undefined. */
export function match(request: RecordedRequest, method: string, pattern: string): Record<string, string> | undefined {
  if (request.method !== method) return undefined;
  const path = request.path.split('?')[0]!;
  const names: string[] = [];
  const regex = new RegExp(`^${pattern.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
  const found = regex.exec(path);
  if (!found) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]));
}

/** The error a promise rejects with; fails the test when it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
