import { describe, expect, it } from 'vitest';
import { opFindings } from './fixtures.ts';

describe('narrowing-column-type', () => {
  it('errors on a shorter varchar, a smaller integer and fewer decimals, naming both types', () => {
    const found = opFindings('narrowing-column-type', {
      ops: [
        { op: 'alterColumnType', table: 'customers', column: 'name', type: { kind: 'varchar', length: 20 } },
        { op: 'alterColumnType', table: 'orders', column: 'id', type: { kind: 'integer' } },
        { op: 'alterColumnType', table: 'orders', column: 'total', type: { kind: 'decimal', precision: 10, scale: 0 } },
        { op: 'alterColumnType', table: 'orders', column: 'placed', type: { kind: 'date' } },
      ],
    });
    expect(found.map((f) => f.subject)).toEqual([
      'op 1 (alterColumnType): customers.name',
      'op 2 (alterColumnType): orders.id',
      'op 3 (alterColumnType): orders.total',
      'op 4 (alterColumnType): orders.placed',
    ]);
    expect(found.every((f) => f.severity === 'error')).toBe(true);
    expect(found[0]!.message).toContain('from varchar(80) to varchar(20)');
  });
  it('is silent on widening, on unknown columns and on tables made in the same migration', () => {
    expect(
      opFindings('narrowing-column-type', {
        ops: [
          { op: 'alterColumnType', table: 'customers', column: 'name', type: { kind: 'varchar', length: 120 } },
          { op: 'alterColumnType', table: 'customers', column: 'age', type: { kind: 'bigint' } },
          { op: 'createTable', table: 'n', columns: [{ name: 'v', type: { kind: 'text' } }] },
          { op: 'alterColumnType', table: 'n', column: 'v', type: { kind: 'varchar', length: 5 } },
        ],
      }),
    ).toEqual([]);
  });
  it('follows a widening earlier in the migration: widen then narrow back is a narrowing of the widened type', () => {
    const found = opFindings('narrowing-column-type', {
      ops: [
        { op: 'alterColumnType', table: 'customers', column: 'name', type: { kind: 'text' } },
        { op: 'alterColumnType', table: 'customers', column: 'name', type: { kind: 'varchar', length: 80 } },
      ],
    });
    expect(found.map((f) => f.subject)).toEqual(['op 2 (alterColumnType): customers.name']);
    expect(found[0]!.message).toContain('from text');
  });
});
