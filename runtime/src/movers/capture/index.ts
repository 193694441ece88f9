import type { TenantDb } from '../../connect.ts';
import { introspect } from '../../connect.ts';
import type { CaptureTable } from '../../dialects/change-capture.ts';
import { captureTables } from './tables.ts';

export { captureName, captureTables, isInternalTable } from './tables.ts';
export { replayBatch, replayChanges, decodeKey, type AppliedKey, type ReplayOptions, type ReplayResult } from './replay.ts';
export { CHANGE_TABLE, type CaptureTable, type CapturedChange, type CaptureDialect, type KeyedWrite } from '../../dialects/change-capture.ts';

type Tenant = Pick<TenantDb, 'dialect' | 'db' | 'native'>;

/**
 * Turns change capture on for the tenant's tables (every schema's where the dialect can, or `tables`). Refuses, naming them,
 * tables without a primary key. Idempotent: running it again re-creates the same triggers.
 */
export async function startCapture(tenant: Tenant, tables?: readonly string[]): Promise<CaptureTable[]> {
  const capture = tenant.dialect.capture;
  const chosen = captureTables(await introspect(tenant), tables, { schemas: capture.schemas });
  await capture.install(tenant, chosen);
  return chosen;
}

/** Turns capture off: drops every capture trigger and the change table. Any change still waiting is discarded. */
export async function stopCapture(tenant: Tenant): Promise<void> {
  const capture = tenant.dialect.capture;
  await capture.uninstall(tenant, await capture.installed(tenant), { dropTable: true });
}

/** Changes waiting in the tenant's change table. */
export async function captureLag(tenant: Tenant): Promise<number> {
  return tenant.dialect.capture.pending(tenant);
}
