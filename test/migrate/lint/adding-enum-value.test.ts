import { describe, expect, it } from 'vitest';
import { opFindings, SQLITE_LIKE, sqlFindings } from './fixtures.ts';

const op = [{ op: 'addEnumValue' as const, enum: 'status', value: 'archived', after: 'done' }];

describe('adding-enum-value', () => {
  it('tells (info) that a native enum value cannot be removed', () => {
    const found = opFindings('adding-enum-value', { ops: op });
    expect(found.map((f) => [f.severity, f.subject])).toEqual([['info', 'op 1 (addEnumValue): enum status']]);
    expect(found[0]!.message).toContain('cannot be dropped');
  });
  it('is silent where enums are check constraints (removable), and for other ops', () => {
    expect(opFindings('adding-enum-value', { ops: op, capabilities: SQLITE_LIKE })).toEqual([]);
    expect(opFindings('adding-enum-value', { ops: [{ op: 'createEnum', name: 'mood', values: ['ok'] }] })).toEqual([]);
  });
  it('raw SQL: ALTER TYPE ADD VALUE', async () => {
    expect(await sqlFindings('adding-enum-value', "ALTER TYPE status ADD VALUE 'x' BEFORE 'y';")).toHaveLength(1);
  });
  it('raw SQL: renaming a value is not adding one', async () => {
    expect(await sqlFindings('adding-enum-value', "ALTER TYPE status RENAME VALUE 'x' TO 'y';")).toEqual([]);
  });
});
