import { describe, expect, it } from 'vitest';
import { connect, profileFromUrl, redactError, redactText, redactUrl } from '@byos/runtime';

describe('profileFromUrl', () => {
  it('reads a Postgres URL into a profile, provider from the host', () => {
    const profile = profileFromUrl('postgres://app%40acme:p%40ss@db-1.abc.ap-southeast-1.rds.amazonaws.com:5433/app?sslrootcert=/etc/rds.pem');
    expect(profile).toMatchObject({
      provider: 'aws',
      dialect: 'postgres',
      host: 'db-1.abc.ap-southeast-1.rds.amazonaws.com',
      port: 5433,
      database: 'app',
      user: 'app@acme',
      password: 'p@ss',
      tls: { mode: 'verify-full', caFile: '/etc/rds.pem', minVersion: 'TLSv1.2' },
    });
  });

  it('defaults to plaintext only for a self-managed server on loopback', () => {
    expect(profileFromUrl('postgres://u@localhost/db').tls?.mode).toBe('disable');
    expect(profileFromUrl('postgres://u@10.0.0.5/db').tls?.mode).toBe('verify-full');
    expect(profileFromUrl('postgres://u@ep-x.neon.tech/db?sslmode=disable')).toMatchObject({ provider: 'neon', tls: { mode: 'disable' } });
  });

  it('reads sqlite: and mssql: URLs, the pooler and the provider override', () => {
    expect(profileFromUrl('sqlite:./t.sqlite')).toMatchObject({ provider: 'local-sqlite', dialect: 'sqlite', database: './t.sqlite' });
    expect(profileFromUrl('mssql://sa:x@acme.database.windows.net/app?encrypt=strict')).toMatchObject({
      provider: 'azure-sql',
      dialect: 'mssql',
      tls: { strict: true },
    });
    expect(profileFromUrl('postgres://u:p@aws-0-eu-west-1.pooler.supabase.com:6543/postgres?pgbouncer=true')).toMatchObject({
      provider: 'supabase',
      pooler: { mode: 'transaction' },
    });
    expect(profileFromUrl('postgres://u@10.1.2.3/db?provider=gcp&sslmode=verify-ca').tls?.mode).toBe('verify-ca');
  });

  it('names a bad URL without its password', () => {
    expect(() => profileFromUrl('mysql://root:hunter2@h/db')).toThrow(/unsupported URL scheme "mysql:" in mysql:\/\/\*\*\*@h\/db/);
    expect(() => profileFromUrl('postgres://u:hunter2@h/db?provider=oracle')).toThrow(/unknown provider "oracle"/);
  });

  it('a plaintext cloud URL is refused by connect before any traffic', async () => {
    await expect(connect('postgres://u:hunter2@ep-x.neon.tech/db?sslmode=disable')).rejects.toThrow(/refusing a plaintext connection to neon/);
  });
});

describe('redaction', () => {
  it('removes URL user-info, password pairs and given secrets, encoded or not', () => {
    expect(redactUrl('see postgres://admin:s3cret@h:5432/db now')).toBe('see postgres://***@h:5432/db now');
    expect(redactText('password=s3cret; user=x PWD: "a b"')).toBe('password=***; user=x PWD=***');
    expect(redactText('auth failed for p@ss w0rd and p%40ss%20w0rd', ['p@ss w0rd'])).toBe('auth failed for *** and ***');
  });

  it('keeps the driver error code and context', () => {
    const error = Object.assign(new Error('password authentication failed for "tok-123456"'), { code: '28P01' });
    const redacted = redactError(error, ['tok-123456'], 'cannot connect');
    expect(redacted.message).toBe('cannot connect: password authentication failed for "***"');
    expect(redacted.code).toBe('28P01');
  });
});
