import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings } from './fixtures.ts';

describe('adding-required-field', () => {
  it('flags a NOT NULL column without default on an existing table as an error', () => {
    const found = opFindings('adding-required-field', {
      ops: [{ op: 'addColumn', table: 'customers', column: { name: 'country', type: { kind: 'text' }, nullable: false } }],
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', subject: 'op 1 (addColumn): customers.country' });
  });
  it('accepts a required column with a default, an identity, a nullable one, or one on a new table', () => {
    expect(
      opFindings('adding-required-field', {
        ops: [
          {
            op: 'addColumn',
            table: 'customers',
            column: { name: 'country', type: { kind: 'text' }, nullable: false, default: { kind: 'value', value: 'NL' } },
          },
          { op: 'addColumn', table: 'customers', column: { name: 'seq', type: { kind: 'bigint' }, nullable: false, identity: 'always' } },
          { op: 'addColumn', table: 'customers', column: { name: 'nick', type: { kind: 'text' } } },
          { op: 'createTable', table: 'fresh', columns: [{ name: 'id', type: { kind: 'integer' } }] },
          { op: 'addColumn', table: 'fresh', column: { name: 'x', type: { kind: 'text' }, nullable: false } },
        ],
      }),
    ).toEqual([]);
  });
  it('raw SQL: ADD COLUMN ... NOT NULL without DEFAULT', async () => {
    expect((await sqlFindings('adding-required-field', 'ALTER TABLE customers ADD COLUMN country text NOT NULL;')).map((f) => f.subject)).toEqual([
      'm.sql:1: customers.country',
    ]);
  });
  it('raw SQL: with a DEFAULT, or a serial, it is fine', async () => {
    expect(
      await sqlFindings(
        'adding-required-field',
        "ALTER TABLE customers ADD COLUMN country text NOT NULL DEFAULT 'NL'; ALTER TABLE customers ADD COLUMN n bigserial NOT NULL;",
      ),
    ).toEqual([]);
  });
});
