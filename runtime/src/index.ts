export * from './contracts/index.ts';
export { connect, introspect, assertProfileAllowed, resolvePassword, type TenantDb } from './connect.ts';
export { neutralSchema, diffNeutral, snakeCase, describeNeutralType, type NeutralSchema, type NeutralOptions } from './schema/neutral.ts';
export { kitCode, kitEnvFile, kitEnvironment, type KitOptions } from './kit/index.ts';
export { sql } from 'kysely';
export { profileFromUrl } from './url.ts';
export { redactUrl, redactText, redactError, RedactedError } from './redact.ts';
export { PROVIDER_TRAITS, providerForHost, type ProviderTraits } from './providers/index.ts';
export type { Dialect, DialectCapabilities } from './dialects/index.ts';
