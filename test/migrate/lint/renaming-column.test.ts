import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings } from './fixtures.ts';

describe('renaming-column', () => {
  it('warns on renaming a column of an existing table', () => {
    const found = opFindings('renaming-column', { ops: [{ op: 'renameColumn', table: 'customers', from: 'email', to: 'mail' }] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', subject: 'op 1 (renameColumn): customers.email' });
  });
  it('does not warn inside a table created by the migration', () => {
    expect(
      opFindings('renaming-column', {
        ops: [
          { op: 'createTable', table: 't', columns: [{ name: 'a', type: { kind: 'integer' } }] },
          { op: 'renameColumn', table: 't', from: 'a', to: 'b' },
        ],
      }),
    ).toEqual([]);
  });
  it('raw SQL: RENAME COLUMN, named by its line', async () => {
    const found = await sqlFindings('renaming-column', '-- comment\n/* block */\nALTER TABLE customers RENAME COLUMN email TO mail;');
    expect(found.map((f) => f.subject)).toEqual(['m.sql:3: customers.email']);
  });
  it('raw SQL: a table rename is not a column rename', async () => {
    expect(await sqlFindings('renaming-column', 'ALTER TABLE customers RENAME TO c2;')).toEqual([]);
  });
});
