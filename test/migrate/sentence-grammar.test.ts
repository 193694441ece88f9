/**
 * The grammar's general features, each with sentences of its own: synonyms, free word order, types written without
 * parentheses, SQL fragments, `set … for … on …`, names resolved against the folder's implied schema, chained
 * clauses, typos. (The held-out sets measure the whole; these say what each feature does.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MigrationOpInput, parseMigrationOps } from '@byos/runtime';
import { applyOps, emptyModel } from '@byos/runtime/migrate';
import { opsFromSentence, readSentence, SentenceError } from '@byos/runtime/migrate/sentence';
import { cases } from '../helpers/thorough.ts';
import { SHOP_SCHEMA } from './sentence-harness.ts';

const schema = applyOps(emptyModel('postgres', 'public'), parseMigrationOps(SHOP_SCHEMA), { enums: 'native' } as never);
const ops = (sentence: string) => opsFromSentence(sentence, { schema });
const expectOps = (sentence: string, expected: MigrationOpInput[]) => expect(ops(sentence), sentence).toEqual(parseMigrationOps(expected));
const refusal = (sentence: string): SentenceError => {
  try {
    ops(sentence);
  } catch (e) {
    if (e instanceof SentenceError) return e;
    throw e;
  }
  throw new Error(`"${sentence}" was understood`);
};

const dropColumn = (table: string, column: string): MigrationOpInput => ({ op: 'dropColumn', table, column });
const nullable = (table: string, column: string, value: boolean): MigrationOpInput => ({ op: 'setNullable', table, column, nullable: value });
const addColumn = (table: string, name: string, type: object, extra: object = {}) =>
  ({ op: 'addColumn', table, column: { name, type, ...extra } }) as MigrationOpInput;

describe('synonyms', () => {
  it('get rid of, remove, erase, delete, eliminate all drop', () => {
    for (const verb of ['get rid of', 'remove', 'erase', 'delete', 'eliminate', 'drop'])
      expectOps(`${verb} the fax column from customers`.replace('fax', 'country'), [dropColumn('customers', 'country')]);
  });
  it('required, mandatory, not null, cannot be empty, must have a value are all required', () => {
    for (const said of ['required', 'mandatory', 'not null', 'NOT NULL', 'non-nullable', 'compulsory'])
      expectOps(`make customers.name ${said}`, [nullable('customers', 'name', false)]);
    for (const said of ['cannot be empty', "can't be null", 'must not be null', 'should never be null', 'is no longer optional'])
      expectOps(`customers.name ${said}`, [nullable('customers', 'name', false)]);
  });
  it('optional, nullable, can be null, not required, no longer required are all optional', () => {
    for (const said of ['optional', 'nullable', 'not required']) expectOps(`make users.email ${said}`, [nullable('users', 'email', true)]);
    for (const said of ['can be null', 'may be empty', 'is no longer required', 'is allowed to be null'])
      expectOps(`users.email ${said}`, [nullable('users', 'email', true)]);
  });
  it('questions, the passive and wishes are read as the request they make', () => {
    expectOps('Could we drop customers.country?', [dropColumn('customers', 'country')]);
    expectOps('is it possible to drop customers.country?', [dropColumn('customers', 'country')]);
    expectOps('the country column of customers should be dropped', [dropColumn('customers', 'country')]);
    expectOps('a unique index should be created on products.sku', [
      { op: 'createIndex', table: 'products', name: 'products_sku_idx', columns: ['sku'], unique: true },
    ]);
    expectOps('products.sku should be changed to varchar(30)', [
      { op: 'alterColumnType', table: 'products', column: 'sku', type: { kind: 'varchar', length: 30 } },
    ]);
    expectOps('we need customers.country to be required', [nullable('customers', 'country', false)]);
    expectOps("I'd like users.role to default to 'guest'", [{ op: 'setDefault', table: 'users', column: 'role', default: { kind: 'value', value: 'guest' } }]);
    expectOps('customers.country should become optional', [nullable('customers', 'country', true)]);
  });
  it('politeness and filler around the request are ignored', () => {
    expectOps('Could you please drop the country column from customers for me, thanks!', [dropColumn('customers', 'country')]);
    expectOps("ok, now let's drop customers.country", [dropColumn('customers', 'country')]);
  });
});

describe('columns in any word order, types with or without parentheses', () => {
  const phone = (type: object, extra: object = {}) => [addColumn('customers', 'phone', type, extra)];
  it('type before or after the name, modifiers before or after the table', () => {
    expectOps('add phone text to customers', phone({ kind: 'text' }));
    expectOps('add a text column phone to customers', phone({ kind: 'text' }));
    expectOps('add a required text phone to customers', phone({ kind: 'text' }, { nullable: false }));
    expectOps('add phone to customers as text, required', phone({ kind: 'text' }, { nullable: false }));
    expectOps('add to customers a column phone of type text', phone({ kind: 'text' }));
    expectOps('customers needs a phone column of type varchar(20)', phone({ kind: 'varchar', length: 20 }));
  });
  it('sizes without parentheses, type words people use', () => {
    expectOps('add phone varchar 25 to customers', phone({ kind: 'varchar', length: 25 }));
    expectOps('add phone string of up to 25 characters to customers', phone({ kind: 'varchar', length: 25 }));
    expectOps('add phone a string to customers', phone({ kind: 'text' }));
    expectOps('add margin decimal 6 3 to products', [addColumn('products', 'margin', { kind: 'decimal', precision: 6, scale: 3 })]);
    expectOps('add margin numeric with precision 6 and scale 3 to products', [addColumn('products', 'margin', { kind: 'decimal', precision: 6, scale: 3 })]);
    expectOps('add hidden bool to products', [addColumn('products', 'hidden', { kind: 'boolean' })]);
    expectOps('add stock int to products', [addColumn('products', 'stock', { kind: 'integer' })]);
    expectOps('add stock whole number to products', [addColumn('products', 'stock', { kind: 'integer' })]);
  });
  it('defaults said several ways', () => {
    const flag = (extra: object) => [addColumn('products', 'hidden', { kind: 'boolean' }, extra)];
    expectOps('add hidden boolean to products with default false', flag({ default: { kind: 'value', value: false } }));
    expectOps('add hidden boolean defaulting to false to products', flag({ default: { kind: 'value', value: false } }));
    expectOps('add hidden boolean to products, false by default', flag({ default: { kind: 'value', value: false } }));
    expectOps('add hidden boolean to products with false as the default', flag({ default: { kind: 'value', value: false } }));
  });
  it('a column without a type gets one guessed from its name; the guess is said back', () => {
    const read = readSentence('add a shipped_at column to orders', { schema });
    expect(read.ops).toEqual(parseMigrationOps([addColumn('orders', 'shipped_at', { kind: 'timestamp' })]));
    expect(read.notes[0]).toMatch(/guessed type timestamp for shipped_at/);
    expect(readSentence('add an is_gift column to orders', { schema }).ops[0]).toMatchObject({ column: { type: { kind: 'boolean' } } });
  });
  it('a long column list reads whole (each place a list can end is read once, not every combination)', () => {
    const columns = Array.from({ length: 60 }, (_, i) => `c${i} varchar(20) not null default 'x' unique`);
    const [table] = ops(`create table wide with ${columns.join(', ')}`) as { columns: unknown[]; uniques: unknown[] }[];
    expect(table!.columns).toHaveLength(60);
    expect(table!.uniques).toHaveLength(60);
    expect((ops(`create table wide (${columns.slice(0, 40).join(', ')})`)[0] as { columns: unknown[] }).columns).toHaveLength(40);
  });
  it('several columns at once', () => {
    expectOps('add columns length int, depth int to products', [
      addColumn('products', 'length', { kind: 'integer' }),
      addColumn('products', 'depth', { kind: 'integer' }),
    ]);
    expectOps('drop columns country and name from customers', [dropColumn('customers', 'country'), dropColumn('customers', 'name')]);
  });
});

describe('SQL fragments', () => {
  it('ALTER TABLE clauses, one or several', () => {
    expectOps("ALTER TABLE orders ADD COLUMN channel varchar(10) NOT NULL DEFAULT 'shop'", [
      addColumn('orders', 'channel', { kind: 'varchar', length: 10 }, { nullable: false, default: { kind: 'value', value: 'shop' } }),
    ]);
    expectOps('alter table customers drop column country, drop column name', [dropColumn('customers', 'country'), dropColumn('customers', 'name')]);
    expectOps('ALTER TABLE customers RENAME COLUMN name TO full_name', [{ op: 'renameColumn', table: 'customers', from: 'name', to: 'full_name' }]);
    expectOps('ALTER TABLE customers RENAME TO clients', [{ op: 'renameTable', from: 'customers', to: 'clients' }]);
    expectOps('ALTER TABLE customers ALTER COLUMN country TYPE char(2)', [
      { op: 'alterColumnType', table: 'customers', column: 'country', type: { kind: 'char', length: 2 } },
    ]);
    expectOps('ALTER TABLE customers ALTER COLUMN country SET NOT NULL', [nullable('customers', 'country', false)]);
    expectOps('ALTER TABLE customers ALTER COLUMN country DROP DEFAULT', [{ op: 'setDefault', table: 'customers', column: 'country', default: null }]);
    expectOps('ALTER TABLE products ADD CONSTRAINT products_sku_uniq UNIQUE (sku)', [
      { op: 'addUnique', table: 'products', unique: { name: 'products_sku_uniq', columns: ['sku'] } },
    ]);
    expectOps('ALTER TABLE order_items ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE', [
      {
        op: 'addForeignKey',
        table: 'order_items',
        foreignKey: { name: 'order_items_order_id_fkey', columns: ['order_id'], references: { table: 'orders', columns: ['id'] }, onDelete: 'cascade' },
      },
    ]);
  });
  it('CREATE INDEX with or without a name, partial indexes, CREATE TABLE with table constraints, CREATE TYPE AS ENUM', () => {
    expectOps('CREATE INDEX ON products (name)', [{ op: 'createIndex', table: 'products', name: 'products_name_idx', columns: ['name'] }]);
    expectOps("create index open_orders on orders (created_at) where status <> 'done'", [
      { op: 'createIndex', table: 'orders', name: 'open_orders', columns: ['created_at'], where: "status <> 'done'" },
    ]);
    expectOps(
      'CREATE TABLE likes (user_id int NOT NULL, product_id int NOT NULL, PRIMARY KEY (user_id, product_id), FOREIGN KEY (product_id) REFERENCES products (id))',
      [
        {
          op: 'createTable',
          table: 'likes',
          columns: [
            { name: 'user_id', type: { kind: 'integer' }, nullable: false },
            { name: 'product_id', type: { kind: 'integer' }, nullable: false },
          ],
          primaryKey: { columns: ['user_id', 'product_id'] },
          foreignKeys: [{ name: 'likes_product_id_fkey', columns: ['product_id'], references: { table: 'products', columns: ['id'] } }],
        },
      ],
    );
    expectOps("CREATE TYPE size AS ENUM ('s', 'm', 'l')", [{ op: 'createEnum', name: 'size', values: ['s', 'm', 'l'] }]);
    expectOps("ALTER TYPE size ADD VALUE 'xl' AFTER 'l'", [{ op: 'addEnumValue', enum: 'size', value: 'xl', after: 'l' }]);
  });
});

describe('set … for … on …', () => {
  const status = (value: string): MigrationOpInput[] => [{ op: 'setDefault', table: 'orders', column: 'status', default: { kind: 'value', value } }];
  it('the default said before or after the column, the table after the column', () => {
    expectOps("set the default of status on orders to 'open'", status('open'));
    expectOps("set default 'open' for orders.status", status('open'));
    expectOps("set default 'open' for status on orders", status('open'));
    expectOps("make 'open' the default for status in orders", status('open'));
    expectOps("the default for orders.status should be 'open'", status('open'));
    expectOps("give status on orders a default of 'open'", status('open'));
  });
});

describe("names resolved against the folder's implied schema", () => {
  it('a column named without its table resolves to the one table that has it', () => {
    expectOps('index sku', [{ op: 'createIndex', table: 'products', name: 'products_sku_idx', columns: ['sku'] }]);
    expectOps('make quantity optional', [nullable('order_items', 'quantity', true)]);
    expectOps('create an index on password_hash', [{ op: 'createIndex', table: 'users', name: 'users_password_hash_idx', columns: ['password_hash'] }]);
  });
  it('a column several tables have is refused, naming the candidates', () => {
    const e = refusal('index email');
    expect(e.message).toMatch(/email could be in customers or users: say which, as in customers\.email or users\.email/);
    expect(refusal('drop created_at').message).toMatch(/customers or orders/);
  });
  it('singular or plural, words for underscores, a table before its column', () => {
    expectOps('create an index on customer email', [{ op: 'createIndex', table: 'customers', name: 'customers_email_idx', columns: ['email'] }]);
    expectOps('drop the unit price column from the order items table', [dropColumn('order_items', 'unit_price')]);
    expectOps("make the user's role required", [nullable('users', 'role', false)]);
    expectOps('order.customer_id references customer', [
      {
        op: 'addForeignKey',
        table: 'orders',
        foreignKey: { name: 'orders_customer_id_fkey', columns: ['customer_id'], references: { table: 'customers', columns: ['id'] } },
      },
    ]);
  });
  it('the schema tells a table from a column', () => {
    expectOps('rename users to members', [{ op: 'renameTable', from: 'users', to: 'members' }]);
    expectOps('rename role to kind', [{ op: 'renameColumn', table: 'users', from: 'role', to: 'kind' }]);
    expectOps('drop products', [{ op: 'dropTable', table: 'products' }]);
    expectOps('link orders to customers', [
      {
        op: 'addForeignKey',
        table: 'orders',
        foreignKey: { name: 'orders_customer_id_fkey', columns: ['customer_id'], references: { table: 'customers', columns: ['id'] } },
      },
    ]);
  });
  it('a thing not named as a table or column, that the schema does not know, is not dropped', () => {
    expect(refusal('drop everything').message).toMatch(/could not understand/);
    expect(refusal('drop invoices').message).toMatch(/could not understand|no table/);
  });
});

describe("what the folder's schema does not have is refused, not guessed", () => {
  it('a column or table the schema lacks, or a column it already has, is named with what there is', () => {
    expect(refusal('drop customers.fax').message).toMatch(/customers has no column fax \(columns: id, email, name, country, created_at\)/);
    expect(refusal('rename table invoices to bills').message).toMatch(/no table invoices \(tables: customers, order_items, orders, products, users;/);
    expect(refusal('add email text to users').message).toMatch(/users already has a column email/);
    expect(refusal('create table orders with id int').message).toMatch(/table orders already exists/);
  });
  it('a quoted name, or a schema raw SQL migrations may have changed, takes names it lacks as written', () => {
    expectOps('drop column x from "legacy"', [dropColumn('legacy', 'x')]);
    expect(opsFromSentence('drop column x from legacy', { schema, partial: true })).toEqual(parseMigrationOps([dropColumn('legacy', 'x')]));
    expect(refusal('drop column x from legacy').message).toMatch(/quote the name to use a table the migrations do not create/);
  });
  it('a new column without a type is only invented when the sentence calls it a column or it is named like one', () => {
    expect(refusal('give users a raise').message).toMatch(/say what raise is: a column needs a type/);
    expect(refusal('add a trigger to orders').message).toMatch(/say what trigger is/);
    expectOps('add a trigger column to orders', [addColumn('orders', 'trigger', { kind: 'text' })]);
    expectOps('add a billing_address to customers', [addColumn('customers', 'billing_address', { kind: 'text' })]);
  });
  it('an enum is not a table or a column', () => {
    expect(refusal('add 1 to quantity').message).toMatch(/quantity is a column of order_items, not an enum/);
  });
  it('a table the sentence creates can be referred to by its own columns', () => {
    expectOps('create table folders with id int primary key, parent_id int references folders', [
      {
        op: 'createTable',
        table: 'folders',
        columns: [
          { name: 'id', type: { kind: 'integer' }, nullable: false },
          { name: 'parent_id', type: { kind: 'integer' } },
        ],
        primaryKey: { columns: ['id'] },
        foreignKeys: [{ name: 'folders_parent_id_fkey', columns: ['parent_id'], references: { table: 'folders', columns: ['id'] } }],
      },
    ]);
  });
});

describe('chained requests', () => {
  it('clauses one after another; it is the column the clause before was about', () => {
    expectOps('add column phone text to customers and index it', [
      addColumn('customers', 'phone', { kind: 'text' }),
      { op: 'createIndex', table: 'customers', name: 'customers_phone_idx', columns: ['phone'] },
    ]);
    expectOps('rename orders.status to state; then make it required', [
      { op: 'renameColumn', table: 'orders', from: 'status', to: 'state' },
      nullable('orders', 'state', false),
    ]);
    expectOps('users no longer need a role, drop it', [dropColumn('users', 'role')]);
    expectOps('the users table is obsolete, get rid of it', [{ op: 'dropTable', table: 'users' }]);
  });
  it('what a later clause says of a column an earlier one adds is part of its definition', () => {
    expectOps('add column stock int to products; it must not be null', [addColumn('products', 'stock', { kind: 'integer' }, { nullable: false })]);
    expectOps('add hidden boolean to products, then set its default to false', [
      addColumn('products', 'hidden', { kind: 'boolean' }, { default: { kind: 'value', value: false } }),
    ]);
  });
});

describe('typos', () => {
  it('a structure word one slip away is corrected, and the correction said back', () => {
    const read = readSentence('drop the colum country from custmers', { schema });
    expect(read.ops).toEqual(parseMigrationOps([dropColumn('customers', 'country')]));
    expect(read.notes).toContain('read "colum" as "column"');
  });
  it('a word one letter longer than a structure word is a word', () => {
    expectOps('add preferences json to users', [addColumn('users', 'preferences', { kind: 'json' })]);
  });
});

describe('foreign keys, uniques, checks, enums', () => {
  it('dropping by name finds the table in the schema or by the sentence; by column derives the name', () => {
    expectOps('drop the foreign key orders_customer_fk on orders', [{ op: 'dropForeignKey', table: 'orders', name: 'orders_customer_fk' }]);
    expectOps('remove the foreign key on orders.customer_id', [{ op: 'dropForeignKey', table: 'orders', name: 'orders_customer_id_fkey' }]);
    expectOps('drop the unique constraint on products.sku', [{ op: 'dropUnique', table: 'products', name: 'products_sku_key' }]);
    expectOps('drop check price_ok from products', [{ op: 'dropCheck', table: 'products', name: 'price_ok' }]);
  });
  it('checks as SQL or in words; the table from the sentence or from the expression', () => {
    expectOps('add a check on products (price >= 0)', [
      { op: 'addCheck', table: 'products', check: { name: 'products_price_check', expression: 'price >= 0' } },
    ]);
    expectOps('add a check that order_items.quantity > 0', [
      { op: 'addCheck', table: 'order_items', check: { name: 'order_items_quantity_check', expression: 'quantity > 0' } },
    ]);
    expectOps('order_items.quantity must be at least 1', [
      { op: 'addCheck', table: 'order_items', check: { name: 'order_items_quantity_check', expression: 'quantity >= 1' } },
    ]);
  });
  it('enums: create, extend, drop', () => {
    expectOps('create an enum called tier with values gold, silver and bronze', [{ op: 'createEnum', name: 'tier', values: ['gold', 'silver', 'bronze'] }]);
    expectOps("add 'platinum' to enum tier before 'gold'", [{ op: 'addEnumValue', enum: 'tier', value: 'platinum', before: 'gold' }]);
    expectOps('drop enum tier', [{ op: 'dropEnum', name: 'tier' }]);
  });
});

describe('more ways to say a column, an index, a unique constraint, an enum', () => {
  const str = (value: string) => ({ kind: 'value', value });
  it('a column with its type and attributes after commas is one column, not one per comma', () => {
    expectOps("customers need a loyalty_code column, varchar(12), defaulting to 'none'", [
      addColumn('customers', 'loyalty_code', { kind: 'varchar', length: 12 }, { nullable: true, default: str('none') }),
    ]);
    // Without the word column, a comma still separates columns: `name, date` is two.
    expect(ops('create table events with id int, name, date')[0]).toMatchObject({
      columns: [{ name: 'id' }, { name: 'name' }, { name: 'date', type: { kind: 'date' } }],
    });
    expectOps('orders get a tracking_ref column, uuid, with a random uuid as default', [
      addColumn('orders', 'tracking_ref', { kind: 'uuid' }, { nullable: true, default: { kind: 'uuid' } }),
    ]);
  });
  it('a column "of" its type, and the type and attributes in parentheses after the table', () => {
    expectOps('put a weight column of decimal(6,3) in products', [
      addColumn('products', 'weight', { kind: 'decimal', precision: 6, scale: 3 }, { nullable: true }),
    ]);
    expectOps('add a column nickname of type varchar(30) to users', [addColumn('users', 'nickname', { kind: 'varchar', length: 30 }, { nullable: true })]);
    expectOps('add a column nickname to users (varchar 30, required)', [addColumn('users', 'nickname', { kind: 'varchar', length: 30 }, { nullable: false })]);
  });
  it('array types: text[], varchar(40)[], array of integer', () => {
    expectOps('add column aliases varchar(40)[] to customers', [
      addColumn('customers', 'aliases', { kind: 'array', element: { kind: 'varchar', length: 40 } }, { nullable: true }),
    ]);
    expectOps('add a column scores (array of integer) to users', [
      addColumn('users', 'scores', { kind: 'array', element: { kind: 'integer' } }, { nullable: true }),
    ]);
  });
  it('a table named first, then what it gets: "T gets a new column: …", "T: new … column …"', () => {
    expectOps('products gets a new column: weight real required default 0', [
      addColumn('products', 'weight', { kind: 'real' }, { nullable: false, default: { kind: 'value', value: 0 } }),
    ]);
    expectOps('users: new optional column nickname varchar(30)', [addColumn('users', 'nickname', { kind: 'varchar', length: 30 }, { nullable: true })]);
  });
  it("contractions: I'd, we'd, we'll are I would, we would, we will", () => {
    expectOps("we'd like a newsletter flag on customers", [addColumn('customers', 'newsletter', { kind: 'boolean' }, { nullable: true })]);
    expectOps("we'll need customers.country to be required", [nullable('customers', 'country', false)]);
  });
  it('a partial (filtered) index with its where clause', () => {
    const index = { op: 'createIndex', table: 'customers', name: 'customers_country_idx', columns: ['country'], unique: false, where: "country <> 'NZ'" };
    expectOps("create a partial index on customers(country) where country <> 'NZ'", [index as MigrationOpInput]);
    expectOps("add a filtered index on customers (country) where country <> 'NZ'", [index as MigrationOpInput]);
  });
  it('unique keys, columns joined by +, and "no two rows share" said of rows', () => {
    const unique = (name: string, columns: string[]) => [{ op: 'addUnique', table: 'order_items', unique: { name, columns } } as MigrationOpInput];
    expectOps('add unique key uq_items on order_items for order_id and product_id', unique('uq_items', ['order_id', 'product_id']));
    expectOps('unique constraint on order_items over order_id + product_id', unique('order_items_order_id_product_id_key', ['order_id', 'product_id']));
    expectOps('ensure no two customers share an email', [{ op: 'addUnique', table: 'customers', unique: { name: 'customers_email_key', columns: ['email'] } }]);
    expectOps('make sure no two customers share an email', [
      { op: 'addUnique', table: 'customers', unique: { name: 'customers_email_key', columns: ['email'] } },
    ]);
  });
  it('"on every order", "for each customer": the rows say the table', () => {
    expectOps('require a country for each customer', [nullable('customers', 'country', false)]);
  });
  it('enums: add an enum with bare values, put a value into an enum', () => {
    expectOps('add an enum shipping_speed with standard, express and overnight', [
      { op: 'createEnum', name: 'shipping_speed', values: ['standard', 'express', 'overnight'] },
    ]);
    expectOps("put 'gold' into loyalty_tier after 'silver'", [{ op: 'addEnumValue', enum: 'loyalty_tier', value: 'gold', after: 'silver' }]);
  });
  it('"we no longer need the T table, drop it", "T has an index x we do not need, drop it": one drop', () => {
    expectOps('we no longer need the users table, drop it', [{ op: 'dropTable', table: 'users' }]);
    expectOps("customers has an index customers_country_idx that we don't need, drop it", [
      { op: 'dropIndex', table: 'customers', name: 'customers_country_idx' },
    ]);
    expectOps('we no longer need the index customers_country_idx on customers', [{ op: 'dropIndex', table: 'customers', name: 'customers_country_idx' }]);
  });
});

describe('nonsense is still refused, with the closest forms', () => {
  it.each([
    'delete all orders from last year',
    'update products set price = price * 2',
    'select * from users',
    'drop all tables',
    'make the database faster',
    'truncate order_items',
    'what time is it',
    'add a column to customers',
    'rename users',
  ])('%s', (sentence) => {
    const e = refusal(sentence);
    expect(e.suggestions.length).toBeGreaterThan(0);
    expect(e.message).toContain('Closest forms understood:');
  });
});

describe('any sentence', () => {
  const WORDS = [
    'add',
    'drop',
    'column',
    'table',
    'to',
    'from',
    'orders',
    'customers',
    'email',
    'status',
    'text',
    'varchar',
    '(',
    ')',
    ',',
    '20',
    'not null',
    'default',
    "'x'",
    'unique',
    'index',
    'on',
    'references',
    'it',
    'then',
    ';',
    'and',
    '.',
    'rename',
    'make',
    'required',
    'check',
    'enum',
    '"q"',
    '`a b`',
    "can't",
    "customer's",
    '->',
    ':',
    '-',
    'the',
    'with',
    'primary key',
    'if exists',
    '?',
    'should be added',
    'decimal 10 2',
    'where',
    '>',
    '\u2028',
    '[x]',
  ];
  it(`gives valid ops or a SentenceError, never another error (${cases(2000, 50000)} sentences)`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 14 }),
        fc.boolean(),
        (words, withSchema) => {
          try {
            opsFromSentence(words.join(' '), { schema: withSchema ? schema : null });
          } catch (e) {
            if (!(e instanceof SentenceError)) throw e;
          }
        },
      ),
      { numRuns: cases(2000, 50000) },
    );
  });
});
