import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings, stmts } from './fixtures.ts';

describe('require-enum-value-ordering', () => {
  it('warns on an appended enum value', () => {
    const found = opFindings('require-enum-value-ordering', { ops: [{ op: 'addEnumValue', enum: 'status', value: 'pending_review' }] });
    expect(found.map((f) => [f.severity, f.subject])).toEqual([['warning', 'op 1 (addEnumValue): enum status']]);
  });
  it('accepts BEFORE or AFTER', () => {
    expect(
      opFindings('require-enum-value-ordering', {
        ops: [
          { op: 'addEnumValue', enum: 'status', value: 'a', before: 'approved' },
          { op: 'addEnumValue', enum: 'status', value: 'b', after: 'submitted' },
        ],
        statements: stmts(`ALTER TYPE "status" ADD VALUE 'a' BEFORE 'approved'`),
      }),
    ).toEqual([]);
  });
  it('raw SQL: ALTER TYPE ... ADD VALUE without a position', async () => {
    expect((await sqlFindings('require-enum-value-ordering', "ALTER TYPE status ADD VALUE IF NOT EXISTS 'x';")).map((f) => f.subject)).toEqual([
      'm.sql:1: enum status',
    ]);
  });
  it('raw SQL: with AFTER it is fine', async () => {
    expect(await sqlFindings('require-enum-value-ordering', "ALTER TYPE status ADD VALUE 'x' AFTER 'draft';")).toEqual([]);
  });
});
