import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, OutputMap, UpOptions } from '@pulumi/pulumi/automation/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '@byos/runtime';
import { runStackUnderMocks } from '../../pulumi/components/stack-file.ts';
import type { AutomationApi, AutomationStack } from '../../pulumi/operator/automation.ts';
import { provisionWithPulumi } from '../../pulumi/operator/automation.ts';
import { readDesiredTenants } from '../../pulumi/operator/desired.ts';
import { reconcile } from '../../pulumi/operator/reconcile.ts';
import { StateStore } from '../../pulumi/operator/state.ts';
import { realSteps } from '../../pulumi/operator/steps.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

// Issue 17, item 3: what the operator asks of Pulumi's Automation API. There is no Pulumi CLI here, so a fake
// Automation API records every call; the profile it "provisions" is the one the program produces under mocks.

const root = await mkdtemp(join(tmpdir(), 'byos-automation-'));
afterAll(() => rm(root, { recursive: true, force: true }));

interface FakeStack {
  config: ConfigMap;
  outputs: OutputMap;
}

function fakeAutomation(stacks: Record<string, FakeStack>) {
  const calls: string[] = [];
  const ups: { stack: string; options: UpOptions; config: ConfigMap }[] = [];
  const open = (name: string): AutomationStack => {
    stacks[name] ??= { config: {}, outputs: {} };
    const stack = stacks[name]!;
    return {
      getAllConfig: async () => structuredClone(stack.config),
      setAllConfig: async (config) => {
        calls.push(`${name}: set config ${Object.keys(config).join(', ')}`);
        Object.assign(stack.config, config);
      },
      setConfig: async (key, value) => {
        calls.push(`${name}: set ${key}`);
        stack.config[key] = value;
      },
      up: async (options) => {
        calls.push(`${name}: up`);
        ups.push({ stack: name, options, config: structuredClone(stack.config) });
        return { outputs: stack.outputs };
      },
      destroy: async () => calls.push(`${name}: destroy`),
      outputs: async () => stack.outputs,
      workspace: { removeStack: async (removed) => void calls.push(`${removed}: stack rm`) },
    };
  };
  const automation: AutomationApi = { createOrSelectStack: async (name) => open(name), selectStack: async (name) => open(name) };
  return { automation, calls, ups };
}

/** Every file under `dir`, with its text. */
async function filesUnder(dir: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => ({ file: join(e.parentPath, e.name), text: await readFile(join(e.parentPath, e.name), 'utf8') })),
  );
}

const acme = (await readDesiredTenants(join(REPO_ROOT, 'stacks'))).tenants.find((t) => t.tenant === 'acme-sg')!;
const provisioned = (await runStackUnderMocks(join(REPO_ROOT, 'stacks', 'Pulumi.acme-sg.yaml'))).profile;

