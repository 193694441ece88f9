import { describe, expect, it } from 'vitest';
import { opFindings, sqlFindings } from './fixtures.ts';

describe('ban-drop-table', () => {
  it('flags dropping an existing table, as an error naming it', () => {
    const [f, ...rest] = opFindings('ban-drop-table', { ops: [{ op: 'dropTable', table: 'orders' }] });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', subject: 'op 1 (dropTable): orders' });
    expect(f!.message).toContain('every row');
    expect(f!.remediation).toMatch(/later migration/);
  });
  it('does not flag a table created earlier in the same migration, or other drops', () => {
    expect(
      opFindings('ban-drop-table', {
        ops: [
          { op: 'createTable', table: 'scratch', columns: [{ name: 'id', type: { kind: 'integer' } }] },
          { op: 'dropTable', table: 'scratch' },
          { op: 'dropColumn', table: 'orders', column: 'placed' },
        ],
      }),
    ).toEqual([]);
  });
  it('raw SQL: DROP TABLE of each listed table, with its line', async () => {
    const found = await sqlFindings('ban-drop-table', 'select 1;\n\nDROP TABLE a, public.b;');
    expect(found.map((f) => f.subject)).toEqual(['m.sql:3: a', 'm.sql:3: b']);
  });
  it('raw SQL: a table created in the same file, or a dropped index, is not flagged', async () => {
    expect(await sqlFindings('ban-drop-table', 'CREATE TABLE t (id int); DROP TABLE t; DROP INDEX CONCURRENTLY i;')).toEqual([]);
  });
});
