import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings, stmts } from './fixtures.ts';

const op = [{ op: 'addUnique' as const, table: 'customers', unique: { name: 'customers_email_key', columns: ['email'] } }];

describe('disallowed-unique-constraint', () => {
  it('flags a unique constraint that builds its own index under the lock', () => {
    const found = opFindings('disallowed-unique-constraint', {
      ops: op,
      statements: stmts('ALTER TABLE "customers" ADD CONSTRAINT "customers_email_key" UNIQUE ("email")'),
    });
    expect(found.map((f) => [f.severity, f.subject])).toEqual([['warning', 'statement 1: customers constraint customers_email_key']]);
  });
  it('accepts the safe plan: a concurrently built unique index, then USING INDEX', () => {
    expect(
      opFindings('disallowed-unique-constraint', {
        ops: op,
        statements: stmts(
          { sql: 'CREATE UNIQUE INDEX CONCURRENTLY "customers_email_key" ON "customers" ("email")', outsideTransaction: true },
          'ALTER TABLE "customers" ADD CONSTRAINT "customers_email_key" UNIQUE USING INDEX "customers_email_key"',
        ),
      }),
    ).toEqual([]);
  });
  it('raw SQL: ADD PRIMARY KEY and an inline UNIQUE column', async () => {
    const found = await sqlFindings('disallowed-unique-constraint', 'ALTER TABLE t ADD PRIMARY KEY (id);\nALTER TABLE t ADD COLUMN code text UNIQUE;');
    expect(found.map((f) => f.subject)).toEqual(['m.sql:1: t', 'm.sql:2: t constraint t_code']);
    expect(found[0]!.message).toContain('primary key');
  });
  it('raw SQL: PRIMARY KEY USING INDEX, or a unique constraint on a new table, is fine', async () => {
    expect(
      await sqlFindings(
        'disallowed-unique-constraint',
        'ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_idx; CREATE TABLE n (a int); ALTER TABLE n ADD UNIQUE (a);',
      ),
    ).toEqual([]);
  });
});
