import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings, stmts } from './fixtures.ts';

const fk = [
  {
    op: 'addForeignKey' as const,
    table: 'orders',
    foreignKey: { name: 'orders_customer_fk', columns: ['customer_id'], references: { table: 'customers', columns: ['id'] } },
  },
];

describe('constraint-missing-not-valid', () => {
  it('flags a foreign key added in one step', () => {
    const found = opFindings('constraint-missing-not-valid', {
      ops: fk,
      statements: stmts('ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id")'),
    });
    expect(found.map((f) => [f.severity, f.subject])).toEqual([['warning', 'statement 1: orders constraint orders_customer_fk']]);
    expect(found[0]!.message).toContain('both tables');
  });
  it('accepts NOT VALID then VALIDATE, and SQL Server WITH NOCHECK', () => {
    expect(
      opFindings('constraint-missing-not-valid', {
        ops: fk,
        statements: stmts('ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") NOT VALID', {
          sql: 'ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_customer_fk"',
          outsideTransaction: true,
        }),
      }),
    ).toEqual([]);
    expect(
      opFindings('constraint-missing-not-valid', {
        ops: fk,
        statements: stmts('ALTER TABLE [orders] WITH NOCHECK ADD CONSTRAINT [orders_customer_fk] FOREIGN KEY ([customer_id]) REFERENCES [customers] ([id])'),
      }),
    ).toEqual([]);
  });
  it('raw SQL: a CHECK without NOT VALID', async () => {
    const found = await sqlFindings('constraint-missing-not-valid', 'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0);');
    expect(found.map((f) => f.subject)).toEqual(['m.sql:1: orders constraint positive']);
  });
  it('raw SQL: NOT VALID, and constraints on a table created in the file, are fine', async () => {
    expect(
      await sqlFindings(
        'constraint-missing-not-valid',
        'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID; CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES orders (id);',
      ),
    ).toEqual([]);
  });
});
