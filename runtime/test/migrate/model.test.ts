import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MigrationOp } from '../../src/contracts/migration-op.ts';
import { parseMigrationOps } from '../../src/contracts/migration-op.ts';
import { diffNeutral } from '../../src/schema/neutral.ts';
import { applyOp, applyOps, emptyModel, type ModelTraits } from '../../src/migrate/apply-op.ts';
import { formatDefault, parseDefault } from '../../src/migrate/defaults.ts';
import { loadMigrations } from '../../src/migrate/files.ts';
import { invertOp, invertOps, IrreversibleOpError } from '../../src/migrate/invert-op.ts';

const PORTABLE = join(import.meta.dirname, '../../../test/fixtures/migrations/portable');
const NATIVE: ModelTraits = { enums: true };
const TEXT_ENUMS: ModelTraits = { enums: false };
const ops = (input: unknown) => parseMigrationOps(input);

const base = () =>
  applyOps(
    emptyModel('postgres', 'public'),
    ops([
      { op: 'createEnum', name: 'mood', values: ['happy', 'sad'] },
      {
        op: 'createTable',
        table: 'customers',
        columns: [
          { name: 'id', type: { kind: 'integer' }, nullable: false, identity: 'always' },
          { name: 'email', type: { kind: 'varchar', length: 120 }, nullable: false, default: { kind: 'value', value: "it's" } },
          { name: 'mood', type: { kind: 'enum', enumName: 'mood' } },
        ],
        primaryKey: { columns: ['id'] },
      },
      {
        op: 'createTable',
        table: 'orders',
        columns: [
          { name: 'id', type: { kind: 'integer' }, nullable: false },
          { name: 'customer_id', type: { kind: 'integer' } },
        ],
        primaryKey: { columns: ['id'] },
        foreignKeys: [{ name: 'orders_customer_fk', columns: ['customer_id'], references: { table: 'customers', columns: ['id'] } }],
      },
      { op: 'createIndex', table: 'customers', name: 'customers_email_idx', columns: ['email'], where: 'email IS NOT NULL' },
      { op: 'addUnique', table: 'customers', unique: { name: 'customers_email_key', columns: ['email'] } },
    ]),
    NATIVE,
  );

describe('applyOp', () => {
  it('builds tables, keys, indexes and enums as an introspected model would hold them', () => {
    const model = base();
    const customers = model.tables.find((t) => t.name === 'customers')!;
    expect(customers.columns.map((c) => [c.name, c.nullable, c.default, c.identity])).toEqual([
      ['id', false, null, 'always'],
      ['email', false, "'it''s'", null],
      ['mood', true, null, null],
    ]);
    expect(customers.indexes).toEqual([{ name: 'customers_email_idx', columns: ['email'], unique: false, where: 'email IS NOT NULL' }]);
    expect(model.tables.find((t) => t.name === 'orders')!.foreignKeys[0]).toMatchObject({
      referencedSchema: 'public',
      referencedTable: 'customers',
      referencedColumns: ['id'],
    });
    expect(model.enums).toEqual([{ schema: 'public', name: 'mood', values: ['happy', 'sad'] }]);
  });

  it('follows renames into keys, indexes and other tables’ foreign keys', () => {
    const model = applyOps(
      base(),
      ops([
        { op: 'renameColumn', table: 'customers', from: 'id', to: 'customer_no' },
        { op: 'renameTable', from: 'customers', to: 'clients' },
      ]),
      NATIVE,
    );
    const clients = model.tables.find((t) => t.name === 'clients')!;
    expect(clients.primaryKey?.columns).toEqual(['customer_no']);
    expect(model.tables.find((t) => t.name === 'orders')!.foreignKeys[0]).toMatchObject({ referencedTable: 'clients', referencedColumns: ['customer_no'] });
  });

  it('refuses ops that cannot apply, naming what is wrong', () => {
    const model = base();
    expect(() => applyOp(model, ops([{ op: 'dropTable', table: 'customers' }])[0]!, NATIVE)).toThrow(
      'table customers is referenced by foreign key orders_customer_fk of orders',
    );
    expect(() => applyOp(model, ops([{ op: 'addColumn', table: 'nope', column: { name: 'x', type: { kind: 'text' } } }])[0]!, NATIVE)).toThrow(
      'table nope does not exist',
    );
    expect(() => applyOp(model, ops([{ op: 'dropEnum', name: 'mood' }])[0]!, NATIVE)).toThrow('enum mood is used by customers.mood');
    expect(() => applyOp(model, ops([{ op: 'addEnumValue', enum: 'mood', value: 'meh', before: 'angry' }])[0]!, NATIVE)).toThrow(
      'enum mood has no value angry',
    );
    expect(() => applyOp(model, ops([{ op: 'setNullable', table: 'customers', column: 'id', nullable: true }])[0]!, NATIVE)).toThrow('part of the primary key');
  });

  it('places an added enum value before or after another', () => {
    const model = applyOps(
      base(),
      ops([
        { op: 'addEnumValue', enum: 'mood', value: 'meh', after: 'happy' },
        { op: 'addEnumValue', enum: 'mood', value: 'glad', before: 'happy' },
      ]),
      NATIVE,
    );
    expect(model.enums[0]!.values).toEqual(['glad', 'happy', 'meh', 'sad']);
  });

  it('keeps an enum column typed enum on a dialect without native enums, stored as text, and compares it as text there', () => {
    const input = ops([
      { op: 'createEnum', name: 'mood', values: ['a'] },
      { op: 'createTable', table: 't', columns: [{ name: 'm', type: { kind: 'enum', enumName: 'mood' } }] },
    ]);
    const sqlite = applyOps(emptyModel('sqlite', 'main'), input, TEXT_ENUMS);
    expect(sqlite.tables[0]!.columns[0]).toMatchObject({ type: { kind: 'enum', enumName: 'mood' }, nativeType: 'text' });
    expect(sqlite.tables[0]!.checks).toEqual([]);
    // What SQLite's introspector reports for it: a text column, a CHECK, no enum.
    const introspected = structuredClone(sqlite);
    introspected.enums = [];
    introspected.tables[0]!.columns[0]!.type = { kind: 'text' };
    introspected.tables[0]!.checks = [{ name: null, expression: `"m" IN ('a')` }];
    expect(diffNeutral(sqlite, introspected)).not.toEqual([]);
    expect(diffNeutral(sqlite, introspected, { nativeEnums: false })).toEqual([]);
    expect(diffNeutral(applyOps(emptyModel('postgres', 'public'), input, NATIVE), introspected, { nativeEnums: false })).toEqual([]);
  });
});

