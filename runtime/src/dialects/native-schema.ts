import type { Kysely } from 'kysely';
import type { Finding } from '../contracts/finding.ts';

/**
 * The kinds of schema object a same-engine clone recreates. Neutral code reports and accepts losses by these
 * names (`--accept-loss views,triggers`), so they are the user's words, not the catalog's.
 */
export const NATIVE_KINDS = [
  'schema',
  'extension',
  'collation',
  'enum',
  'domain',
  'composite-type',
  'range-type',
  'function',
  'procedure',
  'aggregate',
  'sequence',
  'table',
  'partition',
  'foreign-table',
  'foreign-server',
  'view',
  'materialized-view',
  'default',
  'check',
  'primary-key',
  'unique',
  'exclusion-constraint',
  'foreign-key',
  'index',
  'trigger',
  'rule',
  'policy',
  'row-security',
  'cast',
  'statistics',
  'comment',
  'grant',
  'default-privileges',
  'owner',
] as const;
export type NativeKind = (typeof NATIVE_KINDS)[number];

/** Kinds whose loss takes away a tenant's isolation or access rules: accepted only when named one by one. */
export const SECURITY_KINDS: readonly NativeKind[] = ['row-security', 'policy', 'grant', 'default-privileges'];

/**
 * One schema object in its engine's own terms: the statements that create it on an empty database of the same
 * engine, as the server's catalog functions print them. The same reader on both sides of a move gives units that
 * compare equal exactly when the objects are the same, which is what schema verification checks.
 */
export interface NativeUnit {
  /** Unique within a database: kind and qualified name (routines with their argument types). */
  id: string;
  kind: NativeKind;
  /** The schema it lives in, unquoted; null for what lives in none (extensions, casts, servers, global defaults). */
  schema: string | null;
  /** Qualified name as users read it: `app.account`, `app.set_plan(bigint, app.plan)`, `app.member member_tenant`. */
  name: string;
  /** The relation the object belongs to (index, constraint, trigger, policy, default), qualified; null otherwise. */
  table: string | null;
  /**
   * `pre` runs before the rows are loaded (schemas, types, routines, tables, views); `post` after (indexes, keys,
   * triggers, policies), as pg_dump orders its sections, so triggers do not fire on copied rows and indexes are
   * built once.
   */
  section: 'pre' | 'post';
  /** Statements that create the object, in order. The role the copy connects as is written `CURRENT_USER`. */
  sql: string[];
  /** Ids of the units that must exist first. */
  deps: string[];
  /** Post-data: the relation (quoted, qualified) whose rows must be loaded first, or `*` for every table's. */
  needsRows?: string;
  /** Roles the statements name (owners, grantees, policy roles), other than the connecting role. */
  roles: string[];
}

/** A relation whose rows a clone copies: a plain table or a leaf partition. */
export interface NativeTable {
  schema: string;
  name: string;
  /** Qualified and quoted as the server quotes it: the name units and checkpoints use. */
  q: string;
  /** Columns holding stored values (generated columns are computed by the target), in ordinal order. */
  columns: string[];
  /** Primary key columns, or empty. */
  key: string[];
  /** Their types (`format_type`), so a key value read as text is bound back as that type (a composite key). */
  keyTypes: string[];
  /** Every column's type has a binary form (some extension types, such as isn's, have only text). */
  binary: boolean;
  /** The catalog's estimate of its rows (0 when never analysed), for progress. */
  estimatedRows: number;
  /** Its size on disk: large tables are loaded first (the row estimate is 0 until the table is analysed). */
  bytes: number;
  /** Id of the table's own unit. */
  unit: string;
}

/** A sequence's position: a clone sets the target's to the same after the load. */
export interface SequenceState {
  /** Qualified, quoted name. */
  name: string;
  lastValue: string;
  isCalled: boolean;
  /** Negative for a sequence that counts down. */
  increment: string;
  /** The column it numbers (`schema.table.column`, quoted), when owned by one. */
  ownedBy: string | null;
}

export interface NativeSchema {
  /** The server's version (`server_version_num`, e.g. 180004): deparsed text can differ between major versions. */
  version: number;
  /** Every object, in an order that creates each after what it needs. */
  units: NativeUnit[];
  tables: NativeTable[];
  /** Every table-like relation (tables, partitioned tables, views, foreign tables) by its plain and its quoted name. */
  relations: { schema: string; name: string; q: string }[];
  sequences: SequenceState[];
  /**
   * Objects of kinds the reader cannot recreate: reported by kind and name, never skipped silently. Two cannot be
   * accepted as losses: `rows`, a table whose rows could not be copied either; `neededBy`, objects the copy carries
   * that cannot be created without it (a column of its collation, an index with its operator class).
   */
  unsupported: UnsupportedObject[];
  /** Relations left out as BYOS's machinery (excludeTables that exist here), so a caller can say so. */
  excluded: string[];
}