describe('reconcile through the Automation API', () => {
  it('keeps a cloud tenant’s password in its stack’s secret output: none reaches the state folder, the next step resolves it', async () => {
    expect(provisioned.password).toBeTruthy();
    const { automation, ups } = fakeAutomation({ 'acme-sg': { config: {}, outputs: { profile: { value: provisioned, secret: true } } } });
    const stateRoot = join(root, 'cloud-state');
    const migratedWith: ConnectionProfile[] = [];
    const steps = realSteps({
      workDir: REPO_ROOT,
      secretsDir: join(stateRoot, 'secrets'),
      automation,
      migrate: async (_tenant, profile) => {
        migratedWith.push(profile);
        return ['0001'];
      },
      switch: async () => 'unused',
    });
    const plan = {
      tenants: [
        {
          tenant: 'acme-sg',
          actions: [
            { kind: 'provision' as const, provider: 'aws', region: 'ap-southeast-1' },
            { kind: 'migrate' as const, pending: ['0001'] },
          ],
          notes: [],
        },
      ],
      problems: [],
    };
    const store = new StateStore(join(stateRoot, 'tenants'));
    const [outcome] = await reconcile(plan, [acme], { state: store, steps });
    expect(outcome).toMatchObject({ status: 'ok' });

    const recorded = await store.get('acme-sg');
    expect(recorded?.active.profile?.passwordRef).toBe('pulumi:acme-sg#profile');
    expect(recorded?.active.profile?.password).toBeUndefined();
    const files = await filesUnder(stateRoot);
    expect(files.map((f) => f.file)).toEqual([join(stateRoot, 'tenants', 'acme-sg.json')]);
    for (const { file, text } of files) expect(text.includes(provisioned.password!), file).toBe(false);
    // The migrate step (run after the record was read back) got the password from the stack output, in memory.
    expect(migratedWith[0]?.password).toBe(provisioned.password);
    expect(migratedWith[0]?.passwordRef).toBeUndefined();

    // The automated up runs with the policy pack (the repository's policies/ by default).
    expect(ups.map((u) => u.options.policyPacks)).toEqual([[join(REPO_ROOT, 'policies')]]);
  });

  it('refuses to provision without a policy pack rather than skip the compliance gate; --policy-pack names one', async () => {
    const { automation, ups } = fakeAutomation({ 'acme-sg': { config: {}, outputs: { profile: { value: provisioned, secret: true } } } });
    const options = { workDir: root, secretsDir: join(root, 'secrets'), automation };
    await expect(provisionWithPulumi(acme, 'acme-sg', options)).rejects.toThrow(/no policy pack under .*--policy-pack DIR/);
    expect(ups).toEqual([]);
    await provisionWithPulumi(acme, 'acme-sg', { ...options, policyPack: '/packs/byos' });
    expect(ups[0]?.options.policyPacks).toEqual(['/packs/byos']);
  });

  it('copies the tenant stack’s config to a switch target stack with its secrets, still marked secret', async () => {
    const tenantConfig: ConfigMap = {
      'byos:tenant': { value: JSON.stringify(acme.spec), secret: false },
      'byos:supabaseAccessToken': { value: 'sbp_0123456789abcdef', secret: true },
    };
    const { automation, ups } = fakeAutomation({
      'acme-sg': { config: tenantConfig, outputs: {} },
      'acme-sg--supabase-ap-southeast-1': { config: {}, outputs: { profile: { value: provisioned, secret: true } } },
    });
    await provisionWithPulumi(acme, 'acme-sg--supabase-ap-southeast-1', { workDir: REPO_ROOT, secretsDir: join(root, 'secrets'), automation });
    expect(ups).toHaveLength(1);
    expect(ups[0]?.stack).toBe('acme-sg--supabase-ap-southeast-1');
    expect(ups[0]?.config).toEqual(tenantConfig);
  });

  it('retires with an up that turns deletion protection off, then destroy, then stack rm', async () => {
    const recordedSpec = { ...acme.spec };
    const { automation, calls, ups } = fakeAutomation({ 'acme-sg': { config: {}, outputs: {} } });
    const stateRoot = join(root, 'retire-state');
    const store = new StateStore(join(stateRoot, 'tenants'));
    const profile: ConnectionProfile = { ...provisioned, password: undefined, passwordRef: 'pulumi:acme-sg#profile' };
    await store.put({
      tenant: 'acme-sg',
      spec: recordedSpec,
      specHash: 'x',
      active: { stack: 'acme-sg', provider: 'aws', region: 'ap-southeast-1', profile },
      updatedAt: new Date().toISOString(),
      history: [],
    });
    const steps = realSteps({ workDir: REPO_ROOT, secretsDir: join(stateRoot, 'secrets'), automation, migrate: async () => [], switch: async () => '' });
    const plan = {
      tenants: [{ tenant: 'acme-sg', actions: [{ kind: 'retire' as const, provider: 'aws', region: 'ap-southeast-1' }], notes: [] }],
      problems: [],
    };
    const [outcome] = await reconcile(plan, [], { state: store, steps, allowRetire: true });
    expect(outcome).toMatchObject({ status: 'ok' });
    expect(calls).toEqual(['acme-sg: set byos:tenant', 'acme-sg: up', 'acme-sg: destroy', 'acme-sg: stack rm']);
    const spec = JSON.parse(ups[0]!.config['byos:tenant']!.value);
    expect(spec).toEqual({ ...recordedSpec, deletionProtection: false });
    expect(await store.get('acme-sg')).toBeUndefined();
  });
});
