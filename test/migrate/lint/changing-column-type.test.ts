import { describe, expect, it } from 'vitest';
import { classifyTypeChange } from '@byos/runtime/migrate/lint';
import { opFindings, sqlFindings } from './fixtures.ts';

describe('changing-column-type', () => {
  it('warns on a converting change (integer to bigint rewrites the table)', () => {
    const found = opFindings('changing-column-type', { ops: [{ op: 'alterColumnType', table: 'customers', column: 'age', type: { kind: 'bigint' } }] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', subject: 'op 1 (alterColumnType): customers.age' });
    expect(found[0]!.message).toContain('to bigint');
  });
  it('follows earlier ops: a column renamed then converted is still judged against its original type', () => {
    const found = opFindings('changing-column-type', {
      ops: [
        { op: 'renameColumn', table: 'customers', from: 'age', to: 'years' },
        { op: 'alterColumnType', table: 'customers', column: 'years', type: { kind: 'text' } },
      ],
    });
    expect(found.map((f) => f.subject)).toEqual(['op 2 (alterColumnType): customers.years']);
  });
  it('is silent on changes that keep the bytes: longer varchar, varchar to text, more decimal precision', () => {
    expect(
      opFindings('changing-column-type', {
        ops: [
          { op: 'alterColumnType', table: 'customers', column: 'name', type: { kind: 'varchar', length: 200 } },
          { op: 'alterColumnType', table: 'customers', column: 'name', type: { kind: 'text' } },
          { op: 'alterColumnType', table: 'orders', column: 'total', type: { kind: 'decimal', precision: 14, scale: 2 } },
        ],
      }),
    ).toEqual([]);
  });
  it('leaves narrowing to narrowing-column-type', () => {
    expect(opFindings('changing-column-type', { ops: [{ op: 'alterColumnType', table: 'orders', column: 'id', type: { kind: 'integer' } }] })).toEqual([]);
  });
  it('raw SQL: any ALTER COLUMN TYPE (the old type is unknown), with the new type in the message', async () => {
    const found = await sqlFindings('changing-column-type', 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,4) USING total::numeric;');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('numeric(12,4)');
  });
  it('raw SQL: other ALTER COLUMN actions are not type changes', async () => {
    expect(await sqlFindings('changing-column-type', 'ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0;')).toEqual([]);
  });
  it('classifies type changes', () => {
    const v = (length?: number) => ({ kind: 'varchar' as const, length });
    expect(classifyTypeChange(v(10), v(10))).toBe('same');
    expect(classifyTypeChange(v(10), v(20))).toBe('free');
    expect(classifyTypeChange(v(20), v(10))).toBe('narrow');
    expect(classifyTypeChange({ kind: 'text' }, v(10))).toBe('narrow');
    expect(classifyTypeChange({ kind: 'integer' }, { kind: 'bigint' })).toBe('convert');
    expect(classifyTypeChange({ kind: 'bigint' }, { kind: 'smallint' })).toBe('narrow');
    expect(classifyTypeChange({ kind: 'decimal', precision: 10, scale: 2 }, { kind: 'decimal', precision: 10, scale: 4 })).toBe('narrow');
    expect(classifyTypeChange({ kind: 'decimal', precision: 10, scale: 2 }, { kind: 'decimal', precision: 12, scale: 4 })).toBe('convert');
    expect(classifyTypeChange({ kind: 'decimal', precision: 10, scale: 2 }, { kind: 'integer' })).toBe('narrow');
    expect(classifyTypeChange({ kind: 'timestamptz' }, { kind: 'date' })).toBe('narrow');
    expect(classifyTypeChange({ kind: 'text' }, { kind: 'integer' })).toBe('narrow');
    expect(classifyTypeChange({ kind: 'integer' }, { kind: 'text' })).toBe('convert');
    expect(classifyTypeChange({ kind: 'char', length: 3 }, { kind: 'text' })).toBe('convert');
  });
});
