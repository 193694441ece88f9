import { describe, expect, it } from 'vitest';
import type { MigrationOpInput } from '@byos/runtime';
import { parseMigrationOps } from '@byos/runtime';
import { opsFromSentence, readSentence, SentenceError } from '@byos/runtime/migrate/sentence';

const customersTable: MigrationOpInput = {
  op: 'createTable',
  table: 'customers',
  columns: [
    { name: 'id', type: { kind: 'integer' }, nullable: false },
    { name: 'email', type: { kind: 'text' }, nullable: false },
  ],
  primaryKey: { columns: ['id'] },
};
const addEmail: MigrationOpInput = { op: 'addColumn', table: 'customers', column: { name: 'email', type: { kind: 'text' }, nullable: false } };
const fk = (onDelete?: string, column = 'id'): MigrationOpInput =>
  ({
    op: 'addForeignKey',
    table: 'orders',
    foreignKey: {
      name: 'orders_customer_id_fkey',
      columns: ['customer_id'],
      references: { table: 'customers', columns: [column] },
      ...(onDelete ? { onDelete } : {}),
    },
  }) as MigrationOpInput;
const setNullable = (nullable: boolean): MigrationOpInput => ({ op: 'setNullable', table: 'customers', column: 'email', nullable });
const alterName = (type: object): MigrationOpInput => ({ op: 'alterColumnType', table: 'customers', column: 'name', type }) as MigrationOpInput;

