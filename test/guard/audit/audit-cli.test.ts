import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { runByos } from '../crypto/run-byos.ts';

describe('byos audit (sqlite)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'byos-audit-cli-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const url = `sqlite:${join(dir, 'acme.sqlite')}`;
  const checkpointFile = join(dir, 'acme.checkpoint.json');
  const keyFile = join(dir, 'hmac.key');
  await writeFile(keyFile, 'a-checkpoint-signing-key-kept-off-the-database-host\n', { mode: 0o600 });

  it('captures, records, checkpoints (signed) and verifies an intact trail', async () => {
    const tenant = await connect(url);
    await tenant.db.schema
      .createTable('notes')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('body', 'text')
      .execute();
    await tenant.close();
    expect((await runByos(['audit', 'capture', '--url', url, '--table', 'notes'])).code).toBe(0);
    const again = await connect(url);
    await again.db
      .insertInto('notes')
      .values([
        { id: 1, body: 'a' },
        { id: 2, body: 'b' },
      ])
      .execute();
    await again.close();
    const recorded = await runByos([
      'audit',
      'record',
      '--url',
      url,
      '--actor',
      'ops',
      '--action',
      'import.csv',
      '--subject',
      'notes',
      '--details',
      '{"rows":2}',
    ]);
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toMatch(/recorded seq 3 [0-9a-f]{64}/);
    const cp = await runByos(['audit', 'checkpoint', '--url', url, '--out', checkpointFile, '--tenant', 'acme', '--hmac-key-file', keyFile]);
    expect(cp.code).toBe(0);
    expect(JSON.parse(await readFile(checkpointFile, 'utf8'))).toMatchObject({ format: 'byos-audit-checkpoint/v1', tenant: 'acme', seq: 3 });
    const verify = await runByos(['audit', 'verify', '--url', url, '--checkpoint', checkpointFile, '--hmac-key-file', keyFile]);
    expect(verify.stdout).toMatch(/audit trail intact: 3 entries/);
    expect(verify.code).toBe(0);
  });

  it('exits 1 with the findings once the trail is tampered with', async () => {
    const tenant = await connect(url);
    for (const s of tenant.dialect.audit.dropAppendOnlyGuard()) await sql.raw(s).execute(tenant.db);
    await tenant.db.updateTable('byos_audit').set({ actor: 'someone-else' }).where('seq', '=', 1).execute();
    await tenant.close();
    const verify = await runByos(['audit', 'verify', '--url', url, '--checkpoint', checkpointFile, '--json']);
    expect(verify.code).toBe(1);
    const result = JSON.parse(verify.stdout);
    expect(result.ok).toBe(false);
    expect(result.findings.map((f: { rule: string }) => f.rule)).toEqual(['audit-entry-modified']);
  });

  it('keys list names a tenant without field encryption; --help documents the audit commands', async () => {
    const list = await runByos(['keys', 'list', '--url', url]);
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(/byos_keys not found in .*acme\.sqlite: field encryption has not been set up/);
    const help = await runByos(['audit', 'verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--checkpoint <file>/);
  });

  it('a missing or malformed checkpoint is a usage error', async () => {
    await writeFile(join(dir, 'bad.json'), '{"format":"nope"}');
    const bad = await runByos(['audit', 'verify', '--url', url, '--checkpoint', join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/audit checkpoint .*bad\.json: format/);
  });
});
