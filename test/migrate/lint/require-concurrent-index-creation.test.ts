import { describe, expect, it } from 'vitest';
import { opFindings, SQLITE_LIKE, sqlFindings, stmts } from './fixtures.ts';

const op = [{ op: 'createIndex' as const, table: 'orders', name: 'orders_placed_idx', columns: ['placed'] }];

describe('require-concurrent-index-creation', () => {
  it('flags a compiled CREATE INDEX without CONCURRENTLY where the dialect can build concurrently', () => {
    const found = opFindings('require-concurrent-index-creation', {
      ops: op,
      statements: stmts('CREATE INDEX "orders_placed_idx" ON "public"."orders" ("placed")'),
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', subject: 'statement 1: index orders_placed_idx' });
  });
  it('accepts CONCURRENTLY, an index on a table created just before, and dialects that cannot build concurrently', () => {
    expect(
      opFindings('require-concurrent-index-creation', {
        ops: op,
        statements: stmts({ sql: 'CREATE INDEX CONCURRENTLY "orders_placed_idx" ON "orders" ("placed")', outsideTransaction: true }),
      }),
    ).toEqual([]);
    expect(
      opFindings('require-concurrent-index-creation', { ops: op, statements: stmts('CREATE TABLE "x" ("a" int)', 'CREATE INDEX "x_a" ON "x" ("a")') }),
    ).toEqual([]);
    expect(
      opFindings('require-concurrent-index-creation', {
        ops: op,
        statements: stmts('CREATE INDEX "orders_placed_idx" ON "orders" ("placed")'),
        capabilities: SQLITE_LIKE,
      }),
    ).toEqual([]);
  });
  it('a hostile name that spells CONCURRENTLY is still a name, not the keyword', () => {
    expect(opFindings('require-concurrent-index-creation', { ops: op, statements: stmts('CREATE INDEX "concurrently" ON "orders" ("placed")') })).toHaveLength(
      1,
    );
  });
  it('raw SQL: CREATE UNIQUE INDEX without CONCURRENTLY', async () => {
    const found = await sqlFindings('require-concurrent-index-creation', 'CREATE UNIQUE INDEX idx ON orders (id);');
    expect(found.map((f) => f.subject)).toEqual(['m.sql:1: index idx']);
    expect(found[0]!.message).toContain('unique index');
  });
  it('raw SQL: CONCURRENTLY, or an index on a table created in the file, is fine', async () => {
    expect(
      await sqlFindings('require-concurrent-index-creation', 'CREATE INDEX CONCURRENTLY idx ON orders (id); CREATE TABLE t (a int); CREATE INDEX ON t (a);'),
    ).toEqual([]);
  });
});

describe('require-concurrent-index-creation in a raw SQL op', () => {
  it('reads every statement of a multi-statement text', () => {
    const found = opFindings('require-concurrent-index-creation', {
      ops: [{ op: 'sql', up: { postgres: 'select 1; CREATE INDEX i ON orders (placed);' }, down: null }],
      statements: stmts('select 1; CREATE INDEX i ON orders (placed);'),
    });
    expect(found.map((f) => f.subject)).toEqual(['statement 1: index i']);
  });
});
