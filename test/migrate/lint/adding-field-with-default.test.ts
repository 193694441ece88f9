import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings } from './fixtures.ts';

describe('adding-field-with-default', () => {
  it('flags a random UUID default and a volatile SQL default on an existing table', () => {
    const found = opFindings('adding-field-with-default', {
      ops: [
        { op: 'addColumn', table: 'customers', column: { name: 'ref', type: { kind: 'uuid' }, nullable: false, default: { kind: 'uuid' } } },
        {
          op: 'addColumn',
          table: 'orders',
          column: { name: 'seen', type: { kind: 'timestamptz' }, default: { kind: 'sql', sql: { postgres: 'clock_timestamp()' } } },
        },
      ],
    });
    expect(found.map((f) => f.subject)).toEqual(['op 1 (addColumn): customers.ref', 'op 2 (addColumn): orders.seen']);
    expect(found[0]).toMatchObject({ severity: 'warning' });
    expect(found[1]!.message).toContain('clock_timestamp()');
  });
  it('accepts constant and stable defaults (stored once, Postgres 11+), and volatile ones on new tables', () => {
    expect(
      opFindings('adding-field-with-default', {
        ops: [
          {
            op: 'addColumn',
            table: 'customers',
            column: { name: 'active', type: { kind: 'boolean' }, nullable: false, default: { kind: 'value', value: true } },
          },
          { op: 'addColumn', table: 'customers', column: { name: 'created', type: { kind: 'timestamptz' }, default: { kind: 'now' } } },
          { op: 'addColumn', table: 'customers', column: { name: 'n', type: { kind: 'integer' }, default: { kind: 'sql', sql: { postgres: '1 + 1' } } } },
          { op: 'createTable', table: 'fresh', columns: [{ name: 'id', type: { kind: 'integer' } }] },
          { op: 'addColumn', table: 'fresh', column: { name: 'ref', type: { kind: 'uuid' }, default: { kind: 'uuid' } } },
        ],
      }),
    ).toEqual([]);
  });
  it('raw SQL: DEFAULT gen_random_uuid() and an added identity column', async () => {
    const found = await sqlFindings(
      'adding-field-with-default',
      'ALTER TABLE t ADD COLUMN r uuid DEFAULT gen_random_uuid();\nALTER TABLE t ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;',
    );
    expect(found.map((f) => f.subject)).toEqual(['m.sql:1: t.r', 'm.sql:2: t.n']);
  });
  it('raw SQL: DEFAULT now() and a constant are not rewrites', async () => {
    expect(
      await sqlFindings('adding-field-with-default', "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now(); ALTER TABLE t ADD COLUMN d text DEFAULT 'x';"),
    ).toEqual([]);
  });
});
