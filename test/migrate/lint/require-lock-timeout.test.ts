import { describe, expect, it } from 'vitest';
import { opFindings, SQLITE_LIKE, sqlFindings, stmts } from './fixtures.ts';

const op = [{ op: 'dropColumn' as const, table: 'customers', column: 'age' }];

describe('require-lock-timeout', () => {
  it('flags a strong-lock statement the runner will not bound (not marked strongLock), once', () => {
    const found = opFindings('require-lock-timeout', {
      ops: op,
      statements: stmts('ALTER TABLE "customers" DROP COLUMN "age"', 'ALTER TABLE "orders" DROP COLUMN "placed"'),
    });
    expect(found.map((f) => [f.severity, f.subject])).toEqual([['warning', 'statement 1: customers']]);
  });
  it('accepts statements marked strongLock, a SET lock_timeout before, and dialects without lock waits', () => {
    expect(opFindings('require-lock-timeout', { ops: op, statements: stmts({ sql: 'ALTER TABLE "customers" DROP COLUMN "age"', strongLock: true }) })).toEqual(
      [],
    );
    expect(
      opFindings('require-lock-timeout', { ops: op, statements: stmts("SET LOCAL lock_timeout = '2s'", 'ALTER TABLE "customers" DROP COLUMN "age"') }),
    ).toEqual([]);
    expect(opFindings('require-lock-timeout', { ops: op, statements: stmts('ALTER TABLE "customers" DROP COLUMN "age"'), capabilities: SQLITE_LIKE })).toEqual(
      [],
    );
  });
  it('raw SQL: ALTER TABLE with no lock_timeout, or after it was turned off again', async () => {
    expect((await sqlFindings('require-lock-timeout', 'ALTER TABLE t ADD COLUMN c int;')).map((f) => f.subject)).toEqual(['m.sql:1: t']);
    expect(
      (
        await sqlFindings('require-lock-timeout', "SET lock_timeout = '1s';\nALTER TABLE t ADD COLUMN c int;\nSET lock_timeout = 0;\nCREATE INDEX i ON t (c);")
      ).map((f) => f.subject),
    ).toEqual(['m.sql:4: t']);
  });
  it('raw SQL: a timeout set first, or only weak locks (concurrent index, new table, VALIDATE), pass', async () => {
    expect(await sqlFindings('require-lock-timeout', "SET lock_timeout TO '2s'; ALTER TABLE t ADD COLUMN c int;")).toEqual([]);
    expect(
      await sqlFindings(
        'require-lock-timeout',
        'CREATE INDEX CONCURRENTLY i ON t (c); CREATE TABLE n (a int); ALTER TABLE n ADD COLUMN b int; ALTER TABLE t VALIDATE CONSTRAINT k;',
      ),
    ).toEqual([]);
  });
});
