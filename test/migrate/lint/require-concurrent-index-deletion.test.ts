import { describe, expect, it } from 'vitest';
import { opFindings, SQLITE_LIKE, sqlFindings, stmts } from './fixtures.ts';

const op = [{ op: 'dropIndex' as const, table: 'orders', name: 'orders_placed_idx' }];

describe('require-concurrent-index-deletion', () => {
  it('flags a compiled DROP INDEX without CONCURRENTLY', () => {
    const found = opFindings('require-concurrent-index-deletion', { ops: op, statements: stmts('DROP INDEX "public"."orders_placed_idx"') });
    expect(found.map((f) => [f.severity, f.subject])).toEqual([['warning', 'statement 1: index orders_placed_idx']]);
  });
  it('accepts DROP INDEX CONCURRENTLY and dialects without concurrent drops', () => {
    expect(opFindings('require-concurrent-index-deletion', { ops: op, statements: stmts('DROP INDEX CONCURRENTLY IF EXISTS "orders_placed_idx"') })).toEqual(
      [],
    );
    expect(
      opFindings('require-concurrent-index-deletion', { ops: op, statements: stmts('DROP INDEX "orders_placed_idx"'), capabilities: SQLITE_LIKE }),
    ).toEqual([]);
  });
  it('raw SQL: DROP INDEX', async () => {
    expect((await sqlFindings('require-concurrent-index-deletion', 'DROP INDEX a_idx;')).map((f) => f.subject)).toEqual(['m.sql:1: index a_idx']);
  });
  it('raw SQL: DROP INDEX CONCURRENTLY is fine', async () => {
    expect(await sqlFindings('require-concurrent-index-deletion', 'DROP INDEX CONCURRENTLY a_idx;')).toEqual([]);
  });
});
