import type { Kysely } from 'kysely';
import type { CaptureTable } from './change-capture.ts';

type Db = { db: Kysely<any>; native: unknown };

export interface FenceOptions {
  /** The tenant being moved; the refusal names it. */
  tenant: string;
  /** The tables writers must not change (the switch's captured tables). */
  tables: readonly CaptureTable[];
  /** How long raising may wait for write transactions already open in other processes. */
  timeoutMs: number;
}

/**
 * A write fence at the database itself (dialects/<name>/fence.ts): while it is up, every other connection's write to
 * the fenced tables is refused with a retryable error naming the tenant move, whichever process sends it. The
 * connection that raised it (the switch's) can still read, drain and acknowledge the change table. The cutover
 * raises it on the side it leaves before the final drain and keeps it there after the flip; a rollback or a resumed
 * switch lowers it.
 */
export interface FenceDialect {
  /**
   * Raises the fence on `tenant`'s connection. Resolves once writes already in progress elsewhere have ended and
   * new ones are refused; throws (fence down) when that takes longer than `timeoutMs`. Idempotent.
   */
  raise(tenant: Db, options: FenceOptions): Promise<void>;
  /** Makes a raised fence outlive the connection that raised it (called after the flip). */
  hold(tenant: Db): Promise<void>;
  /** Takes every fence of this database down, held or not. Idempotent. */
  lower(tenant: Db): Promise<void>;
  /** A fence is up on this database (held, or raised by this connection). */
  isRaised(tenant: Db): Promise<boolean>;
}

/** The refusal every dialect's fence gives, with the same words. */
export function fenceMessage(tenant: string): string {
  return `tenant ${tenant} is moving to another database: retry (writes are refused while the switch holds its fence)`;
}