/** [sentence, the ops it must give]; every phrasing the grammar documents, and then some. */
const CASES: [string, MigrationOpInput[]][] = [
  // create a table
  ['create table customers with id (integer) primary key, email (text) required', [customersTable]],
  ['Create a table called customers with columns id (int) primary key and email (string) not null.', [customersTable]],
  ['create a new customers table with id integer primary key, email text required', [customersTable]],
  ['make a table named customers with the columns id (integer) pk, email (text) mandatory', [customersTable]],
  ['create table customers (id integer primary key, email text not null)', [customersTable]],
  ['new table customers with id (integer) primary key and email (text) required', [customersTable]],
  [
    "create table orders with id (bigint) identity, customer_id (integer) required references customers on delete cascade, total (decimal(10,2)) default 0, status (varchar(20)) default 'new', placed (timestamptz) default now, ref (uuid) unique default random uuid",
    [
      {
        op: 'createTable',
        table: 'orders',
        columns: [
          { name: 'id', type: { kind: 'bigint' }, nullable: false, identity: 'by-default' },
          { name: 'customer_id', type: { kind: 'integer' }, nullable: false },
          { name: 'total', type: { kind: 'decimal', precision: 10, scale: 2 }, default: { kind: 'value', value: 0 } },
          { name: 'status', type: { kind: 'varchar', length: 20 }, default: { kind: 'value', value: 'new' } },
          { name: 'placed', type: { kind: 'timestamptz' }, default: { kind: 'now' } },
          { name: 'ref', type: { kind: 'uuid' }, default: { kind: 'uuid' } },
        ],
        uniques: [{ name: 'orders_ref_key', columns: ['ref'] }],
        foreignKeys: [{ name: 'orders_customer_id_fkey', columns: ['customer_id'], references: { table: 'customers', columns: ['id'] }, onDelete: 'cascade' }],
      },
    ],
  ],
  [
    'create table events with at (timestamp with time zone), payload (jsonb), flag (bool) default false, body (blob), price (numeric(8)), day (date)',
    [
      {
        op: 'createTable',
        table: 'events',
        columns: [
          { name: 'at', type: { kind: 'timestamptz' } },
          { name: 'payload', type: { kind: 'json' } },
          { name: 'flag', type: { kind: 'boolean' }, default: { kind: 'value', value: false } },
          { name: 'body', type: { kind: 'binary' } },
          { name: 'price', type: { kind: 'decimal', precision: 8 } },
          { name: 'day', type: { kind: 'date' } },
        ],
      },
    ],
  ],
  // add a column
  ['add a required column email (text) to customers', [addEmail]],
  ['add required column email (text) to table customers', [addEmail]],
  ['add column email (text) required to customers', [addEmail]],
  ['add a required column email of type text to the customers table', [addEmail]],
  ['add customers.email (text) not null', [addEmail]],
  ['add email (text) to customers and make it required', [addEmail]],
  ['add a new field email as text to customers, required', [addEmail]],
  ['give customers a required column email (text)', [addEmail]],
  [
    'add an optional column nickname (varchar(40)) to customers',
    [{ op: 'addColumn', table: 'customers', column: { name: 'nickname', type: { kind: 'varchar', length: 40 }, nullable: true } }],
  ],
  [
    'add column active (boolean) with default true to customers',
    [{ op: 'addColumn', table: 'customers', column: { name: 'active', type: { kind: 'boolean' }, default: { kind: 'value', value: true } } }],
  ],
  [
    'add a unique column code (char(3)) to countries',
    [
      { op: 'addColumn', table: 'countries', column: { name: 'code', type: { kind: 'char', length: 3 } } },
      { op: 'addUnique', table: 'countries', unique: { name: 'countries_code_key', columns: ['code'] } },
    ],
  ],
  [
    'add column customer_id (integer) references customers to orders',
    [{ op: 'addColumn', table: 'orders', column: { name: 'customer_id', type: { kind: 'integer' } } }, fk()],
  ],
  // drop a column
  ['drop column email from customers', [{ op: 'dropColumn', table: 'customers', column: 'email' }]],
  ['remove the email column from customers', [{ op: 'dropColumn', table: 'customers', column: 'email' }]],
  ['delete customers.email', [{ op: 'dropColumn', table: 'customers', column: 'email' }]],
  ['drop the field email in table customers', [{ op: 'dropColumn', table: 'customers', column: 'email' }]],
  // rename a column / a table
  ['rename column email in customers to mail', [{ op: 'renameColumn', table: 'customers', from: 'email', to: 'mail' }]],
  ['rename customers.email to mail', [{ op: 'renameColumn', table: 'customers', from: 'email', to: 'mail' }]],
  ['rename the field email of table customers to mail', [{ op: 'renameColumn', table: 'customers', from: 'email', to: 'mail' }]],
  ['rename table customers to clients', [{ op: 'renameTable', from: 'customers', to: 'clients' }]],
  ['rename customers to clients', [{ op: 'renameTable', from: 'customers', to: 'clients' }]],
  ['drop table legacy', [{ op: 'dropTable', table: 'legacy' }]],
  // required / optional
  ['make customers.email required', [setNullable(false)]],
  ['make the column email in customers not null', [setNullable(false)]],
  ['customers.email should be required', [setNullable(false)]],
  ['customers.email is optional', [setNullable(true)]],
  ['make customers.email nullable', [setNullable(true)]],
  ['allow nulls in customers.email', [setNullable(true)]],
  ['require customers.email', [setNullable(false)]],
  ['set customers.email to not null', [setNullable(false)]],
  // type changes
  ['change the type of customers.name to varchar(120)', [alterName({ kind: 'varchar', length: 120 })]],
  ['change customers.name to text', [alterName({ kind: 'text' })]],
  ['alter column name in customers to type character varying(200)', [alterName({ kind: 'varchar', length: 200 })]],
  ['convert customers.name into string(50)', [alterName({ kind: 'varchar', length: 50 })]],
  ['set the data type of customers.name to text', [alterName({ kind: 'text' })]],
  ['make customers.name a bigint', [alterName({ kind: 'bigint' })]],
  // indexes
  ['add a unique index on customers (email)', [{ op: 'createIndex', table: 'customers', name: 'customers_email_idx', columns: ['email'], unique: true }]],
  ['add an index on orders.customer_id', [{ op: 'createIndex', table: 'orders', name: 'orders_customer_id_idx', columns: ['customer_id'], unique: false }]],
  [
    'create index orders_by_day on orders (customer_id, placed)',
    [{ op: 'createIndex', table: 'orders', name: 'orders_by_day', columns: ['customer_id', 'placed'], unique: false }],
  ],
  ['create an index named o_p on table orders placed', [{ op: 'createIndex', table: 'orders', name: 'o_p', columns: ['placed'], unique: false }]],
  [
    'add an index on customer_id and placed of orders',
    [{ op: 'createIndex', table: 'orders', name: 'orders_customer_id_placed_idx', columns: ['customer_id', 'placed'], unique: false }],
  ],
  ['index orders.placed', [{ op: 'createIndex', table: 'orders', name: 'orders_placed_idx', columns: ['placed'], unique: false }]],
  ['drop index orders_by_day on orders', [{ op: 'dropIndex', table: 'orders', name: 'orders_by_day' }]],
  ['remove the index orders.orders_by_day', [{ op: 'dropIndex', table: 'orders', name: 'orders_by_day' }]],
  // unique constraints
  ['add a unique constraint on customers (email)', [{ op: 'addUnique', table: 'customers', unique: { name: 'customers_email_key', columns: ['email'] } }]],
  ['add unique constraint email_once on customers.email', [{ op: 'addUnique', table: 'customers', unique: { name: 'email_once', columns: ['email'] } }]],
  ['make customers.email unique', [{ op: 'addUnique', table: 'customers', unique: { name: 'customers_email_key', columns: ['email'] } }]],
  ['customers.email must be unique', [{ op: 'addUnique', table: 'customers', unique: { name: 'customers_email_key', columns: ['email'] } }]],
  [
    'make first and last of people unique together',
    [{ op: 'addUnique', table: 'people', unique: { name: 'people_first_last_key', columns: ['first', 'last'] } }],
  ],
  // foreign keys
  ['orders.customer_id references customers', [fk()]],
  ['orders.customer_id references customers.id', [fk()]],
  ['orders.customer_id references customers(code)', [fk(undefined, 'code')]],
  ['orders.customer_id references customers on delete set null', [fk('set null')]],
  ['add a foreign key from orders.customer_id to customers', [fk()]],
  ['link orders.customer_id to customers.id on delete cascade', [fk('cascade')]],
  ['orders.customer_id belongs to customers', [fk()]],
  // defaults
  ["set the default of orders.status to 'new'", [{ op: 'setDefault', table: 'orders', column: 'status', default: { kind: 'value', value: 'new' } }]],
  ['set orders.total default 0', [{ op: 'setDefault', table: 'orders', column: 'total', default: { kind: 'value', value: 0 } }]],
  ['orders.placed defaults to now', [{ op: 'setDefault', table: 'orders', column: 'placed', default: { kind: 'now' } }]],
  ['default orders.ref to a random uuid', [{ op: 'setDefault', table: 'orders', column: 'ref', default: { kind: 'uuid' } }]],
  ['set the default value for orders.rate to -1.5', [{ op: 'setDefault', table: 'orders', column: 'rate', default: { kind: 'value', value: -1.5 } }]],
  ['drop the default of orders.status', [{ op: 'setDefault', table: 'orders', column: 'status', default: null }]],
  ['remove default from orders.status', [{ op: 'setDefault', table: 'orders', column: 'status', default: null }]],
  ['set the default of orders.status to null', [{ op: 'setDefault', table: 'orders', column: 'status', default: null }]],
];

