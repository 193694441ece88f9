import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectionProfile } from '../../src/contracts/connection-profile.ts';
import { JURISDICTIONS } from '../../src/contracts/jurisdictions.ts';
import { PROVIDERS, TenantSpec } from '../../src/contracts/tenant-spec.ts';
import { allowedRegions, normalizeRegion, RESIDENCY } from '../../src/guard/residency/regions.ts';
import { kitCode } from '../../src/kit/index.ts';
import { PROVIDER_NOTES } from '../../src/kit/provider-notes.ts';
import { defineProvider, isSecretSetting, secretSetting, textSetting, type ProviderDescriptor } from '../../src/providers/descriptor.ts';
import { CUSTOMER_KEY_PROVIDERS, PROVIDER_TRAITS, providerForHost, urlDefaultProvider } from '../../src/providers/index.ts';
import { PROVIDER_DESCRIPTORS, PROVIDER_REGISTRY } from '../../src/providers/list.ts';
import { buildProviderRegistry } from '../../src/providers/registry.ts';
import { profileFromUrl } from '../../src/url.ts';

/** A provider that exists only in this test: if any table were kept outside the list, it would be missing there. */
const fakeCloud = defineProvider({
  name: 'fake-cloud',
  traits: { dialect: 'postgres', cloud: true, defaultPort: 6432, hostSuffixes: ['.db.fake-cloud.test'] },
  customerManagedKey: true,
  kitNotes: ['Fake Cloud: exists only in the registry test.'],
  regions: { SG: ['fk-sin-1'], EU: ['fk-fra-1', 'fk-ams-1'] },
  normalizeRegion: (region) => region.replace(/_/g, '-'),
  settings: z.object({ fakeCloudToken: secretSetting(), fakeCloudProject: textSetting() }),
  offline: {
    resources: { 'fake-cloud:index:Database': (name) => ({ id: `${name}-id`, outputs: { host: `${name}.db.fake-cloud.test` } }) },
    invokes: { 'fake-cloud:index:whoAmI': () => ({ account: 'offline' }) },
    config: { fakeCloudToken: 'fake_offline_token' },
  },
});

describe('the provider registries are built from the descriptor list', () => {
  it('every descriptor appears, in list order, in PROVIDERS and the contracts', () => {
    expect(PROVIDERS).toEqual(PROVIDER_DESCRIPTORS.map((d) => d.name));
    for (const d of PROVIDER_DESCRIPTORS) {
      expect(TenantSpec.safeParse({ tenant: 'acme-one', provider: d.name, region: 'x' }).success, d.name).toBe(true);
      expect(ConnectionProfile.safeParse({ provider: d.name, dialect: d.traits.dialect, database: 'app' }).success, d.name).toBe(true);
    }
    expect(TenantSpec.safeParse({ tenant: 'acme-one', provider: 'fake-cloud', region: 'x' }).success).toBe(false);
  });

  it('traits, kit notes, customer keys, host recognition and URL defaults are the descriptors own', () => {
    for (const d of PROVIDER_DESCRIPTORS) {
      expect(PROVIDER_TRAITS[d.name]).toBe(d.traits);
      expect(PROVIDER_NOTES[d.name]).toBe(d.kitNotes);
      expect(CUSTOMER_KEY_PROVIDERS.includes(d.name)).toBe(d.customerManagedKey);
      for (const suffix of d.traits.hostSuffixes) expect(providerForHost(`db1${suffix.toUpperCase()}`)).toBe(d.name);
      if (d.urlDefaultFor) expect(urlDefaultProvider(d.urlDefaultFor)).toBe(d.name);
    }
    expect(Object.keys(PROVIDER_TRAITS)).toEqual([...PROVIDERS]);
    expect(Object.keys(PROVIDER_NOTES)).toEqual([...PROVIDERS]);
    // The kit prints the notes of the profile's provider.
    const neon = PROVIDER_DESCRIPTORS.find((d) => d.name === 'neon')!;
    expect(
      kitCode(ConnectionProfile.parse({ provider: 'neon', dialect: 'postgres', host: 'ep-1.neon.tech', database: 'app', user: 'app' }), { lang: 'ts' }),
    ).toContain(neon.kitNotes[0]!);
  });

  it('URLs take their default provider and host recognition from the descriptors', () => {
    expect(profileFromUrl('mssql://u:p@sql.example.com/db').provider).toBe(urlDefaultProvider('mssql'));
    expect(profileFromUrl('postgres://u:p@db.example.com/db').provider).toBe(urlDefaultProvider('postgres'));
    expect(profileFromUrl('sqlite:./t.sqlite').provider).toBe(urlDefaultProvider('sqlite'));
    expect(profileFromUrl('postgres://u:p@x.abc.supabase.co/db').provider).toBe('supabase');
    // Plaintext by default only for a non-cloud provider on loopback.
    expect(profileFromUrl('postgres://u:p@127.0.0.1/db').tls?.mode).toBe('disable');
    expect(profileFromUrl('postgres://u:p@127.0.0.1/db?provider=aws').tls?.mode).toBe('verify-full');
  });

  it('the residency table holds every descriptor under every jurisdiction, with its own normalisation', () => {
    expect(Object.keys(RESIDENCY)).toEqual([...JURISDICTIONS]);
    for (const d of PROVIDER_DESCRIPTORS) {
      for (const j of JURISDICTIONS) expect(allowedRegions(d.name, j), `${d.name} ${j}`).toEqual(d.regions[j] ?? []);
      expect(normalizeRegion(d.name, '  Some Region ')).toBe(d.normalizeRegion ? d.normalizeRegion('some region') : 'some region');
    }
    expect(normalizeRegion('azure-sql', 'West Europe')).toBe('westeurope');
  });

  it('the offline answers are every descriptor’s, merged', () => {
    const { offline } = PROVIDER_REGISTRY;
    for (const d of PROVIDER_DESCRIPTORS) {
      for (const [type, answer] of Object.entries(d.offline.resources ?? {})) expect(offline.resources[type], type).toBe(answer);
      for (const [token, answer] of Object.entries(d.offline.invokes ?? {})) expect(offline.invokes[token], token).toBe(answer);
      for (const [key, value] of Object.entries(d.offline.config ?? {})) expect(offline.config[`byos:${key}`]).toBe(value);
    }
    const secrets = PROVIDER_DESCRIPTORS.flatMap((d) =>
      Object.entries(d.settings.shape)
        .filter(([, field]) => isSecretSetting(field))
        .map(([key]) => `byos:${key}`),
    );
    expect([...offline.secretConfigKeys].sort()).toEqual([...new Set(secrets)].sort());
    expect(offline.secretConfigKeys).toEqual(expect.arrayContaining(['byos:neonApiKey', 'byos:supabaseAccessToken']));
  });
});