describe('defaults', () => {
  it('round-trips every portable default through its neutral spelling', () => {
    for (const value of [
      { kind: 'value', value: "it's" },
      { kind: 'value', value: 42 },
      { kind: 'value', value: -1.5 },
      { kind: 'value', value: false },
      { kind: 'now' },
      { kind: 'uuid' },
      { kind: 'sql', sql: { sqlite: "(datetime('now'))" } },
    ] as const) {
      expect(parseDefault(formatDefault(value, 'sqlite'), 'sqlite')).toEqual(value);
    }
    expect(parseDefault("'x'::text", 'postgres')).toEqual({ kind: 'sql', sql: { postgres: "'x'::text" } });
  });
});

describe('invertOp', () => {
  it('restores a dropped column with its definition and the index, unique and foreign key that went with it', () => {
    const model = base();
    const { ops: back, lossy } = invertOp(ops([{ op: 'dropColumn', table: 'customers', column: 'email' }])[0]!, model);
    expect(lossy).toBeNull();
    expect(back).toEqual([
      {
        op: 'addColumn',
        table: 'customers',
        column: { name: 'email', type: { kind: 'varchar', length: 120 }, nullable: false, default: { kind: 'value', value: "it's" } },
      },
      { op: 'createIndex', table: 'customers', name: 'customers_email_idx', columns: ['email'], unique: false, where: 'email IS NOT NULL' },
      { op: 'addUnique', table: 'customers', unique: { name: 'customers_email_key', columns: ['email'] } },
    ]);
  });

  it('recreates a dropped table with its columns, keys, foreign keys and indexes', () => {
    const model = applyOp(base(), ops([{ op: 'createIndex', table: 'orders', name: 'orders_customer_idx', columns: ['customer_id'] }])[0]!, NATIVE);
    const drop = ops([{ op: 'dropTable', table: 'orders' }])[0]!;
    const after = applyOp(model, drop, NATIVE);
    expect(applyOps(after, invertOp(drop, model).ops, NATIVE)).toEqual(model);
  });

  it('marks inverses that lose data and says what', () => {
    const model = base();
    expect(invertOp(ops([{ op: 'addColumn', table: 'customers', column: { name: 'phone', type: { kind: 'text' } } }])[0]!, model).lossy).toBe(
      'drops column customers.phone and its values',
    );
    expect(invertOp(ops([{ op: 'alterColumnType', table: 'customers', column: 'email', type: { kind: 'text' } }])[0]!, model).lossy).toMatch(
      /narrows customers\.email back from text to varchar\(120\)/,
    );
    expect(invertOp(ops([{ op: 'alterColumnType', table: 'customers', column: 'email', type: { kind: 'varchar', length: 80 } }])[0]!, model).lossy).toBeNull();
    expect(invertOp(ops([{ op: 'addEnumValue', enum: 'mood', value: 'meh' }])[0]!, model).lossy).toMatch(/removes value meh from enum mood/);
  });

  it('refuses what has no inverse', () => {
    expect(() => invertOp(ops([{ op: 'sql', up: { postgres: 'select 1' }, down: null }])[0]!, base())).toThrow(IrreversibleOpError);
  });

  it('undoes every migration of the portable fixture exactly, on both kinds of enum support', async () => {
    const migrations = await loadMigrations(PORTABLE);
    expect(migrations.length).toBeGreaterThanOrEqual(15);
    const kinds = new Set(migrations.flatMap((m) => m.ops.map((op) => op.op)));
    const every: MigrationOp['op'][] = [
      'createTable',
      'dropTable',
      'renameTable',
      'addColumn',
      'dropColumn',
      'renameColumn',
      'alterColumnType',
      'setNullable',
      'setDefault',
      'createIndex',
      'dropIndex',
      'addForeignKey',
      'dropForeignKey',
      'addCheck',
      'dropCheck',
      'addUnique',
      'dropUnique',
      'createEnum',
      'dropEnum',
      'addEnumValue',
      'sql',
    ];
    expect(every.filter((k) => !kinds.has(k))).toEqual([]);
    for (const [traits, start] of [
      [NATIVE, emptyModel('postgres', 'public')],
      [TEXT_ENUMS, emptyModel('sqlite', 'main')],
    ] as const) {
      let model = start;
      for (const m of migrations) {
        const after = applyOps(model, m.ops, traits);
        expect(applyOps(after, invertOps(m.ops, model, traits).ops, traits), `${m.id}_${m.name}`).toEqual(model);
        model = after;
      }
    }
  });
});
