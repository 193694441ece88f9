import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStackFile, runStackUnderMocks, stackFilePath } from '../../pulumi/components/stack-file.ts';
import { isRegionAllowed } from '../../pulumi/providers/residency.ts';
import { ContractError, PROVIDERS, parseConnectionProfile } from '@byos/runtime';

const STACKS = (await readdir('stacks')).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).sort();

describe('example stacks', () => {
  it('cover every provider', async () => {
    const providers = new Set<string>();
    for (const file of STACKS) providers.add((await runStackUnderMocks(join('stacks', file))).spec.provider);
    expect([...providers].sort()).toEqual([...PROVIDERS].sort());
  });

  for (const file of STACKS) {
    it(`${file} runs offline: stack name matches the tenant, region inside the residency, secret profile`, async () => {
      const run = await runStackUnderMocks(join('stacks', file));
      expect(file).toBe(`Pulumi.${run.spec.tenant}.yaml`);
      expect(stackFilePath(run.spec.tenant)).toBe(join('stacks', file));
      expect(isRegionAllowed(run.spec.provider, run.spec.residency, run.spec.region)).toBe(true);
      expect(run.secretOutputs).toContain('profile');
      expect(parseConnectionProfile(run.profile)).toEqual(run.profile);
      expect(run.resources[0]!.type).toBe('byos:index:TenantDatabase');
    });
  }
});

describe('stack files', () => {
  it('pass settings through as strings, leave encrypted values out, and qualify bare keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byos-stack-'));
    try {
      const file = join(dir, 'Pulumi.t-one.yaml');
      await writeFile(
        file,
        [
          'config:',
          '  byos:localPostgresPort: 6000',
          '  byos:supabaseAccessToken:',
          '    secure: v1:abcdef',
          '  tenant:',
          '    tenant: t-one',
          '    provider: local-postgres',
          '    region: local',
        ].join('\n'),
      );
      const stack = await readStackFile(file);
      expect(stack.config).toEqual({
        'byos:localPostgresPort': '6000',
        'byos:tenant': JSON.stringify({ tenant: 't-one', provider: 'local-postgres', region: 'local' }),
      });
      expect(stack.secretKeys).toEqual(['byos:supabaseAccessToken']);
      const run = await runStackUnderMocks(file);
      expect(run.profile.port).toBe(6000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('name the file and the field of a bad spec, and a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byos-stack-'));
    try {
      const file = join(dir, 'Pulumi.bad.yaml');
      await writeFile(
        file,
        'config:\n  byos:tenant:\n    tenant: bad-one\n    provider: aws\n    region: ap-southeast-1\n    backup:\n      retentionDays: -1\n',
      );
      const error = await runStackUnderMocks(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContractError);
      expect((error as Error).message).toMatch(/in Pulumi\.bad\.yaml:\n\s+- backup\.retentionDays/);
      await expect(readStackFile(join(dir, 'Pulumi.none.yaml'))).rejects.toThrow(/stack file .*Pulumi\.none\.yaml does not exist/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
