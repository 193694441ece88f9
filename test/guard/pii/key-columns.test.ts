import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { scanPii } from '@byos/runtime/guard/pii';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';

// Issue 15: `address_id` and `city_id` (integer keys pointing at other tables) were reported as postal addresses
// because of their names alone. A name hint no longer classifies a column whose type or values cannot be the
// category; the address text itself still is one.

describe.each(DIALECTS)('pii scan on key columns named like personal data (%s)', (dialect) => {
  it('integer reference columns are not addresses or names; text columns with those names still are', async () => {
    const tenant = await freshTenantDb(dialect, 'pii_keys');
    await sql`create table city (id integer primary key, city text not null)`.execute(tenant.db);
    await sql`create table address (id integer primary key, address text not null, city_id integer not null references city (id))`.execute(tenant.db);
    await sql`create table customer (id integer primary key, full_name text not null, address_id integer references address (id), name_id integer)`.execute(
      tenant.db,
    );
    await sql`create table empty_ref (id integer primary key, address_id integer, person_name_id bigint)`.execute(tenant.db);
    await sql`insert into city values (1, 'Singapore'), (2, 'Kuala Lumpur')`.execute(tenant.db);
    await sql`insert into address values (1, '1 Raffles Place', 1), (2, '22 Jalan Ampang', 2), (3, '9 Orchard Road', 1)`.execute(tenant.db);
    await sql`insert into customer values (1, 'Tan Ah Kow', 1, 1), (2, 'Siti Nurhaliza', 2, 2), (3, 'Lim Bee Leng', 3, 3)`.execute(tenant.db);

    const result = await scanPii(tenant);
    const categories = (table: string, column: string) =>
      result.columns.find((c) => c.table === table && c.column === column)!.categories.map((h) => h.category);
    expect(categories('address', 'city_id')).toEqual([]);
    expect(categories('customer', 'address_id')).toEqual([]);
    expect(categories('customer', 'name_id')).toEqual([]);
    expect(categories('empty_ref', 'address_id')).toEqual([]);
    expect(categories('empty_ref', 'person_name_id')).toEqual([]);
    expect(categories('address', 'address')).toContain('postal-address');
    expect(categories('city', 'city')).toContain('postal-address');
    expect(categories('customer', 'full_name')).toContain('person-name');
  });
});
