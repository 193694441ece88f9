import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { PROVIDER_DESCRIPTORS, PROVIDERS, isSecretSetting } from '@byos/runtime';
import { mockInvoke, mockResourceOutputs } from '../../pulumi/components/mock-outputs.ts';
import { readSettingsWith } from '../../pulumi/components/program.ts';
import { PROVIDER_MODULE_LIST, PROVIDER_MODULES, modulesByProvider } from '../../pulumi/providers/index.ts';
import type { ProviderModule } from '../../pulumi/providers/types.ts';

/** The Pulumi side of "one place per provider": its module list, and everything else taken from the descriptors. */

const fakeModule = { provider: 'fake-cloud', createDatabase: () => ({ connection: pulumi.output({ database: 'x' }) }) } as unknown as ProviderModule;

describe('Pulumi provider modules', () => {
  it('one per descriptor, keyed by the provider it declares', () => {
    expect(Object.keys(PROVIDER_MODULES)).toEqual([...PROVIDERS]);
    expect(PROVIDER_MODULE_LIST).toHaveLength(PROVIDERS.length);
    for (const name of PROVIDERS) expect(PROVIDER_MODULES[name].provider).toBe(name);
  });

  it('a descriptor without a module, a module without a descriptor, or a module listed twice is refused at load', () => {
    expect(() => modulesByProvider(PROVIDER_MODULE_LIST, [...PROVIDERS, 'fake-cloud'])).toThrow(
      'no Pulumi module for provider fake-cloud: add it to the list in pulumi/providers/index.ts',
    );
    expect(() => modulesByProvider([...PROVIDER_MODULE_LIST, fakeModule], PROVIDERS)).toThrow(
      /fake-cloud has no descriptor in runtime\/src\/providers\/list\.ts/,
    );
    expect(() => modulesByProvider([...PROVIDER_MODULE_LIST, PROVIDER_MODULES.neon], PROVIDERS)).toThrow(/provider neon has two Pulumi modules/);
    expect(Object.keys(modulesByProvider([...PROVIDER_MODULE_LIST, fakeModule], [...PROVIDERS, 'fake-cloud']))).toEqual([...PROVIDERS, 'fake-cloud']);
  });
});

describe('settings come from the descriptor schema', () => {
  it('a new schema is read by the same code: plain keys parsed, secret keys kept secret, other keys ignored', async () => {
    const neon = PROVIDER_DESCRIPTORS.find((d) => d.name === 'neon')!;
    const localPostgres = PROVIDER_DESCRIPTORS.find((d) => d.name === 'local-postgres')!;
    expect(isSecretSetting(neon.settings.shape.neonApiKey)).toBe(true);
    // A schema no provider has: Neon's keys plus a port field of another name.
    const schema = neon.settings.extend({ fakeCloudPort: localPostgres.settings.shape.localPostgresPort });
    pulumi.runtime.setAllConfig({ 'byos:neonApiKey': 'tok-1', 'byos:fakeCloudPort': '3', 'byos:awsVpcId': 'vpc-1' }, ['byos:neonApiKey']);
    const settings = readSettingsWith(schema, new pulumi.Config('byos'));
    expect(Object.keys(settings).sort()).toEqual(['fakeCloudPort', 'neonApiKey']);
    expect(settings.fakeCloudPort).toBe(3);
    expect(await pulumi.isSecret(settings.neonApiKey as pulumi.Output<string>)).toBe(true);
    pulumi.runtime.setAllConfig({ 'byos:fakeCloudPort': '0' }, []);
    expect(() => readSettingsWith(schema, new pulumi.Config('byos'))).toThrow(
      'stack config byos:fakeCloudPort: must be a port number from 1 to 65535, got "0"',
    );
  });
});

describe("the mock runtime answers with the descriptors' offline data", () => {
  it('every resource type and invoke a descriptor answers', () => {
    const inputs = { region: 'eu-west-1', location: 'westeurope', name: 'n1', serverName: 's1', regionId: 'aws-eu-central-1' };
    let answered = 0;
    for (const d of PROVIDER_DESCRIPTORS) {
      for (const [type, answer] of Object.entries(d.offline.resources ?? {})) {
        expect(mockResourceOutputs(type, 'res', inputs), type).toEqual(answer('res', inputs));
        answered++;
      }
      for (const [token, answer] of Object.entries(d.offline.invokes ?? {})) expect(mockInvoke(token, inputs), token).toEqual(answer(inputs));
    }
    expect(answered).toBeGreaterThan(15);
    expect(() => mockInvoke('fake-cloud:index:whoAmI', {})).toThrow(/no offline answer for invoke fake-cloud:index:whoAmI/);
  });
});

describe('no provider table outside the descriptors', () => {
  // Provider-specific code belongs in the descriptor (runtime) or the provider's module (pulumi/providers/<name>.ts);
  // the shared code may not spell a provider's name, or it would be a ninth place to edit for a new provider.
  const SHARED = ['runtime/src', 'pulumi/components', 'pulumi/operator', 'policies'];
  const ALLOWED = ['runtime/src/providers/descriptors/'];

  it('runtime, Pulumi components, operator and policies never spell a provider name as a string', async () => {
    const names = new RegExp(`['"](${PROVIDERS.map((p) => p.replace(/-/g, '\\-')).join('|')})['"]`);
    const offenders: string[] = [];
    for (const root of SHARED) {
      for (const file of await tsFiles(root)) {
        if (ALLOWED.some((prefix) => file.startsWith(prefix))) continue;
        const lines = (await readFile(file, 'utf8')).split('\n');
        lines.forEach((line, index) => {
          if (names.test(line) && !/^\s*(\*|\/\/)/.test(line)) offenders.push(`${file}:${index + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });
});

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') out.push(...(await tsFiles(path)));
    } else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}
