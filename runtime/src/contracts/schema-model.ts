import { z } from 'zod';
import { DIALECTS } from './connection-profile.ts';

/** Dialect-neutral column types. Every dialect maps its native types onto these. */
export const NEUTRAL_KINDS = [
  'boolean',
  'smallint',
  'integer',
  'bigint',
  'decimal',
  'real',
  'double',
  'money',
  'char',
  'varchar',
  'text',
  'uuid',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'interval',
  'json',
  'binary',
  'enum',
  'array',
  'xml',
  'network',
  'unknown',
] as const;
export type NeutralKind = (typeof NEUTRAL_KINDS)[number];

export interface NeutralType {
  kind: NeutralKind;
  /** char/varchar/binary length; absent when unbounded. */
  length?: number;
  /** decimal precision and scale; time precision in `precision`. */
  precision?: number;
  scale?: number;
  /** `enum`: the enum's name (schema-qualified outside the default schema). */
  enumName?: string;
  /** `array`: the element type. */
  element?: NeutralType;
  /** Set when the column is declared with a domain (Postgres); the kind is the domain's base type. */
  domain?: string;
}
export const NeutralType: z.ZodType<NeutralType> = z.lazy(() =>
  z
    .object({
      kind: z.enum(NEUTRAL_KINDS),
      length: z.number().int().optional(),
      precision: z.number().int().optional(),
      scale: z.number().int().optional(),
      enumName: z.string().optional(),
      element: NeutralType.optional(),
      domain: z.string().optional(),
    })
    .strict(),
);

export const Column = z
  .object({
    name: z.string(),
    type: NeutralType,
    /** The type as the database spells it: `character varying(40)`, `NVARCHAR(160)`, `INTEGER`. */
    nativeType: z.string(),
    nullable: z.boolean(),
    /** Default expression as the database reports it, or null. */
    default: z.string().nullable(),
    /** Identity / auto-increment: `always` (GENERATED ALWAYS AS IDENTITY), `by-default` (BY DEFAULT, serial, SQLite rowid alias AUTOINCREMENT, SQL Server IDENTITY). */
    identity: z.enum(['always', 'by-default']).nullable(),
    /** Computed column. */
    generated: z
      .object({ kind: z.enum(['stored', 'virtual']), expression: z.string() })
      .strict()
      .nullable(),
    comment: z.string().nullable(),
  })
  .strict();
export type Column = z.output<typeof Column>;

export const REFERENTIAL_ACTIONS = ['no action', 'restrict', 'cascade', 'set null', 'set default'] as const;

export const ForeignKey = z
  .object({
    name: z.string().nullable(),
    columns: z.array(z.string()),
    referencedSchema: z.string(),
    referencedTable: z.string(),
    referencedColumns: z.array(z.string()),
    onDelete: z.enum(REFERENTIAL_ACTIONS),
    onUpdate: z.enum(REFERENTIAL_ACTIONS),
  })
  .strict();
export type ForeignKey = z.output<typeof ForeignKey>;

export const Index = z
  .object({
    name: z.string(),
    /** Column names; an expression part appears as its SQL text wrapped in parentheses. */
    columns: z.array(z.string()),
    unique: z.boolean(),
    /** Partial index predicate, or null. */
    where: z.string().nullable(),
  })
  .strict();
export type Index = z.output<typeof Index>;

export const Table = z
  .object({
    schema: z.string(),
    name: z.string(),
    columns: z.array(Column),
    primaryKey: z
      .object({ name: z.string().nullable(), columns: z.array(z.string()) })
      .strict()
      .nullable(),
    foreignKeys: z.array(ForeignKey),
    uniques: z.array(z.object({ name: z.string().nullable(), columns: z.array(z.string()) }).strict()),
    /** Indexes other than those backing the primary key and unique constraints. */
    indexes: z.array(Index),
    checks: z.array(z.object({ name: z.string().nullable(), expression: z.string() }).strict()),
    comment: z.string().nullable(),
    /** A partitioned table's key (`RANGE (issued_on)`); its partitions are listed in SchemaModel.partitions. */
    partitionBy: z.string().nullable().default(null),
  })
  .strict();
