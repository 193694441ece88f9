import type { CompiledQuery, Kysely } from 'kysely';
import type { MigrationOp } from '../../contracts/migration-op.ts';
import type { SchemaModel } from '../../contracts/schema-model.ts';
import { decodeKey, encodeKey } from './values.ts';

/** How far one table's copy got: the last key written (raw source values), rows written, whether it finished. */
export interface Checkpoint {
  table: string;
  lastKey: unknown[] | null;
  rows: number;
  done: boolean;
}

/**
 * Where a copy records its progress. The records live in the target database and each one is written by a query
 * run inside the transaction that loads its batch, so a batch and its checkpoint commit together or not at all:
 * a copy killed at any point resumes after the last committed batch, with no row written twice or skipped.
 */
export interface CheckpointStore {
  /** The table holding the records (also what the copy leaves out of the tables it copies and verifies). */
  readonly table: string;
  /** Creates the record table, run with the target schema. */
  createOp(): MigrationOp;
  /** True when `model` (the target's) holds records, i.e. a copy was interrupted there. */
  present(model: SchemaModel): boolean;
  read(db: Kysely<any>): Promise<Map<string, Checkpoint>>;
  /** The insert of a table's first record (no key, no rows). */
  start(db: Kysely<any>, table: string): CompiledQuery;
  /** The update recording `checkpoint`; run it in the batch's transaction. */
  record(db: Kysely<any>, checkpoint: Checkpoint): CompiledQuery;
  /** Removes the records once the copy is complete. */
  drop(db: Kysely<any>): Promise<void>;
}

export const DEFAULT_CHECKPOINT_TABLE = 'byos_copy_checkpoint';
/** The checkpoints of the copy inside a live switch, kept until the switch's journal records the copy. */
export const SWITCH_CHECKPOINT_TABLE = 'byos_switch_copy_checkpoint';

/** Checkpoints in a table of the target (`byos_copy_checkpoint` by default), created through the target's own DDL. */
export function targetTableCheckpoints(table: string = DEFAULT_CHECKPOINT_TABLE): CheckpointStore {
  return {
    table,
    createOp: () => ({
      op: 'createTable',
      table,
      columns: [
        { name: 'table_name', type: { kind: 'varchar', length: 255 }, nullable: false },
        { name: 'last_key', type: { kind: 'text' }, nullable: true },
        { name: 'rows_copied', type: { kind: 'bigint' }, nullable: false },
        { name: 'done', type: { kind: 'boolean' }, nullable: false },
      ],
      primaryKey: { columns: ['table_name'] },
      uniques: [],
      checks: [],
      foreignKeys: [],
    }),
    present: (model) => model.tables.some((t) => t.schema === model.defaultSchema && t.name === table),
    async read(db) {
      const rows = (await db.selectFrom(table).selectAll().execute()) as { table_name: string; last_key: string | null; rows_copied: unknown; done: unknown }[];
      return new Map(
        rows.map((r) => [
          r.table_name,
          {
            table: r.table_name,
            lastKey: r.last_key === null ? null : decodeKey(JSON.parse(r.last_key) as unknown[]),
            rows: Number(r.rows_copied),
            done: r.done === true || Number(r.done) === 1,
          },
        ]),
      );
    },
    start: (db, name) => db.insertInto(table).values({ table_name: name, last_key: null, rows_copied: 0, done: false }).compile(),
    record: (db, c) =>
      db
        .updateTable(table)
        .set({ last_key: c.lastKey === null ? null : JSON.stringify(encodeKey(c.lastKey)), rows_copied: c.rows, done: c.done })
        .where('table_name', '=', c.table)
        .compile(),
    async drop(db) {
      await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
