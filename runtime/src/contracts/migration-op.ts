import { z } from 'zod';
import { DIALECTS } from './connection-profile.ts';
import { parseContract } from './parse.ts';
import { NeutralType, REFERENTIAL_ACTIONS } from './schema-model.ts';

/**
 * A name as the user wrote it. It only ever reaches SQL as a quoted identifier, so any text is safe; the limits
 * are the engines' own (Postgres truncates past 63 bytes, which would make two names collide silently).
 */
export const Identifier = z
  .string()
  .min(1, 'a name cannot be empty')
  .refine((name) => Buffer.byteLength(name) <= 63, 'a name is at most 63 bytes (Postgres would truncate it)')
  .refine((name) => !name.includes('\u0000'), 'a name cannot contain a NUL character');

/** Text per dialect: raw SQL, a default or a USING expression that is not portable. */
export const PerDialectSql = z
  .object(Object.fromEntries(DIALECTS.map((d) => [d, z.string().min(1).optional()])) as Record<(typeof DIALECTS)[number], z.ZodOptional<z.ZodString>>)
  .strict();
export type PerDialectSql = z.output<typeof PerDialectSql>;

/**
 * A column default, portable where it can be:
 * `value` a literal (quoted by the compiler); `now` the current timestamp; `uuid` a random UUID
 * (volatile: adding a column with it rewrites the table); `sql` an expression per dialect.
 */
export const ColumnDefault = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('value'), value: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
  z.object({ kind: z.literal('now') }).strict(),
  z.object({ kind: z.literal('uuid') }).strict(),
  z.object({ kind: z.literal('sql'), sql: PerDialectSql }).strict(),
]);
export type ColumnDefault = z.output<typeof ColumnDefault>;

export const ColumnDef = z
  .object({
    name: Identifier,
    type: NeutralType,
    nullable: z.boolean().default(true),
    default: ColumnDefault.optional(),
    /** Identity / auto-increment; on SQLite only an INTEGER PRIMARY KEY can be one (the rowid). */
    identity: z.enum(['always', 'by-default']).optional(),
  })
  .strict();
export type ColumnDef = z.output<typeof ColumnDef>;
export type ColumnDefInput = z.input<typeof ColumnDef>;

const Columns = z.array(Identifier).min(1);
const ReferentialAction = z.enum(REFERENTIAL_ACTIONS).default('no action');

export const ForeignKeyDef = z
  .object({
    name: Identifier,
    columns: Columns,
    references: z.object({ table: Identifier, columns: Columns }).strict(),
    onDelete: ReferentialAction,
    onUpdate: ReferentialAction,
  })
  .strict();
export type ForeignKeyDef = z.output<typeof ForeignKeyDef>;

const NamedColumns = z.object({ name: Identifier, columns: Columns }).strict();
const NamedCheck = z.object({ name: Identifier, expression: z.string().min(1) }).strict();

/**
 * One portable schema change. Tables are named unqualified and live in the dialect's default schema
 * (`public`, `main`, `dbo`). Each op has a DDL per dialect (dialects/<d>/migrate), an inverse computed from the
 * schema before it (so `down` knows what a dropped column looked like), and risks judged by the lint rules.
 */
export const MigrationOp = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('createTable'),
      table: Identifier,
      columns: z.array(ColumnDef).min(1),
      primaryKey: NamedColumns.partial({ name: true }).optional(),
      uniques: z.array(NamedColumns).default([]),
      checks: z.array(NamedCheck).default([]),
      foreignKeys: z.array(ForeignKeyDef).default([]),
    })
    .strict(),
  z.object({ op: z.literal('dropTable'), table: Identifier }).strict(),
  z.object({ op: z.literal('renameTable'), from: Identifier, to: Identifier }).strict(),
  z.object({ op: z.literal('addColumn'), table: Identifier, column: ColumnDef }).strict(),
  z.object({ op: z.literal('dropColumn'), table: Identifier, column: Identifier }).strict(),
  z.object({ op: z.literal('renameColumn'), table: Identifier, from: Identifier, to: Identifier }).strict(),
  z
    .object({
      op: z.literal('alterColumnType'),
      table: Identifier,
      column: Identifier,
      type: NeutralType,
      /** How to convert existing values where a plain cast will not do (Postgres `USING`). */
      using: PerDialectSql.optional(),
    })
    .strict(),
  z.object({ op: z.literal('setNullable'), table: Identifier, column: Identifier, nullable: z.boolean() }).strict(),
  /** `default: null` drops the default. */
  z.object({ op: z.literal('setDefault'), table: Identifier, column: Identifier, default: ColumnDefault.nullable() }).strict(),
  z
    .object({
      op: z.literal('createIndex'),
      table: Identifier,
      name: Identifier,
      columns: Columns,
      unique: z.boolean().default(false),
      /** Partial index predicate, SQL text (Postgres, SQLite, SQL Server filtered indexes). */
      where: z.string().min(1).optional(),
    })
    .strict(),
  z.object({ op: z.literal('dropIndex'), table: Identifier, name: Identifier }).strict(),
  z.object({ op: z.literal('addForeignKey'), table: Identifier, foreignKey: ForeignKeyDef }).strict(),
  z.object({ op: z.literal('dropForeignKey'), table: Identifier, name: Identifier }).strict(),
  z.object({ op: z.literal('addCheck'), table: Identifier, check: NamedCheck }).strict(),
  z.object({ op: z.literal('dropCheck'), table: Identifier, name: Identifier }).strict(),
  z.object({ op: z.literal('addUnique'), table: Identifier, unique: NamedColumns }).strict(),
  z.object({ op: z.literal('dropUnique'), table: Identifier, name: Identifier }).strict(),
  /** A native enum on Postgres; elsewhere columns of this enum become text with a CHECK on the values. */
  z.object({ op: z.literal('createEnum'), name: Identifier, values: z.array(z.string()).min(1) }).strict(),
  z.object({ op: z.literal('dropEnum'), name: Identifier }).strict(),
  z
    .object({
      op: z.literal('addEnumValue'),
      enum: Identifier,
      value: z.string(),
      /** Position; appended when both are absent. */
      before: z.string().optional(),
      after: z.string().optional(),
    })
    .strict(),
  /**
   * Raw SQL per dialect, with its explicit down. `down: null` marks it irreversible. A dialect without `up`
   * text cannot run this migration, and the runner says so before touching anything.
   */
  z.object({ op: z.literal('sql'), up: PerDialectSql, down: PerDialectSql.nullable() }).strict(),
]);
export type MigrationOp = z.output<typeof MigrationOp>;
export type MigrationOpInput = z.input<typeof MigrationOp>;
export type MigrationOpKind = MigrationOp['op'];

export function parseMigrationOps(input: unknown, source?: string): MigrationOp[] {
  return parseContract(z.array(MigrationOp), 'migration ops', input, source);
}