export type Table = z.output<typeof Table>;

/**
 * A partition of a partitioned table (Postgres). The partitioned table is the one in `tables` that applications
 * query; a partition lists what is declared on it alone (its own foreign keys, indexes, checks).
 */
export const Partition = z
  .object({
    schema: z.string(),
    name: z.string(),
    parent: z.object({ schema: z.string(), name: z.string() }).strict(),
    /** `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`, or `DEFAULT`. */
    bound: z.string(),
    /** Set when the partition is partitioned in turn. */
    partitionBy: z.string().nullable(),
    foreignKeys: z.array(ForeignKey),
    indexes: z.array(Index),
    checks: z.array(z.object({ name: z.string().nullable(), expression: z.string() }).strict()),
  })
  .strict();
export type Partition = z.output<typeof Partition>;

export const Sequence = z
  .object({
    schema: z.string(),
    name: z.string(),
    /** The column it numbers (serial columns, `OWNED BY`); identity columns' own sequences are not listed. */
    ownedBy: z.object({ schema: z.string(), table: z.string(), column: z.string() }).strict().nullable(),
  })
  .strict();
export type Sequence = z.output<typeof Sequence>;

export const Extension = z.object({ name: z.string(), schema: z.string(), version: z.string() }).strict();
export type Extension = z.output<typeof Extension>;

/**
 * What has no neutral form, as a named object carrying its native definition: routines, triggers, policies,
 * row-level security, rules, grants… (dialects/native-schema.ts NATIVE_KINDS for Postgres). Names and tables are
 * qualified and quoted as the engine quotes them.
 */
export const NamedObject = z
  .object({
    kind: z.string(),
    name: z.string(),
    /** The table it belongs to (a trigger's, a policy's), or null. */
    table: z.string().nullable(),
    /** The statements that create it, in the engine's own SQL. */
    definition: z.string(),
  })
  .strict();
export type NamedObject = z.output<typeof NamedObject>;

export const View = z
  .object({
    schema: z.string(),
    name: z.string(),
    columns: z.array(Column),
    definition: z.string(),
    materialized: z.boolean(),
    comment: z.string().nullable(),
  })
  .strict();
export type View = z.output<typeof View>;

export const EnumType = z.object({ schema: z.string(), name: z.string(), values: z.array(z.string()) }).strict();
export type EnumType = z.output<typeof EnumType>;

export const Domain = z
  .object({
    schema: z.string(),
    name: z.string(),
    type: NeutralType,
    nativeType: z.string(),
    nullable: z.boolean(),
    default: z.string().nullable(),
    checks: z.array(z.object({ name: z.string().nullable(), expression: z.string() }).strict()),
  })
  .strict();
export type Domain = z.output<typeof Domain>;

/**
 * A dialect-neutral description of a live database. Everything is sorted (tables, views, enums and domains by
 * schema then name; constraints and indexes by name, then by columns); columns keep their ordinal order.
 */
export const SchemaModel = z
  .object({
    dialect: z.enum(DIALECTS),
    /** The schema unqualified names resolve to: `public`, `dbo`, `main`. */
    defaultSchema: z.string(),
    tables: z.array(Table),
    views: z.array(View),
    enums: z.array(EnumType),
    domains: z.array(Domain),
    /** Every schema of the tenant (the default one included); one for engines without schemas. */
    schemas: z.array(z.object({ name: z.string(), comment: z.string().nullable() }).strict()).default([]),
    partitions: z.array(Partition).default([]),
    sequences: z.array(Sequence).default([]),
    extensions: z.array(Extension).default([]),
    objects: z.array(NamedObject).default([]),
  })
  .strict();
export type SchemaModel = z.output<typeof SchemaModel>;

/** The parts of a model an engine without schemas, partitions, sequences, extensions or named objects leaves empty. */
export function noNativeParts(defaultSchema: string): Pick<SchemaModel, 'schemas' | 'partitions' | 'sequences' | 'extensions' | 'objects'> {
  return { schemas: [{ name: defaultSchema, comment: null }], partitions: [], sequences: [], extensions: [], objects: [] };
}
