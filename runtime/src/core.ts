/**
 * Connecting to a tenant database and reading its schema, without the movers, guard, migrations, router and switch
 * that the package root also loads: for short-lived processes that start often (a CLI command), which then pay
 * for Kysely, zod and the one dialect they open, not the whole runtime. Everything here is in the root too.
 */
export { connect, introspect, ConnectionError, type ConnectOptions, type TenantDb } from './connect.ts';
export { ConnectionProfile, parseConnectionProfile } from './contracts/connection-profile.ts';
export type { SchemaModel } from './contracts/schema-model.ts';
export { profileFromUrl } from './url.ts';
export { InputError, readDocumentFile } from './util/document-file.ts';
export { loadOptionalPeer, OptionalPeerMissingError } from './util/optional-peer.ts';
export { describeNeutralType } from './schema/neutral.ts';
export { findTable, formatColumnName, formatTableName, parseTableName, TableNameError, type TableRef } from './schema/table-names.ts';
