import type { Kysely } from 'kysely';
import type { SampleTarget } from './sampling.ts';

/** The tenant as the backup side needs it: Kysely, the driver's handle, the profile's TLS settings. */
export interface BackupSource {
  db: Kysely<any>;
  native: unknown;
  profile: { tls?: { mode: string; ca?: string; caFile?: string } };
}

/** The dump and restore tools found for a server, checked against its version. */
export interface BackupTools {
  dump: string;
  restore: string;
  /** Major version of the tools and of the server (`15`, `18`). */
  toolMajor: number;
  serverMajor: number;
}

/** A database restored from a dump, open, to be dropped after the comparison. */
export interface ScratchRestore {
  db: Kysely<any>;
  /** Its name on the server. */
  name: string;
  /** Errors the restore tool reported (it carries on past them), secrets removed. */
  errors: string[];
  /**
   * Why the scratch database could not be opened for the comparison (secrets removed), when it could not: the
   * tables are then not compared, and the finding is about the connection, not about missing tables.
   */
  connectionError?: string;
  /** Closes the connection and drops the scratch database. */
  drop(): Promise<void>;
}

/** Row count and content checksum of one table; `error` when it could not be read (missing after restore). */
export interface TableChecksum {
  rows: number;
  checksum: string;
  error?: string;
}

/**
 * Logical backup round trip (`byos backup verify`), for dialects with dump/restore tools (Postgres: pg_dump and
 * pg_restore). Absent on dialects without them.
 */
export interface BackupDialect {
  /** Finds the tools (`binDir`, else BYOS_PG_BIN-style environment, else PATH) and refuses ones too old for the server. */
  tools(source: BackupSource, binDir?: string): Promise<BackupTools>;
  /** Dumps the whole database into `file`. */
  dump(source: BackupSource, tools: BackupTools, file: string): Promise<void>;
  /** Creates a scratch database on the same server and restores `file` into it, carrying on past errors. */
  restore(source: BackupSource, tools: BackupTools, file: string): Promise<ScratchRestore>;
  /** Row count and an order-independent content checksum per table (same server, so one text form serves both sides). */
  checksum(db: Kysely<any>, table: SampleTarget): Promise<TableChecksum>;
}