export interface UnsupportedObject {
  kind: string;
  name: string;
  /** The schema it lives in, unquoted; null for what lives in none (an event trigger, a language). */
  schema: string | null;
  rows?: boolean;
  neededBy?: string[];
}

/** A detail of an object the neutral model carries only in part, by the kind the user accepts its loss by. */
export interface NeutralDetailLoss {
  kind: string;
  subject: string;
  message: string;
}

export interface NativeReadOptions {
  /** Relations (qualified, quoted) that are BYOS's machinery, left out with what belongs to them. */
  excludeTables?: readonly string[];
  /** Functions (qualified signatures, `public.byos_capture()`) that are BYOS's machinery too. */
  excludeRoutines?: readonly string[];
  /** Trigger names that are BYOS's machinery. */
  excludeTriggers?: readonly string[];
  /** Read each sequence's position (default true); a schema read alone does not need them. */
  positions?: boolean;
}

/**
 * Runs one statement in the transaction a clone has open; rejects naming the object, the server's own error as its
 * `cause` (whose `code` says what went wrong).
 */
export type RunStatement = (statement: string) => Promise<void>;

/** What a same-engine clone needs from a dialect that can read its own schema in full (Postgres). */
export interface NativeSchemaDialect {
  /**
   * Reads every user object. `exclude` names relations and routines that are BYOS's own machinery (change capture,
   * copy checkpoints) and must not travel as if they were the tenant's.
   */
  read(db: Kysely<any>, options?: NativeReadOptions): Promise<NativeSchema>;
  /** The roles and extensions the units need that the target lacks. */
  missing(db: Kysely<any>, schema: NativeSchema): Promise<{ roles: string[]; extensions: string[] }>;
  /**
   * Statements creating roles without login (the user's explicit choice), so grants and policies naming them can be
   * kept; run in the pre-data transaction, so a copy that fails leaves no role behind.
   */
  createRoleStatements(roles: readonly string[]): string[];
  /**
   * Creates the pre-data units (and `roles`) in the clone's open transaction, with whatever settings and care the
   * engine needs (Postgres: the new database's own public schema replaced by the source's). Returns warnings for
   * what it had to leave as the target had it.
   */
  createPreData(run: RunStatement, schema: NativeSchema, roles: readonly string[]): Promise<Finding[]>;
  /** Creates one post-data unit in the clone's open transaction. */
  createUnit(run: RunStatement, unit: NativeUnit): Promise<void>;
  /** True for what every new, empty database already has (a target holding only these is empty). */
  isNewDatabaseObject(unit: NativeUnit): boolean;
  /** Statements that finish a clone: the default schema dropped when the source had none. */
  finishStatements(schema: NativeSchema): string[];
  /**
   * What a copy through the neutral model loses of the objects on `copied` relations (units' `table`) that the
   * neutral model keeps only in part: an index method, a deferrable key, a collation…
   */
  neutralDetailLosses(units: readonly NativeUnit[], copied: (relation: string) => boolean): NeutralDetailLoss[];
  /** The kinds of object `read` may list as `unsupported`: a loss of one may be accepted by that name. */
  notRecreatedKinds: readonly string[];
  /** What gathers a copied table's planner statistics once it is loaded. */
  statisticsStatements(table: NativeTable): string[];
  /** Current values of the given sequences. */
  readSequences(db: Kysely<any>, names: readonly string[]): Promise<SequenceState[]>;
  /** Sets sequences to the given positions. */
  setSequences(db: Kysely<any>, states: readonly SequenceState[]): Promise<void>;
  /**
   * Deparses view bodies read on a server of another major version the way this server prints them (each is
   * created as a temporary view, read back, and rolled back), so definitions compare across versions.
   */
  redeparseViews(db: Kysely<any>, bodies: readonly string[]): Promise<string[]>;
  /** Sequences owned by a column whose next value would collide with a value already in the column. */
  sequencesBehind(db: Kysely<any>): Promise<{ sequence: string; column: string; value: string; max: string }[]>;
}
