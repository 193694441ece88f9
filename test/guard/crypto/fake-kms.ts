import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a cloud KMS API the tests cannot reach. It speaks the documented wire format of the real
 * service (the route decides which) and wraps with its own AES key, checking the bound context like the real one.
 */
export interface FakeKmsRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface FakeKmsReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeKms {
  url: string;
  port: number;
  requests: FakeKmsRequest[];
  close(): Promise<void>;
}

export async function startFakeKms(route: (request: FakeKmsRequest) => FakeKmsReply, contentType = 'application/json'): Promise<FakeKms> {
  const requests: FakeKmsRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: text ? JSON.parse(text) : undefined };
    requests.push(request);
    let reply: FakeKmsReply;
    try {
      reply = route(request);
    } catch (error) {
      reply = {
        status: 400,
        body: { __type: 'InvalidCiphertextException', message: (error as Error).message, error: { code: 'BadParameter', message: (error as Error).message } },
      };
    }
    res.writeHead(reply.status, { 'content-type': contentType, ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The fake's own key material: AES-GCM over the plaintext with `aad` bound, like a KMS binds its context. */
export function fakeSealer() {
  const key = randomBytes(32);
  return {
    seal(plain: Buffer, aad: string): Buffer {
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(Buffer.from(aad));
      return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
    },
    open(sealed: Buffer, aad: string): Buffer {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
    },
  };
}
