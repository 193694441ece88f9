import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileFromUrl, redactText } from '@byos/runtime';
import { runCliInProcess } from '../helpers/cli.ts';
import { pgAdminUrl } from '../helpers/databases.ts';
import { atFileEnd } from '../helpers/file-cleanup.ts';
import { sqlOn } from '../helpers/sql.ts';

// Issue 15, item 10: a password holding a character a URL reserves must either reach the driver intact (written
// percent-encoded) or be refused with an error that shows no part of it, in every URL form the CLI accepts.

/** Two distinctive halves around the character, so "no part of the password" can be checked. */
const BEFORE = 'Zq8k';
const AFTER = 'Wv3j';
const SPECIALS = ['/', '?', '#', '@', ':', '%', '+', ' '] as const;
const SCHEMES = ['postgres', 'postgresql', 'mssql', 'sqlserver'] as const;

function leaks(text: string): boolean {
  return text.includes(BEFORE) || text.includes(AFTER);
}

describe('database URLs with passwords holding reserved characters', () => {
  for (const scheme of SCHEMES) {
    for (const special of SPECIALS) {
      const password = `${BEFORE}${special}${AFTER}`;
      it(`${scheme}: ${JSON.stringify(special)} percent-encoded is accepted with the exact password`, () => {
        const profile = profileFromUrl(`${scheme}://app:${encodeURIComponent(password)}@127.0.0.1:5432/tenant`);
        expect(profile.password).toBe(password);
        expect(profile.host).toBe('127.0.0.1');
        expect(profile.database).toBe('tenant');
      });

      it(`${scheme}: ${JSON.stringify(special)} written raw is read exactly or refused without the password`, () => {
        const url = `${scheme}://app:${password}@127.0.0.1:5432/tenant`;
        let profile;
        try {
          profile = profileFromUrl(url);
        } catch (error) {
          expect(leaks((error as Error).message), (error as Error).message).toBe(false);
          expect((error as Error).message).toMatch(/percent-encode/);
          return;
        }
        // Accepted: then the password (and only it) is what the user wrote; host and database are not pieces of it.
        expect(profile.password).toBe(password);
        expect(profile.host).toBe('127.0.0.1');
        expect(profile.database).toBe('tenant');
      });
    }
  }

  it('a raw "/" followed by digits is not read as a port and a path holding the rest of the password', () => {
    // new URL() parses this one: host "app", port 12, path "/Wv3j@127.0.0.1…" — the password's tail in the path.
    expect(() => profileFromUrl(`postgres://app:12/${AFTER}@127.0.0.1:5432/tenant`)).toThrow(/percent-encode/);
    const message = (() => {
      try {
        profileFromUrl(`postgres://app:12/${AFTER}@127.0.0.1:5432/tenant`);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).not.toContain(AFTER);
  });

  it('the CLI names a bad URL without the password, in text and under --json, for --url, --from and --to', async () => {
    for (const special of ['/', '?', '#', '%']) {
      const url = `postgres://app:${BEFORE}${special}${AFTER}@127.0.0.1:5432/tenant`;
      for (const args of [
        ['introspect', '--url', url],
        ['introspect', '--url', url, '--json'],
        ['copy', '--from', url, '--to', 'sqlite:/nowhere/x.sqlite'],
        ['verify', '--from', 'sqlite:/nowhere/x.sqlite', '--to', url, '--json'],
      ]) {
        const result = await runCliInProcess(args);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
        expect(leaks(result.stdout + result.stderr), result.stdout + result.stderr).toBe(false);
        expect(result.stderr).toMatch(/percent-encode/);
      }
    }
  });
});

describe('a real server and a password holding every reserved character', () => {
  const role = `byos_pw_${process.pid}`;
  const password = `a/b?c#d@e:f%g+h i${BEFORE}`;
  beforeAll(async () => {
    await sqlOn(pgAdminUrl(), `create role ${role} login password '${password.replace(/'/g, "''")}'`);
    atFileEnd(() => sqlOn(pgAdminUrl(), `drop role if exists ${role}`));
  });

  it('percent-encoded, it connects; the wrong one fails without showing the one given', async () => {
    const admin = new URL(pgAdminUrl());
    const url = `postgresql://${role}:${encodeURIComponent(password)}@${admin.host}/postgres`;
    const ok = await runCliInProcess(['introspect', '--url', url, '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ dialect: 'postgres' });

    const wrong = `postgresql://${role}:${encodeURIComponent(`${password}x`)}@${admin.host}/postgres`;
    const refused = await runCliInProcess(['introspect', '--url', wrong]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/password authentication failed/);
    expect(leaks(refused.stderr)).toBe(false);
  });
});

describe('redaction removes values of secret keys, not pieces of paths', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'byos-redact-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps paths naming passwd, secret or token as they are', () => {
    expect(redactText('cannot read profile /etc/passwd: EISDIR')).toBe('cannot read profile /etc/passwd: EISDIR');
    expect(redactText('open /srv/secret=1/token: x')).toBe('open /srv/secret=1/token: x');
    expect(redactText('C:\\Users\\me\\passwd: ENOENT')).toBe('C:\\Users\\me\\passwd: ENOENT');
  });

  it('still removes the value of a secret key, as a word, in key=value, key: value and JSON forms', () => {
    expect(redactText('password=s3cret; user=x PWD: "a b"')).toBe('password=***; user=x PWD=***');
    expect(redactText('PGPASSWORD=hunter22 psql')).toBe('PGPASSWORD=*** psql');
    expect(redactText('{"db_password": "hunter22", "user": "x"}')).toBe('{"db_password"=***, "user": "x"}');
    expect(redactText('?sslmode=disable&password=hunter22&x=1')).toBe('?sslmode=disable&password=***&x=1');
  });

  it('a CLI error naming a path with passwd in it shows the path', async () => {
    const folder = join(dir, 'passwd');
    await mkdir(folder);
    const result = await runCliInProcess(['introspect', '--profile', folder]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(folder);
    expect(result.stderr).not.toContain('***');
  });

  it('a profile file that is not valid JSON or YAML is named by file, line and column, never by its text', async () => {
    const json = join(dir, 'bad.json');
    await writeFile(json, '{"provider": "local-postgres", "dialect": "postgres", "database": "x", "password": hunter2x}');
    const yaml = join(dir, 'bad.yaml');
    await writeFile(yaml, 'provider: local-postgres\ndialect: postgres\ndatabase: x\nuser: [hunter2x\n');
    for (const file of [json, yaml]) {
      const result = await runCliInProcess(['introspect', '--profile', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${file}:`);
      expect(result.stderr).toMatch(new RegExp(`${file.replace(/[/.]/g, '\\$&')}:\\d+:\\d+: profile is not valid`));
      expect(result.stderr).not.toContain('hunter2x');
    }
  });
});

describe('URLs without // or a host', () => {
  it('are refused without echoing any of their text, and never connect to a default host', async () => {
    for (const url of [
      'postgres:u:S3cretPw@h/x',
      'postgresql:u:S3cretPw@h/x',
      'postgres:/u:S3cretPw@h/x',
      'mssql:u:S3cretPw@h/x',
      'postgres://u:S3cretPw',
      'mssql://u:S3cretPw',
      'postgres://u:S3cretPw@/x',
    ]) {
      for (const args of [['--url', url], []]) {
        if (!args.length) process.env.BYOS_URL = url;
        const r = await runCliInProcess(['introspect', ...args, '--json']).finally(() => delete process.env.BYOS_URL);
        expect(r.code, url).toBe(2);
        expect(r.stdout + r.stderr, url).not.toMatch(/S3cret|Pw@|ECONNREFUSED/);
        expect(JSON.parse(r.stdout).error.code).toBe('invalid-input');
      }
    }
  });
});
