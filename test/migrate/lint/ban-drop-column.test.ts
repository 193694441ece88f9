import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings } from './fixtures.ts';

describe('ban-drop-column', () => {
  it('flags dropping a column of an existing table', () => {
    const found = opFindings('ban-drop-column', { ops: [{ op: 'dropColumn', table: 'customers', column: 'email' }] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', subject: 'op 1 (dropColumn): customers.email' });
    expect(found[0]!.message).toMatch(/re-adds the column empty/);
  });
  it('does not flag a column of a table this migration created, nor adding one', () => {
    expect(
      opFindings('ban-drop-column', {
        ops: [
          {
            op: 'createTable',
            table: 'tmp',
            columns: [
              { name: 'a', type: { kind: 'text' } },
              { name: 'b', type: { kind: 'text' } },
            ],
          },
          { op: 'dropColumn', table: 'tmp', column: 'b' },
          { op: 'addColumn', table: 'customers', column: { name: 'nick', type: { kind: 'text' } } },
        ],
      }),
    ).toEqual([]);
  });
  it('raw SQL: ALTER TABLE ... DROP COLUMN', async () => {
    const found = await sqlFindings('ban-drop-column', '\n  ALTER TABLE customers DROP COLUMN IF EXISTS "Email";');
    expect(found.map((f) => f.subject)).toEqual(['m.sql:2: customers.Email']);
  });
  it('raw SQL: DROP CONSTRAINT is not a column drop', async () => {
    expect(await sqlFindings('ban-drop-column', 'ALTER TABLE customers DROP CONSTRAINT customers_email_key;')).toEqual([]);
  });
});