describe('opsFromSentence', () => {
  const understood = CASES;
  it('is tested on at least 40 sentences', () => {
    expect(understood.length).toBeGreaterThanOrEqual(40);
  });
  it.each(understood)('%s', (sentence, expected) => {
    expect(opsFromSentence(sentence)).toEqual(parseMigrationOps(expected));
  });

  it('is deterministic: the same sentence gives the same ops', () => {
    for (const [sentence] of understood) expect(JSON.stringify(opsFromSentence(sentence))).toBe(JSON.stringify(opsFromSentence(sentence)));
  });

  describe('names stay names', () => {
    it('quoted names that spell SQL or keywords are kept verbatim', () => {
      expect(opsFromSentence('add column "drop table x; --" (text) to "order items"')).toEqual(
        parseMigrationOps([{ op: 'addColumn', table: 'order items', column: { name: 'drop table x; --', type: { kind: 'text' } } }]),
      );
      expect(opsFromSentence('rename column "to" in "table" to "from"')).toEqual(
        parseMigrationOps([{ op: 'renameColumn', table: 'table', from: 'to', to: 'from' }]),
      );
      expect(opsFromSentence(`create table "Robert'); DROP TABLE students;--" with "required" (text) required`)).toEqual(
        parseMigrationOps([
          { op: 'createTable', table: "Robert'); DROP TABLE students;--", columns: [{ name: 'required', type: { kind: 'text' }, nullable: false }] },
        ]),
      );
    });
    it('doubled quotes escape a quote inside a name; case and unicode are kept', () => {
      expect(opsFromSentence('drop column "say ""hi""" from Ünïcode_Tåble')).toEqual(
        parseMigrationOps([{ op: 'dropColumn', table: 'Ünïcode_Tåble', column: 'say "hi"' }]),
      );
      expect(opsFromSentence('rename CamelCase to snake_case')).toEqual(parseMigrationOps([{ op: 'renameTable', from: 'CamelCase', to: 'snake_case' }]));
    });
    it('an overlong name is refused by the contract, with the reason', () => {
      expect(() => opsFromSentence(`drop table ${'x'.repeat(64)}`)).toThrow(/at most 63 bytes/);
    });
    it('derived constraint names stay within 63 bytes and differ for different columns', () => {
      const long = 'c'.repeat(40);
      const [a] = opsFromSentence(`make t_${long}.${long}_a unique`);
      const [b] = opsFromSentence(`make t_${long}.${long}_b unique`);
      const nameOf = (op: unknown) => (op as { unique: { name: string } }).unique.name;
      expect(Buffer.byteLength(nameOf(a))).toBeLessThanOrEqual(63);
      expect(nameOf(a)).not.toBe(nameOf(b));
    });
  });

  describe('helpful errors', () => {
    const error = (sentence: string): SentenceError => {
      try {
        opsFromSentence(sentence);
      } catch (e) {
        if (e instanceof SentenceError) return e;
        throw e;
      }
      throw new Error(`"${sentence}" was understood`);
    };
    it('nonsense lists the closest forms', () => {
      const e = error('please make me a sandwich');
      expect(e.message).toContain('could not understand "please make me a sandwich"');
      expect(e.suggestions).toHaveLength(3);
      expect(e.message).toContain('Closest forms understood:');
    });
    it('a verb too garbled to correct still ranks the intended form first', () => {
      expect(error('craet tbl customers with id (integer)').suggestions[0]).toMatch(/^create table/);
      expect(error('rnmae column email in customers to mail').suggestions[0]).toMatch(/^rename/);
      expect(error('ad a colmn email (text) to customers').suggestions[0]).toMatch(/^add a required column/);
    });
    it('words shared with a form rank it first', () => {
      expect(error('foreign key orders customers').suggestions[0]).toMatch(/references/);
      expect(error('default status new').suggestions.some((s) => s.includes('default'))).toBe(true);
    });
    it('an unknown type is named, with the types understood', () => {
      expect(error('add column x (flubber) to t').message).toMatch(/unknown type "flubber" \(types: text, varchar\(80\)/);
    });
    it('a column without a type gets one guessed from its name, and the guess is said', () => {
      const read = readSentence('create table t with id, name, created_at');
      expect(read.ops).toEqual(
        parseMigrationOps([
          {
            op: 'createTable',
            table: 't',
            columns: [
              { name: 'id', type: { kind: 'integer' } },
              { name: 'name', type: { kind: 'text' } },
              { name: 'created_at', type: { kind: 'timestamp' } },
            ],
          },
        ]),
      );
      expect(read.notes).toEqual(expect.arrayContaining([expect.stringMatching(/guessed type integer for id: give it as "id \(type\)"/)]));
    });
    it('bad sizes and misplaced keys are explained', () => {
      expect(() => opsFromSentence('add column p (decimal(2,5)) to t')).toThrow(/scale cannot exceed the precision/);
      expect(() => opsFromSentence('add column b (boolean(3)) to t')).toThrow(/boolean takes no size/);
      expect(() => opsFromSentence('add column id (integer) primary key to t')).toThrow(/primary key is declared when the table is created/);
      expect(() => opsFromSentence('create table t with b (text), b (integer)')).toThrow(/column b is listed twice/);
      expect(() => opsFromSentence('drop index foo')).toThrow(/say which table index foo is on/);
      expect(() => opsFromSentence('drop column "unclosed from t')).toThrow(/unclosed quote/);
    });
    it('an empty sentence is refused', () => {
      expect(() => opsFromSentence('   ')).toThrow(/empty/);
    });
  });
});
