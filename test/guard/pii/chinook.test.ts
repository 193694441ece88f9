import { describe, expect, it } from 'vitest';
import { connect, snakeCase } from '@byos/runtime';
import { scanPii } from '@byos/runtime/guard/pii';
import { copyChinookSqlite, loadChinookPostgres } from '../../../cli/src/demo/chinook.ts';
import { freshSqlitePath, freshTenantDb } from '../../helpers/databases.ts';

/** What Chinook holds about people, by reading its schema: customers' and employees' contact data, invoice addresses. */
const EXPECTED = [
  'customer.first_name person-name',
  'customer.last_name person-name',
  'customer.address postal-address',
  'customer.city postal-address',
  'customer.postal_code postal-code',
  'customer.phone phone',
  'customer.fax phone',
  'customer.email email',
  'employee.first_name person-name',
  'employee.last_name person-name',
  'employee.birth_date date-of-birth',
  'employee.address postal-address',
  'employee.city postal-address',
  'employee.postal_code postal-code',
  'employee.phone phone',
  'employee.fax phone',
  'employee.email email',
  'invoice.billing_address postal-address',
  'invoice.billing_city postal-address',
  'invoice.billing_postal_code postal-code',
].sort();

describe('PII scan on Chinook', () => {
  it.each(['sqlite', 'postgres'] as const)('%s: the people columns and nothing else (not HireDate, Company, track or artist names)', async (dialect) => {
    let tenant;
    if (dialect === 'sqlite') {
      const path = await freshSqlitePath('chinook-pii');
      await copyChinookSqlite(path);
      tenant = await connect({ provider: 'local-sqlite', dialect: 'sqlite', database: path });
    } else {
      tenant = await freshTenantDb('postgres', 'chinook_pii');
      await loadChinookPostgres(tenant);
    }
    try {
      const result = await scanPii(tenant, { sample: 100 });
      const found = result.columns.flatMap((c) => c.categories.map((h) => `${snakeCase(c.table)}.${snakeCase(c.column)} ${h.category}`)).sort();
      expect(found).toEqual(EXPECTED);
      const email = result.columns.find((c) => snakeCase(c.table) === 'customer' && c.column.toLowerCase() === 'email')!;
      expect(email.categories[0]!.confidence).toBe(1);
    } finally {
      if (dialect === 'sqlite') await tenant.close();
    }
  });
});
