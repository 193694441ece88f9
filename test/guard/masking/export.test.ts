import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMasker, maskTransform, REDACTED } from '@byos/runtime/guard/masking';
import { exportQuery, exportTable } from '@byos/runtime/export';
import { DIALECTS, freshSqlitePath, freshTenantDb } from '../../helpers/databases.ts';

const KEY = 'an-export-masking-key-of-32-characters-or-more';

describe.each(DIALECTS)('masked exports on %s', (dialect) => {
  it('a table export writes masked columns; tokens come back with the key', async () => {
    const tenant = await freshTenantDb(dialect, 'mask_export');
    await tenant.db.schema
      .createTable('customers')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('email', 'text')
      .addColumn('card', 'text')
      .addColumn('nric', 'text')
      .addColumn('notes', 'text')
      .execute();
    await tenant.db
      .insertInto('customers')
      .values([
        { id: 1, email: 'ana@example.com', card: '4111 1111 1111 1234', nric: 'S1234567D', notes: 'vip' },
        { id: 2, email: 'wei@example.sg', card: null, nric: 'G5872776N', notes: 'call after 6' },
      ])
      .execute();
    const masker = createMasker({
      key: KEY,
      rules: { 'customers.email': 'hash', 'customers.card': 'partial', 'customers.nric': 'token', 'customers.notes': 'redact' },
    });
    const out = join(dirname(await freshSqlitePath('mask-out')), 'customers.csv');
    const report = await exportTable(tenant, 'customers', { format: 'csv', out, transform: maskTransform(masker, { name: 'customers' }) });
    expect(report.rows).toBe(2);
    const text = await readFile(out, 'utf8');
    for (const raw of ['ana@example.com', 'wei@example.sg', '4111 1111 1111', 'S1234567D', 'G5872776N', 'vip']) expect(text).not.toContain(raw);
    const lines = text
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(lines[0]).toEqual(['id', 'email', 'card', 'nric', 'notes']);
    expect(lines[1]![0]).toBe('1');
    expect(lines[1]![1]).toBe(masker.maskValue('hash', 'ana@example.com'));
    expect(lines[1]![2]).toBe('**** **** **** 1234');
    expect(masker.detokenize(lines[1]![3]!)).toBe('S1234567D');
    expect(lines[1]![4]).toBe(REDACTED);
    expect(lines[2]![2]).toBe('');
    expect(masker.detokenize(lines[2]![3]!)).toBe('G5872776N');
  });

  it('a rule naming a missing column or another table stops the export; a SQL export masks by column name', async () => {
    const tenant = await freshTenantDb(dialect, 'mask_export2');
    await tenant.db.schema
      .createTable('people')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('email', 'text')
      .execute();
    await tenant.db.insertInto('people').values({ id: 1, email: 'ana@example.com' }).execute();
    const dir = dirname(await freshSqlitePath('mask-out2'));
    const typo = createMasker({ rules: { 'people.emial': 'redact' } });
    await expect(exportTable(tenant, 'people', { format: 'csv', out: join(dir, 'a.csv'), transform: maskTransform(typo, { name: 'people' }) })).rejects.toThrow(
      'mask rule people.emial: the export has no column "emial" (columns: id, email)',
    );
    const other = createMasker({ rules: { 'orders.email': 'redact' } });
    await expect(
      exportTable(tenant, 'people', { format: 'csv', out: join(dir, 'b.csv'), transform: maskTransform(other, { name: 'people' }) }),
    ).rejects.toThrow('mask rule orders.email names another table than the one exported (people)');
    const both = createMasker({ key: KEY, rules: { 'people.email': 'partial', 'orders.email': 'redact' } });
    await exportQuery(tenant, 'select id, email from people', { format: 'csv', out: join(dir, 'c.csv'), transform: maskTransform(both) });
    expect(await readFile(join(dir, 'c.csv'), 'utf8')).toBe(`id,email\r\n1,${REDACTED}\r\n`);
  });
});
