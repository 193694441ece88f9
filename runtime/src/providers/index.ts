import type { z } from 'zod';
import type { ConnectionProfile, DialectName } from '../contracts/connection-profile.ts';
import type { ProviderName } from '../contracts/tenant-spec.ts';
import type { ProviderTraits } from './descriptor.ts';
import { PROVIDER_DESCRIPTORS, PROVIDER_REGISTRY, type ProviderDescriptors } from './list.ts';

// Every table here is built from the descriptor list (list.ts); Pulumi resources for each provider live in pulumi/providers/.

export type {
  PreparedProfile,
  ProviderDescriptor,
  ProviderOffline,
  ProviderTraits,
  OfflineResource,
  OfflineValues,
  SecretSetting,
  SettingsSchema,
} from './descriptor.ts';
export { defineProvider, isSecretSetting, jsonSetting, portSetting, secretSetting, textSetting } from './descriptor.ts';
export { buildProviderRegistry, SETTINGS_NAMESPACE, type OfflineAnswers, type ProviderRegistry } from './registry.ts';
export { PROVIDER_DESCRIPTORS, PROVIDER_REGISTRY };

/** The descriptor of one provider, typed by its name. */
export type ProviderDescriptorOf<N extends ProviderName> = Extract<ProviderDescriptors, { name: N }>;

/** A provider's stack settings as its schema parses them (secret ones typed SecretSetting; the Pulumi side reads those as secrets). */
export type ProviderSettingValues<N extends ProviderName> = z.output<ProviderDescriptorOf<N>['settings']>;

export function providerDescriptor<N extends ProviderName>(name: N): ProviderDescriptorOf<N> {
  return PROVIDER_REGISTRY.descriptor(name);
}

export const PROVIDER_TRAITS: Readonly<Record<ProviderName, ProviderTraits>> = PROVIDER_REGISTRY.traits;

/** The provider a host name belongs to, when its suffix says so. */
export function providerForHost(host: string): ProviderName | undefined {
  return PROVIDER_REGISTRY.providerForHost(host);
}

/** The provider a URL of `dialect` means when neither `?provider=` nor its host names one. */
export function urlDefaultProvider(dialect: DialectName): ProviderName | undefined {
  return PROVIDER_REGISTRY.urlDefault(dialect);
}

/** Providers that can encrypt storage with a key the tenant controls (KMS, Key Vault, Cloud KMS). */
export const CUSTOMER_KEY_PROVIDERS: readonly ProviderName[] = PROVIDER_REGISTRY.customerKeyProviders;

/** A database reached as a file (SQLite) rather than over the network: its provider has no port. */
export function isFileDatabase(profile: Pick<ConnectionProfile, 'provider'>): boolean {
  return PROVIDER_TRAITS[profile.provider].defaultPort === undefined;
}
