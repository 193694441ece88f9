import { describe, expect, it } from 'vitest';
import { lintPostgresSql } from '@byos/runtime/migrate/lint';

describe('lintPostgresSql (real Postgres parser)', () => {
  it('reports a parse error with line and column, and nothing else', async () => {
    const found = await lintPostgresSql("SELECT 'é';\n\nCREATE TABLE x (\n  a int,,\n);", '0003_bad.sql');
    expect(found).toEqual([
      expect.objectContaining({
        rule: 'syntax-error',
        severity: 'error',
        subject: '0003_bad.sql:4:9',
        message: expect.stringContaining('syntax error at or near ","'),
      }),
    ]);
    expect(found[0]!.message).toContain('line 4, column 9');
  });
  it('a misspelled keyword is reported where it starts', async () => {
    const [f] = await lintPostgresSql('SELECT 1;\nALTR TABLE t ADD COLUMN c int;');
    expect(f).toMatchObject({ rule: 'syntax-error', subject: 'sql:2:1' });
  });
  it('a clean, safe migration yields no findings', async () => {
    const safe = [
      "SET lock_timeout = '2s';",
      'CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());',
      'ALTER TABLE orders ADD COLUMN note text;',
      "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
      'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);',
      'ALTER TABLE orders ADD CONSTRAINT orders_audit_fk FOREIGN KEY (id) REFERENCES audit (id) NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_audit_fk;',
    ].join('\n');
    expect(await lintPostgresSql(safe)).toEqual([]);
  });
  it('an unsafe migration gets each rule once per statement, in rule order, with lines', async () => {
    const unsafe = [
      'ALTER TABLE orders ADD COLUMN ref uuid NOT NULL DEFAULT gen_random_uuid();',
      'CREATE INDEX orders_ref_idx ON orders (ref);',
      'ALTER TABLE orders ALTER COLUMN total TYPE bigint;',
      'DROP TABLE legacy;',
    ].join('\n');
    const found = await lintPostgresSql(unsafe, 'u.sql');
    expect(found.map((f) => `${f.rule} ${f.subject}`)).toEqual([
      'ban-drop-table u.sql:4: legacy',
      'adding-field-with-default u.sql:1: orders.ref',
      'changing-column-type u.sql:3: orders.total',
      'require-concurrent-index-creation u.sql:2: index orders_ref_idx',
      'require-lock-timeout u.sql:1: orders',
    ]);
    expect(found.every((f) => f.remediation && f.remediation.length > 20)).toBe(true);
  });
  it('hostile names stay names: a table called "DROP TABLE x" is not a drop', async () => {
    const found = await lintPostgresSql(`SET lock_timeout = '1s'; ALTER TABLE "DROP TABLE x; --" ADD COLUMN "not null" text;`);
    expect(found).toEqual([]);
  });
});
