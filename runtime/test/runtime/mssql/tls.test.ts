import { readFileSync } from 'node:fs';
import { createServer, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type ConnectionProfileInput } from '../../../src/index.ts';

/**
 * TDS 8.0 (`encrypt: 'strict'`) starts with a plain TLS handshake, ALPN `tds/8.0`, before any TDS byte. A Node TLS
 * server can therefore stand in for SQL Server's listener up to the end of the handshake, which exercises the
 * real driver path with our settings: certificate chain, host name, protocol versions, SNI. tedious sends its TDS
 * PRELOGIN packet only once it has accepted the server, so a PRELOGIN arriving through TLS proves the client side of
 * the handshake succeeded; the listener then hangs up and every connect() fails, with the reason in its message.
 *
 * tls/ holds a test-only CA and a server certificate for localhost and 127.0.0.1 (valid until 2126), made with:
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca-key.pem -out ca.pem -days 36500 \
 *     -subj "/CN=BYOS test CA (SQL Server TLS tests)" -addext basicConstraints=critical,CA:TRUE
 *   openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server-key.pem -out server.csr -subj /CN=localhost
 *   openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -out server.pem -days 36500 \
 *     -extfile <(echo subjectAltName=DNS:localhost,IP:127.0.0.1)
 */
const file = (name: string) => fileURLToPath(new URL(`./tls/${name}`, import.meta.url));
const CA = readFileSync(file('ca.pem'), 'utf8');
const PASSWORD = 'Tls-test-Secret-9';

/** What the listener saw from a client that completed the handshake and sent its first TDS packet. */
interface Prelogin {
  protocol: string | null;
  alpn: string | false | null;
  servername: string | false | null;
  /** TDS packet type of the first byte received: 0x12 is PRELOGIN. */
  packetType: number | undefined;
}

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A TLS listener speaking ALPN tds/8.0 that records the first TDS packet of each client, then hangs up. */
async function tdsTlsListener(maxVersion: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.3') {
  const prelogins: Prelogin[] = [];
  const server = createServer(
    { key: readFileSync(file('server-key.pem')), cert: readFileSync(file('server.pem')), ALPNProtocols: ['tds/8.0'], minVersion: 'TLSv1.2', maxVersion },
    (socket: TLSSocket) => {
      socket.on('error', () => {});
      socket.once('data', (chunk: Buffer) => {
        const servername = (socket as TLSSocket & { servername?: string | false }).servername ?? null;
        prelogins.push({ protocol: socket.getProtocol(), alpn: socket.alpnProtocol, servername, packetType: chunk[0] });
        socket.destroy();
      });
    },
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, prelogins };
}

async function attempt(port: number, tls: NonNullable<ConnectionProfileInput['tls']>): Promise<Error> {
  const outcome = await connect({
    provider: 'azure-sql',
    dialect: 'mssql',
    host: '127.0.0.1',
    port,
    database: 'app',
    user: 'app',
    password: PASSWORD,
    tls,
  }).then(
    async (tenant) => {
      await tenant.close();
      return new Error('connected to a server that is not SQL Server');
    },
    (error: unknown) => error as Error,
  );
  expect(outcome.message).not.toContain(PASSWORD);
  return outcome;
}

describe('TDS 8.0 strict encryption against a TLS listener', () => {
  it('with the CA and a TLS 1.3 floor: the handshake completes over TLS 1.3 with ALPN tds/8.0 and SNI, then TDS pre-login flows', async () => {
    const server = await tdsTlsListener();
    const error = await attempt(server.port, { strict: true, ca: CA, minVersion: 'TLSv1.3', servername: 'localhost' });
    // Lost after the handshake, when the listener hung up: not a certificate or protocol failure.
    expect(error.message).toMatch(/Connection lost/);
    expect(server.prelogins).toEqual([{ protocol: 'TLSv1.3', alpn: 'tds/8.0', servername: 'localhost', packetType: 0x12 }]);
  });

  it('with the CA read from tls.caFile and no server name: the certificate is checked against the IP address', async () => {
    const server = await tdsTlsListener();
    const error = await attempt(server.port, { strict: true, caFile: file('ca.pem') });
    expect(error.message).toMatch(/Connection lost/);
    // No SNI for an IP address (RFC 6066 §3).
    expect(server.prelogins).toEqual([{ protocol: 'TLSv1.3', alpn: 'tds/8.0', servername: false, packetType: 0x12 }]);
  });

  it('without the CA: the self-signed chain is rejected and no TDS byte is sent', async () => {
    const server = await tdsTlsListener();
    const error = await attempt(server.port, { strict: true });
    expect(error.message).toMatch(/certificate/i);
    expect(server.prelogins).toEqual([]);
  });

  it('a server name the certificate does not carry is rejected', async () => {
    const server = await tdsTlsListener();
    const error = await attempt(server.port, { strict: true, ca: CA, servername: 'acme.database.windows.net' });
    expect(error.message).toMatch(/does not match certificate's altnames/);
    expect(server.prelogins).toEqual([]);
  });

  it('a server capped at TLS 1.2 is refused when the profile asks for at least TLS 1.3', async () => {
    const server = await tdsTlsListener('TLSv1.2');
    const error = await attempt(server.port, { strict: true, ca: CA, minVersion: 'TLSv1.3' });
    expect(error.message).toMatch(/protocol|version/i);
    expect(server.prelogins).toEqual([]);
  });

  it('the same server is accepted at the default TLS 1.2 floor, and TLS 1.2 is what was negotiated', async () => {
    const server = await tdsTlsListener('TLSv1.2');
    const error = await attempt(server.port, { strict: true, ca: CA });
    expect(error.message).toMatch(/Connection lost/);
    expect(server.prelogins).toEqual([expect.objectContaining({ protocol: 'TLSv1.2', alpn: 'tds/8.0', packetType: 0x12 })]);
  });
});
