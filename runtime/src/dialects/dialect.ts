import type { Kysely } from 'kysely';
import type { CaptureDialect } from './change-capture.ts';
import type { ConnectionProfile, DialectName } from '../contracts/connection-profile.ts';
import type { SchemaModel } from '../contracts/schema-model.ts';
import type { AuditDialect } from './audit-dialect.ts';
import type { BulkDialect } from './bulk-load.ts';
import type { BackupDialect } from './backup.ts';
import type { SamplingDialect } from './sampling.ts';
import type { CopySupport } from './copy-support.ts';
import type { MigrationDialect } from './migration-dialect.ts';
import type { NativeSchemaDialect } from './native-schema.ts';
import type { FenceDialect } from './fence.ts';

export interface IntrospectOptions {
  /**
   * `false`: SchemaModel.objects may be left empty (functions, triggers, policies… with their definitions). Reading
   * them is most of an introspection on Postgres (~20 ms of ~35 on an empty database); a caller that only looks at
   * tables, columns, keys and indexes (a copy planning its target) skips it.
   */
  objects?: boolean;
}

/** What a database can do; neutral code asks these instead of checking the dialect's name. */
export interface DialectCapabilities {
  /** DDL runs inside a transaction and rolls back with it. */
  transactionalDdl: boolean;
  /** INSERT/UPDATE/DELETE ... RETURNING (or OUTPUT). */
  returning: boolean;
  /** Named schemas (namespaces) beyond the default one. */
  schemas: boolean;
  /** Native enum types. */
  enums: boolean;
  /** Indexes can be built without blocking writes. */
  concurrentIndexes: boolean;
}

/** A connected database, as the dialect's driver opened it. */
export interface OpenedDatabase {
  db: Kysely<any>;
  /**
   * The driver's own handle, for dialect code that needs what Kysely does not expose (COPY, bulk insert, backup):
   * postgres a `pg.Pool`, sqlite a `better-sqlite3` Database, mssql a `MssqlNativeHandle` (dialects/mssql/driver.ts).
   * Only code inside that dialect's folder may look inside it.
   */
  native: unknown;
  /** Closes the pool (and stops anything the dialect started for it, such as an embedded server). */
  close(): Promise<void>;
}

/** Provider-specific connection behaviour the dialect's driver must honour (see providers/). */
export interface ConnectionQuirks {
  /** A cloud provider: TLS is mandatory and a plaintext profile is refused. */
  requiresTls: boolean;
  /** Port used when the profile gives none. */
  defaultPort?: number;
  /**
   * A database file that does not exist yet may be created (SQLite). False: opening one that is not there fails with
   * an InputError (not-found) and creates nothing. Servers ignore it.
   */
  create?: boolean;
}

/**
 * Everything one database needs, behind one small interface (Kysely's dialect pattern). Each dialect lives in its
 * own folder under dialects/; nothing outside that folder knows its driver or its SQL.
 */
export interface Dialect {
  readonly name: DialectName;
  readonly capabilities: DialectCapabilities;
  /** The schema unqualified names resolve to (`public`, `dbo`, `main`). */
  readonly defaultSchema: string;
  /** Opens a pooled connection. The password is already resolved into `profile.password`. */
  open(profile: ConnectionProfile, quirks: ConnectionQuirks): Promise<OpenedDatabase>;
  /**
   * Files that opening this profile would create because they do not exist yet (a new SQLite database and its WAL
   * files): a command that ends up writing nothing removes them again. Absent for servers.
   */
  filesCreatedByOpening?(profile: ConnectionProfile): string[];
  /** Reads the live schema into a SchemaModel, sorted deterministically. */
  introspect(db: Kysely<any>, options?: IntrospectOptions): Promise<SchemaModel>;
  /** Reads a spread-out sample of a table's rows (PII scan). */
  readonly sampling: SamplingDialect;
  /** Dump, restore into a scratch database and per-table checksums (`byos backup verify`); absent without such tools. */
  readonly backup?: BackupDialect;
  /** Bulk loading in one transaction, and streamed reads (dialects/<name>/bulk-load.ts). */
  readonly bulk: BulkDialect;
  /** Trigger change capture and keyed replay for online switching (dialects/<name>/capture.ts). */
  readonly capture: CaptureDialect;
  /** Raw keyset reads, type storage and identity reset for copies between databases (dialects/<name>/copy-support.ts). */
  readonly copy: CopySupport;
  /** Portable migration ops compiled to this dialect's DDL, its migration lock and lock timeout (dialects/<name>/migrate/). */
  readonly migrations: MigrationDialect;
  /** A write fence at the database that refuses every other process's writes during a switch's cutover (dialects/<name>/fence.ts). */
  readonly fence?: FenceDialect;
  /** Staging table, hash-chain table and row-change triggers for the audit trail (dialects/<name>/audit.ts). */
  readonly audit: AuditDialect;
  /** Reads the whole schema in the engine's own terms, for lossless same-engine copies and verification (dialects/<name>/native/). */
  readonly native?: NativeSchemaDialect;
}
