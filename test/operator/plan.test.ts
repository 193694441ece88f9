import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson, readDesiredTenants, specHash } from '../../pulumi/operator/desired.ts';
import { describeAction, planTenants } from '../../pulumi/operator/plan.ts';
import { liveProbes } from '../../pulumi/operator/probes.ts';
import { type RecordedTenant, StateStore } from '../../pulumi/operator/state.ts';
import { copyChinookSqlite } from '../../cli/src/demo/chinook.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-operator-'));
  scratch.push(dir);
  return dir;
}

/** A stacks folder with copies of the repository's example stack files. */
async function stacks(...tenants: string[]): Promise<string> {
  const dir = await tempDir();
  for (const t of tenants) await copyFile(join(REPO_ROOT, 'stacks', `Pulumi.${t}.yaml`), join(dir, `Pulumi.${t}.yaml`));
  return dir;
}

function recordFrom(desired: { tenant: string; spec: RecordedTenant['spec']; specHash: string }, overrides: Partial<RecordedTenant> = {}): RecordedTenant {
  return {
    tenant: desired.tenant,
    spec: desired.spec,
    specHash: desired.specHash,
    active: { stack: desired.tenant, provider: desired.spec.provider, region: desired.spec.region },
    updatedAt: new Date(0).toISOString(),
    history: [],
    ...overrides,
  };
}

describe('desired tenants from git', () => {
  it('reads every stack file and reports the invalid ones by file', async () => {
    const dir = await stacks('acme-sg', 'dev-sqlite');
    await writeFile(
      join(dir, 'Pulumi.broken.yaml'),
      'config:\n  byos:tenant:\n    tenant: broken\n    provider: aws\n    region: ap-southeast-1\n    backup:\n      retentionDays: -3\n',
    );
    await writeFile(join(dir, 'Pulumi.other.yaml'), 'config:\n  byos:tenant:\n    tenant: not-other\n    provider: local-sqlite\n    region: local\n');
    const { tenants, problems } = await readDesiredTenants(dir);
    expect(tenants.map((t) => t.tenant)).toEqual(['acme-sg', 'dev-sqlite']);
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.file.endsWith('Pulumi.broken.yaml'))?.message).toMatch(/backup\.retentionDays/);
    expect(problems.find((p) => p.file.endsWith('Pulumi.other.yaml'))?.message).toMatch(/names tenant "not-other" but the file is the stack of "other"/);
  });

  it('hashes a spec independently of key order', () => {
    const a = { tenant: 't', provider: 'aws', region: 'x', backup: { retentionDays: 7, pointInTimeRecovery: true } };
    const b = { backup: { pointInTimeRecovery: true, retentionDays: 7 }, region: 'x', provider: 'aws', tenant: 't' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(specHash(a as never)).toBe(specHash(b as never));
    expect(specHash({ ...a, region: 'y' } as never)).not.toBe(specHash(a as never));
  });
});

