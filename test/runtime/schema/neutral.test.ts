import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, diffNeutral, introspect, type SchemaModel, snakeCase, type TenantDb } from '../../../runtime/src/index.ts';
import { copyChinookSqlite, loadChinookPostgres } from '../../../cli/samples/chinook.ts';
import { DIALECTS, freshProfile, freshSqlitePath, freshTenantDb } from '../../helpers/databases.ts';

/** The same logical schema, written once in portable SQL. */
const PORTABLE_SCHEMA = [
  `create table customer (id integer primary key, email varchar(120) not null, name text, created_at timestamp not null)`,
  `create table orders (id bigint primary key, customer_id integer not null references customer (id) on delete cascade,
     total numeric(12, 2) not null, note varchar(200), unique (customer_id, note))`,
  `create table order_line (order_id bigint not null references orders (id), line_no integer not null, sku char(8) not null,
     qty smallint not null, price double precision, primary key (order_id, line_no))`,
  `create index order_line_sku on order_line (sku)`,
  `create index orders_big on orders (total) where total > 1000`,
  `create view customer_emails as select id, email from customer`,
];

async function createPortableSchema(tenant: TenantDb, extra: string[] = []): Promise<SchemaModel> {
  for (const statement of [...PORTABLE_SCHEMA, ...extra]) await sql.raw(statement).execute(tenant.db);
  return introspect(tenant);
}

describe('neutral schema comparison', () => {
  it('the same logical schema compares equal in every dialect', async () => {
    const models: SchemaModel[] = [];
    for (const dialect of DIALECTS) models.push(await createPortableSchema(await freshTenantDb(dialect, 'portable')));
    for (const model of models.slice(1)) expect(diffNeutral(models[0]!, model, { identity: false })).toEqual([]);
  });

  it('Chinook in SQLite and in Postgres compare equal after snake_case naming', async () => {
    const path = await freshSqlitePath('chinook');
    await copyChinookSqlite(path);
    const sqliteTenant = await connect(`sqlite:${path}`);
    const postgresTenant = await connect(await freshProfile('postgres', 'chinook'));
    try {
      await loadChinookPostgres(postgresTenant);
      const sqliteModel = await introspect(sqliteTenant);
      const postgresModel = await introspect(postgresTenant);
      expect(diffNeutral(sqliteModel, postgresModel, { normalizeName: snakeCase, identity: false })).toEqual([]);
      // SQLite's INTEGER PRIMARY KEY fills itself in; the Postgres script declares plain int keys.
      expect(diffNeutral(sqliteModel, postgresModel, { normalizeName: snakeCase })).toContain('album.album_id: identity true vs false');
    } finally {
      await sqliteTenant.close();
      await postgresTenant.close();
    }
  });

  it('a different schema yields a precise list of differences', async () => {
    const left = await createPortableSchema(await freshTenantDb('sqlite', 'left'));
    const right = await createPortableSchema(await freshTenantDb('postgres', 'right'), [
      `alter table customer alter column email type varchar(200)`,
      `alter table customer alter column name set not null`,
      `alter table orders add column shipped boolean`,
      `create table audit (id integer primary key)`,
      `drop index order_line_sku`,
    ]);
    expect(diffNeutral(left, right, { identity: false }).sort()).toEqual([
      'audit: table only on the right',
      'customer.email: type varchar(120) vs varchar(200)',
      'customer.name: nullable true vs false',
      'order_line: indexes [(sku)] vs []',
      'orders.shipped: column only on the right',
    ]);
  });

  it.each([
    ['InvoiceLineId', 'invoice_line_id'],
    ['invoice_line', 'invoice_line'],
    ['HTTPStatus', 'http_status'],
    ['MediaType', 'media_type'],
  ])('snakeCase(%s) = %s', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});
