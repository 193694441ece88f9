import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import mssql from 'mssql';
import { Connection } from 'tedious';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, parseConnectionProfile, type ConnectionProfileInput } from '../../../src/index.ts';
import { mssqlPoolConfig, mssqlSettings, readMssqlCa, tediousConfig } from '../../../src/dialects/mssql/config.ts';

const PASSWORD = 'Hunter2-azure-Secret';
const quirks = { requiresTls: true, defaultPort: 1433 };
const base = { provider: 'azure-sql', dialect: 'mssql', host: 'acme.database.windows.net', database: 'app', user: 'app', password: PASSWORD } as const;
const profile = (extra: Partial<ConnectionProfileInput> = {}) => parseConnectionProfile({ ...base, ...extra });
const CA_FILE = fileURLToPath(new URL('./tls/ca.pem', import.meta.url));

describe('SQL Server driver config from a ConnectionProfile', () => {
  it('by default: encrypted, certificate verified, TLS 1.2 floor, port 1433, SQL authentication, no request time limit', () => {
    const settings = mssqlSettings(profile(), quirks);
    expect(tediousConfig(settings)).toEqual({
      server: 'acme.database.windows.net',
      authentication: { type: 'default', options: { userName: 'app', password: PASSWORD } },
      options: {
        port: 1433,
        database: 'app',
        encrypt: true,
        trustServerCertificate: false,
        cryptoCredentialsDetails: { minVersion: 'TLSv1.2' },
        requestTimeout: 0,
      },
    });
    expect(mssqlPoolConfig(settings)).toEqual({
      server: 'acme.database.windows.net',
      port: 1433,
      database: 'app',
      user: 'app',
      password: PASSWORD,
      requestTimeout: 0,
      options: {
        port: 1433,
        database: 'app',
        encrypt: true,
        trustServerCertificate: false,
        cryptoCredentialsDetails: { minVersion: 'TLSv1.2' },
        requestTimeout: 0,
      },
      pool: { min: 0, max: 10 },
    });
  });

  it('tls.strict selects TDS 8.0 (encrypt: "strict") in both renderings, with TLS 1.3 as the floor when asked', () => {
    const settings = mssqlSettings(profile({ tls: { strict: true, minVersion: 'TLSv1.3' } }), quirks);
    expect(tediousConfig(settings).options).toMatchObject({
      encrypt: 'strict',
      trustServerCertificate: false,
      cryptoCredentialsDetails: { minVersion: 'TLSv1.3' },
    });
    expect(mssqlPoolConfig(settings).options).toMatchObject({
      encrypt: 'strict',
      trustServerCertificate: false,
      cryptoCredentialsDetails: { minVersion: 'TLSv1.3' },
    });
  });

  it('an inline CA, a maximum version and a server name reach tedious', () => {
    const settings = mssqlSettings(profile({ tls: { ca: 'PEM-CA', maxVersion: 'TLSv1.2', servername: 'acme.database.windows.net' } }), quirks);
    const options = tediousConfig(settings).options!;
    expect(options.cryptoCredentialsDetails).toEqual({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ca: 'PEM-CA' });
    expect(options.serverName).toBe('acme.database.windows.net');
    expect(mssqlPoolConfig(settings).options).toMatchObject({ serverName: 'acme.database.windows.net', cryptoCredentialsDetails: { ca: 'PEM-CA' } });
  });

  it('a CA file is read at connect time; an unreadable one is named with its error code', async () => {
    const p = profile({ tls: { caFile: CA_FILE } });
    const ca = await readMssqlCa(p);
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(tediousConfig(mssqlSettings(p, quirks, ca)).options!.cryptoCredentialsDetails).toEqual({ minVersion: 'TLSv1.2', ca });
    await expect(readMssqlCa(profile({ tls: { caFile: '/nonexistent/ca.pem' } }))).rejects.toThrow('cannot read tls.caFile /nonexistent/ca.pem: ENOENT');
    // An inline CA wins and no file is read.
    expect(await readMssqlCa(profile({ tls: { ca: 'PEM', caFile: '/nonexistent/ca.pem' } }))).toBeUndefined();
  });

  it('port, pool size and statement timeout come from the profile', () => {
    const settings = mssqlSettings(profile({ port: 14330, poolSize: 3, statementTimeoutMs: 30_000 }), quirks);
    expect(tediousConfig(settings).options).toMatchObject({ port: 14330, requestTimeout: 30_000 });
    expect(mssqlPoolConfig(settings)).toMatchObject({ port: 14330, requestTimeout: 30_000, pool: { min: 0, max: 3 } });
  });

  it.each([
    [{ tls: { mode: 'disable' } }, 'tls.mode "disable" is not supported for SQL Server'],
    [{ tls: { mode: 'verify-ca' } }, 'tls.mode "verify-ca" is not supported for SQL Server'],
    [{ tls: { minVersion: 'TLSv1.3' } }, 'tls.minVersion TLSv1.3 needs tls.strict: true'],
    [{ tls: { strict: true, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' } }, 'tls.maxVersion TLSv1.2 is below tls.minVersion TLSv1.3'],
    [{ host: undefined }, 'host is required'],
  ] as const)('refuses %j', (extra, message) => {
    expect(() => mssqlSettings(profile(extra as Partial<ConnectionProfileInput>), quirks)).toThrow(message);
  });

  it('tedious accepts the config and keeps every security option as given', () => {
    const settings = mssqlSettings(profile({ tls: { strict: true, ca: 'PEM-CA', servername: 'acme.database.windows.net' } }), quirks);
    // Constructing a Connection validates the options; it does not connect until connect() is called.
    const connection = new Connection(tediousConfig(settings));
    expect(connection.config.options).toMatchObject({
      encrypt: 'strict',
      trustServerCertificate: false,
      serverName: 'acme.database.windows.net',
      port: 1433,
      database: 'app',
      cryptoCredentialsDetails: { ca: 'PEM-CA', minVersion: 'TLSv1.2' },
      requestTimeout: 0,
    });
  });
});

describe('SQL Server connections that cannot succeed', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });
  /** A TCP server that accepts and immediately drops every connection, like a firewall resetting it. */
  const dropping = async (): Promise<number> => {
    const server = createServer((socket) => socket.destroy());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  };
  /** A port nothing listens on: bound, read, released. */
  const closedPort = async (): Promise<number> => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  };

  it('refuses a plaintext azure-sql profile before any network traffic, without the password', async () => {
    // 192.0.2.1 is TEST-NET-1: nothing answers there, so only an up-front refusal returns at once.
    const error = await connect({ ...base, host: '192.0.2.1', tls: { mode: 'disable' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^refusing a plaintext connection to azure-sql \(192\.0\.2\.1\)/);
    expect((error as Error).message).not.toContain(PASSWORD);
    await expect(connect(`mssql://app:${PASSWORD}@acme.database.windows.net/app?sslmode=disable`)).rejects.toThrow(/refusing a plaintext connection/);
  });

  it('a server that drops the connection: the error names the server, not the password', async () => {
    const port = await dropping();
    const error = await connect({ ...base, host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`cannot connect to azure-sql database 127.0.0.1:${port}/app`);
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it('nothing listening: refused at once (the pool propagates the first error), no password in the error', async () => {
    const port = await closedPort();
    const error = await connect({ ...base, host: '127.0.0.1', port, tls: { strict: true } }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`cannot connect to azure-sql database 127.0.0.1:${port}/app`);
    expect((error as Error).message).toMatch(/ECONNREFUSED|Failed to connect/);
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it("the mssql package's ConnectionPool takes the same config to tedious unchanged", async () => {
    const port = await dropping();
    const settings = mssqlSettings(profile({ host: '127.0.0.1', port, tls: { strict: true, servername: 'localhost' } }), quirks);
    let seen: Connection | undefined;
    const pool = new mssql.ConnectionPool({ ...mssqlPoolConfig(settings), beforeConnect: (conn) => void (seen = conn as unknown as Connection) });
    const error = await pool.connect().catch((e: unknown) => e);
    await pool.close();
    expect(error).toBeInstanceOf(mssql.ConnectionError);
    expect((error as Error).message).not.toContain(PASSWORD);
    expect(seen?.config.server).toBe('127.0.0.1');
    expect(seen?.config.options).toMatchObject({
      encrypt: 'strict',
      trustServerCertificate: false,
      serverName: 'localhost',
      port,
      database: 'app',
      requestTimeout: 0,
    });
    expect(seen?.config.authentication).toMatchObject({ type: 'default', options: { userName: 'app' } });
  });
});