describe('a new descriptor flows through every registry', () => {
  const registry = buildProviderRegistry([...PROVIDER_DESCRIPTORS, fakeCloud]);

  it('by adding it to the list and nothing else', () => {
    expect(registry.names).toEqual([...PROVIDERS, 'fake-cloud']);
    expect(registry.descriptor('fake-cloud')).toBe(fakeCloud);
    expect(registry.traits['fake-cloud']).toBe(fakeCloud.traits);
    expect(registry.kitNotes['fake-cloud']).toEqual(['Fake Cloud: exists only in the registry test.']);
    expect(registry.customerKeyProviders).toContain('fake-cloud');
    expect(registry.providerForHost('main.DB.fake-cloud.test')).toBe('fake-cloud');
    expect(registry.urlDefault('postgres')).toBe('local-postgres');
    expect(registry.residency.EU['fake-cloud']).toEqual(['fk-fra-1', 'fk-ams-1']);
    expect(registry.residency.US['fake-cloud']).toEqual([]);
    expect(registry.normalizeRegion('fake-cloud', ' FK_SIN_1 ')).toBe('fk-sin-1');
    for (const j of JURISDICTIONS) expect(Object.keys(registry.residency[j])).toEqual([...PROVIDERS, 'fake-cloud']);
    expect(registry.offline.resources['fake-cloud:index:Database']!('main', {})).toEqual({ id: 'main-id', outputs: { host: 'main.db.fake-cloud.test' } });
    expect(registry.offline.invokes['fake-cloud:index:whoAmI']!({})).toEqual({ account: 'offline' });
    expect(registry.offline.config['byos:fakeCloudToken']).toBe('fake_offline_token');
    expect(registry.offline.secretConfigKeys).toContain('byos:fakeCloudToken');
    expect(registry.offline.secretConfigKeys).not.toContain('byos:fakeCloudProject');
  });

  it('while the real registry stays without it', () => {
    expect(PROVIDER_REGISTRY.names).not.toContain('fake-cloud');
    expect(PROVIDER_REGISTRY.offline.resources['fake-cloud:index:Database']).toBeUndefined();
    expect(() => PROVIDER_REGISTRY.descriptor('fake-cloud' as never)).toThrow(/unknown provider "fake-cloud" \(one of aws, /);
  });
});

describe('a list two tables would disagree on is refused, naming the clash', () => {
  const variant = (changes: Partial<ProviderDescriptor>): ProviderDescriptor => ({ ...fakeCloud, ...changes }) as ProviderDescriptor;

  it.each([
    ['a name listed twice', [fakeCloud, fakeCloud], /both claim the name fake-cloud/],
    [
      'a host suffix claimed twice',
      [variant({ traits: { ...fakeCloud.traits, hostSuffixes: ['.neon.tech'] } })],
      /neon and fake-cloud both claim the host suffix \.neon\.tech/,
    ],
    ['two URL defaults for a dialect', [variant({ urlDefaultFor: 'mssql' })], /azure-sql and fake-cloud both claim the default provider of mssql URLs/],
    [
      'a region not spelled lower case',
      [variant({ regions: { SG: ['FK-SIN-1'] } })],
      /fake-cloud: region "FK-SIN-1" \(SG\) must be spelled trimmed and lower case/,
    ],
    [
      'a resource type answered differently',
      [variant({ offline: { resources: { 'aws:kms/key:Key': () => ({ id: 'x', outputs: {} }) } } })],
      /fake-cloud answers the resource type aws:kms\/key:Key offline, which another provider answers differently/,
    ],
    [
      'placeholder config for a setting it does not have',
      [variant({ offline: { config: { neonApiKey: 'x' } } })],
      /fake-cloud: offline config neonApiKey is not one of its settings/,
    ],
    [
      'a setting key defined differently',
      [variant({ settings: z.object({ awsVpcId: z.string().optional() }), offline: {} })],
      /aws and fake-cloud both define the setting awsVpcId, differently/,
    ],
  ])('%s', (_what, extra, message) => {
    expect(() => buildProviderRegistry([...PROVIDER_DESCRIPTORS, ...extra])).toThrow(message);
  });
});
