import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings, stmts } from './fixtures.ts';

const op = [{ op: 'setNullable' as const, table: 'customers', column: 'email', nullable: false }];

describe('adding-not-nullable-field', () => {
  it('flags a compiled plain SET NOT NULL on an existing table', () => {
    const found = opFindings('adding-not-nullable-field', { ops: op, statements: stmts('ALTER TABLE "customers" ALTER COLUMN "email" SET NOT NULL') });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', subject: 'statement 1: customers.email' });
  });
  it('flags SQL Server restating the column NOT NULL', () => {
    const found = opFindings('adding-not-nullable-field', {
      ops: op,
      statements: stmts('ALTER TABLE [customers] ALTER COLUMN [email] NVARCHAR(MAX) NOT NULL'),
    });
    expect(found.map((f) => f.subject)).toEqual(['statement 1: customers.email']);
  });
  it('accepts the safe plan: CHECK NOT VALID, VALIDATE, then SET NOT NULL', () => {
    expect(
      opFindings('adding-not-nullable-field', {
        ops: op,
        statements: stmts(
          'ALTER TABLE "customers" ADD CONSTRAINT "customers_email_nn" CHECK ("email" IS NOT NULL) NOT VALID',
          'ALTER TABLE "customers" VALIDATE CONSTRAINT "customers_email_nn"',
          'ALTER TABLE "customers" ALTER COLUMN "email" SET NOT NULL',
          'ALTER TABLE "customers" DROP CONSTRAINT "customers_email_nn"',
        ),
      }),
    ).toEqual([]);
  });
  it('says nothing about the op alone, before it is compiled', () => {
    expect(opFindings('adding-not-nullable-field', { ops: op })).toEqual([]);
  });
  it('raw SQL: SET NOT NULL whose check was never validated is flagged', async () => {
    const found = await sqlFindings(
      'adding-not-nullable-field',
      'ALTER TABLE r ADD CONSTRAINT c CHECK (v IS NOT NULL) NOT VALID;\nALTER TABLE r ALTER COLUMN v SET NOT NULL;',
    );
    expect(found.map((f) => f.subject)).toEqual(['m.sql:2: r.v']);
  });
  it('raw SQL: validated check first, or a check on another column does not count', async () => {
    expect(
      await sqlFindings(
        'adding-not-nullable-field',
        'ALTER TABLE r ADD CONSTRAINT c CHECK (v IS NOT NULL) NOT VALID; ALTER TABLE r VALIDATE CONSTRAINT c; ALTER TABLE r ALTER COLUMN v SET NOT NULL;',
      ),
    ).toEqual([]);
    expect(
      await sqlFindings('adding-not-nullable-field', 'ALTER TABLE r ADD CONSTRAINT c CHECK (w IS NOT NULL); ALTER TABLE r ALTER COLUMN v SET NOT NULL;'),
    ).toHaveLength(1);
  });
});
