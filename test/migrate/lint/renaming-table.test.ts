import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings } from './fixtures.ts';

describe('renaming-table', () => {
  it('warns that running code still uses the old name', () => {
    const found = opFindings('renaming-table', { ops: [{ op: 'renameTable', from: 'customers', to: 'clients' }] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', subject: 'op 1 (renameTable): customers' });
    expect(found[0]!.message).toContain('to clients');
  });
  it('does not warn for a table created in the same migration', () => {
    expect(
      opFindings('renaming-table', {
        ops: [
          { op: 'createTable', table: 'draft', columns: [{ name: 'id', type: { kind: 'integer' } }] },
          { op: 'renameTable', from: 'draft', to: 'final' },
        ],
      }),
    ).toEqual([]);
  });
  it('raw SQL: ALTER TABLE ... RENAME TO', async () => {
    expect((await sqlFindings('renaming-table', 'ALTER TABLE customers RENAME TO clients;')).map((f) => f.subject)).toEqual(['m.sql:1: customers']);
  });
  it('raw SQL: renaming a column is not a table rename', async () => {
    expect(await sqlFindings('renaming-table', 'ALTER TABLE customers RENAME COLUMN a TO b;')).toEqual([]);
  });
});