describe('byos plan', () => {
  it('provisions tenants with no recorded state and changes nothing for those already in sync', async () => {
    const desired = await readDesiredTenants(await stacks('acme-sg', 'dev-sqlite'));
    const acme = desired.tenants.find((t) => t.tenant === 'acme-sg')!;
    const plan = await planTenants(desired, [recordFrom(acme)]);
    expect(plan.tenants.find((t) => t.tenant === 'acme-sg')?.actions).toEqual([]);
    const dev = plan.tenants.find((t) => t.tenant === 'dev-sqlite')!;
    expect(dev.actions).toEqual([{ kind: 'provision', provider: 'local-sqlite', region: 'local' }]);
    expect(describeAction(dev.actions[0]!)).toBe('provision a new local-sqlite database in local');
  });

  it('updates in place when only settings changed, naming each field', async () => {
    const dir = await stacks('acme-sg');
    const before = await readDesiredTenants(dir);
    const file = join(dir, 'Pulumi.acme-sg.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('retentionDays: 14', 'retentionDays: 30'));
    const after = await readDesiredTenants(dir);
    const plan = await planTenants(after, [recordFrom(before.tenants[0]!)]);
    expect(plan.tenants[0]!.actions).toEqual([{ kind: 'update', changes: ['backup.retentionDays: 14 → 30'] }]);
  });

  it('plans a switch with a row estimate read from the live source database', async () => {
    const dir = await stacks('dev-sqlite');
    const desired = await readDesiredTenants(dir);
    const sourceFile = join(await tempDir(), 'chinook.sqlite');
    await copyChinookSqlite(sourceFile);
    const recorded = recordFrom(desired.tenants[0]!, {
      active: {
        stack: 'dev-sqlite',
        provider: 'local-sqlite',
        region: 'local',
        profile: { provider: 'local-sqlite', dialect: 'sqlite', database: sourceFile },
      },
    });
    const file = join(dir, 'Pulumi.dev-sqlite.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('provider: local-sqlite', 'provider: local-postgres'));
    const plan = await planTenants(await readDesiredTenants(dir), [recorded], liveProbes({}));
    const [action] = plan.tenants[0]!.actions;
    expect(action).toMatchObject({ kind: 'switch', from: { provider: 'local-sqlite' }, to: { provider: 'local-postgres' } });
    // Chinook: 11 tables, 15,607 rows.
    expect(action).toMatchObject({ estimate: { tables: 11, rows: 15607 } });
    expect(describeAction(action!)).toBe('switch from local-sqlite (local) to local-postgres (local): 15,607 rows in 11 tables');
  });

  it('reports an unreachable source in the switch line instead of failing the plan', async () => {
    const dir = await stacks('dev-sqlite');
    const desired = await readDesiredTenants(dir);
    const recorded = recordFrom(desired.tenants[0]!, {
      active: {
        stack: 'dev-sqlite',
        provider: 'local-sqlite',
        region: 'old',
        profile: { provider: 'local-sqlite', dialect: 'sqlite', database: '/nonexistent/dir/x.sqlite' },
      },
    });
    const plan = await planTenants(desired, [recorded], liveProbes({}));
    expect(describeAction(plan.tenants[0]!.actions[0]!)).toMatch(/size unknown \(.*directory \/nonexistent\/dir does not exist/);
  });

  it('retires a tenant whose stack file is gone, but never one whose stack file is merely invalid', async () => {
    const dir = await stacks('acme-sg');
    const acme = (await readDesiredTenants(dir)).tenants[0]!;
    const gone = recordFrom({ ...acme, tenant: 'gone-eu' });
    const typo = recordFrom({ ...acme, tenant: 'typo-eu' });
    await writeFile(join(dir, 'Pulumi.typo-eu.yaml'), 'config:\n  byos:tenant:\n    tenant: typo-eu\n    provider: awz\n');
    const plan = await planTenants(await readDesiredTenants(dir), [recordFrom(acme), gone, typo]);
    expect(plan.tenants.find((t) => t.tenant === 'gone-eu')?.actions).toEqual([{ kind: 'retire', provider: 'aws', region: 'ap-southeast-1' }]);
    expect(plan.tenants.find((t) => t.tenant === 'typo-eu')).toMatchObject({ actions: [], notes: [expect.stringMatching(/invalid/)] });
    expect(plan.problems.map((p) => p.file)).toEqual([join(dir, 'Pulumi.typo-eu.yaml')]);
  });

  it('lists pending migrations from the probe, all of them for a new tenant', async () => {
    const desired = await readDesiredTenants(await stacks('acme-sg', 'dev-sqlite'));
    const acme = desired.tenants.find((t) => t.tenant === 'acme-sg')!;
    const probes = liveProbes({
      migrationsDir: 'migrations',
      migrations: { all: async () => ['0001', '0002', '0003'], applied: async () => ['0001'] },
    });
    const plan = await planTenants(desired, [recordFrom(acme)], { pendingMigrations: probes.pendingMigrations });
    expect(plan.tenants.find((t) => t.tenant === 'acme-sg')?.actions).toEqual([{ kind: 'migrate', pending: ['0002', '0003'] }]);
    expect(plan.tenants.find((t) => t.tenant === 'dev-sqlite')?.actions.at(-1)).toEqual({ kind: 'migrate', pending: ['0001', '0002', '0003'] });
  });
});

describe('recorded state', () => {
  it('round-trips a record, refuses an inline password and names a hand-broken file', async () => {
    const dir = await tempDir();
    const store = new StateStore(dir);
    const desired = await readDesiredTenants(await stacks('dev-sqlite'));
    const record = recordFrom(desired.tenants[0]!, {
      active: {
        stack: 'dev-sqlite',
        provider: 'local-sqlite',
        region: 'local',
        profile: { provider: 'local-sqlite', dialect: 'sqlite', database: 'x.sqlite' },
      },
    });
    await store.put(record);
    expect(await store.get('dev-sqlite')).toEqual(record);
    expect(await store.get('absent')).toBeUndefined();
    const withPassword = { ...record, active: { ...record.active, profile: { ...record.active.profile!, password: 'hunter2' } } };
    await expect(store.put(withPassword)).rejects.toThrow(/refusing to record a password for tenant dev-sqlite/);
    await writeFile(join(dir, 'dev-sqlite.json'), JSON.stringify({ ...record, spec: { ...record.spec, provider: 'nope' } }));
    await expect(store.list()).rejects.toThrow(/dev-sqlite\.json[\s\S]*provider/);
  });
});
