import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { introspect, type TenantDb } from '@byos/runtime';
import { type Column, SchemaModel } from '@byos/runtime';
import { freshTenantDb } from '../../helpers/databases.ts';
import { FEATURE_SCHEMA } from './feature-schema.ts';

let tenant: TenantDb;
let model: SchemaModel;

beforeAll(async () => {
  tenant = await freshTenantDb('postgres', 'features');
  await sql.raw(FEATURE_SCHEMA).execute(tenant.db);
  model = await introspect(tenant);
});

const table = (schema: string, name: string) => {
  const found = model.tables.find((t) => t.schema === schema && t.name === name);
  if (!found) throw new Error(`table ${schema}.${name} missing from the model`);
  return found;
};
const col = (c: Partial<Column> & Pick<Column, 'name' | 'type' | 'nativeType'>): Column => ({
  nullable: true,
  default: null,
  identity: null,
  generated: null,
  comment: null,
  ...c,
});

describe('Postgres introspection of a purpose-built schema', () => {
  it('is a valid SchemaModel, sorted by schema then name', () => {
    expect(SchemaModel.parse(model)).toEqual(model);
    expect(model.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['inventory.item', 'public.Größe "x"', 'public.category']);
    expect(model.views.map((v) => `${v.schema}.${v.name}`)).toEqual(['inventory.item_counts', 'public.category_roots']);
  });

  it('quoted identifiers with spaces, double quotes and non-ASCII letters; composite key; identity always; comments', () => {
    expect(table('public', 'Größe "x"')).toEqual({
      partitionBy: null,
      schema: 'public',
      name: 'Größe "x"',
      columns: [
        col({ name: 'Kunden Nr', type: { kind: 'integer' }, nativeType: 'integer', nullable: false, identity: 'always' }),
        col({ name: 'Zeile', type: { kind: 'integer' }, nativeType: 'integer', nullable: false }),
        col({ name: 'Größe "x"', type: { kind: 'text' }, nativeType: 'text', comment: 'the size' }),
      ],
      primaryKey: { name: 'Größe "x"_pkey', columns: ['Kunden Nr', 'Zeile'] },
      foreignKeys: [],
      uniques: [],
      indexes: [],
      checks: [],
      comment: 'Quoted names: spaces, quotes, non-ASCII',
    });
  });

  it('columns: identity by default, enums, arrays, domains, generated stored, json, network', () => {
    expect(table('public', 'category').columns).toEqual([
      col({ name: 'id', type: { kind: 'integer' }, nativeType: 'integer', nullable: false, identity: 'by-default' }),
      col({ name: 'parent_id', type: { kind: 'integer' }, nativeType: 'integer' }),
      col({ name: 'name', type: { kind: 'varchar', length: 80 }, nativeType: 'character varying(80)', nullable: false }),
      col({ name: 'tags', type: { kind: 'array', element: { kind: 'text' } }, nativeType: 'text[]' }),
      col({ name: 'feeling', type: { kind: 'enum', enumName: 'mood' }, nativeType: 'mood' }),
      col({ name: 'feelings', type: { kind: 'array', element: { kind: 'enum', enumName: 'mood' } }, nativeType: 'mood[]' }),
      col({ name: 'calm', type: { kind: 'enum', enumName: 'mood', domain: 'mood_not_sad' }, nativeType: 'mood_not_sad' }),
      // The domain is NOT NULL, so the column cannot hold a null either.
      col({ name: 'price', type: { kind: 'decimal', precision: 12, scale: 2, domain: 'positive_amount' }, nativeType: 'positive_amount', nullable: false }),
      col({
        name: 'prices',
        type: { kind: 'array', element: { kind: 'decimal', precision: 12, scale: 2, domain: 'positive_amount' } },
        nativeType: 'positive_amount[]',
      }),
      col({
        name: 'net',
        type: { kind: 'decimal', precision: 12, scale: 2 },
        nativeType: 'numeric(12,2)',
        generated: { kind: 'stored', expression: '((price)::numeric * 0.9)' },
      }),
      col({ name: 'slug', type: { kind: 'text' }, nativeType: 'text', generated: { kind: 'stored', expression: 'lower((name)::text)' } }),
      col({ name: 'created', type: { kind: 'timestamptz' }, nativeType: 'timestamp with time zone', nullable: false, default: 'now()' }),
      col({ name: 'data', type: { kind: 'json' }, nativeType: 'jsonb' }),
      col({ name: 'addr', type: { kind: 'network' }, nativeType: 'inet' }),
    ]);
  });

  it('self-referencing foreign key, unique constraint, check, partial and expression indexes', () => {
    const category = table('public', 'category');
    expect(category.primaryKey).toEqual({ name: 'category_pkey', columns: ['id'] });
    expect(category.foreignKeys).toEqual([
      {
        name: 'category_parent_id_fkey',
        columns: ['parent_id'],
        referencedSchema: 'public',
        referencedTable: 'category',
        referencedColumns: ['id'],
        onDelete: 'cascade',
        onUpdate: 'no action',
      },
    ]);
    expect(category.uniques).toEqual([{ name: 'category_name_key', columns: ['name'] }]);
    expect(category.checks).toEqual([{ name: 'category_name_not_empty', expression: "name::text <> ''::text" }]);
    // category_pkey and category_name_key back constraints, so they are not listed again as indexes.
    expect(category.indexes).toEqual([
      { name: 'category_children', columns: ['parent_id'], unique: false, where: 'parent_id IS NOT NULL' },
      { name: 'category_lower_name', columns: ['(lower(name::text))'], unique: false, where: null },
      { name: 'category_slug_parent', columns: ['parent_id', '(upper(slug))'], unique: true, where: 'parent_id > 0' },
    ]);
  });

  it('non-public schema: serial, domain and enum qualified by schema, composite FK into a quoted table', () => {
    expect(table('inventory', 'item')).toEqual({
      partitionBy: null,
      schema: 'inventory',
      name: 'item',
      columns: [
        col({
          name: 'id',
          type: { kind: 'bigint' },
          nativeType: 'bigint',
          nullable: false,
          default: "nextval('inventory.item_id_seq'::regclass)",
          identity: 'by-default',
        }),
        col({ name: 'code', type: { kind: 'varchar', length: 16, domain: 'inventory.sku' }, nativeType: 'inventory.sku', nullable: false }),
        col({
          name: 'state',
          type: { kind: 'enum', enumName: 'inventory.status' },
          nativeType: 'inventory.status',
          nullable: false,
          default: "'active'::inventory.status",
        }),
        col({ name: 'line_customer', type: { kind: 'integer' }, nativeType: 'integer' }),
        col({ name: 'line_row', type: { kind: 'integer' }, nativeType: 'integer' }),
      ],
      primaryKey: { name: 'item_pkey', columns: ['id'] },
      foreignKeys: [
        {
          name: 'item_line_fkey',
          columns: ['line_customer', 'line_row'],
          referencedSchema: 'public',
          referencedTable: 'Größe "x"',
          referencedColumns: ['Kunden Nr', 'Zeile'],
          onDelete: 'set null',
          onUpdate: 'cascade',
        },
      ],
      uniques: [{ name: 'item_code_state_key', columns: ['code', 'state'] }],
      indexes: [],
      checks: [],
      comment: null,
    });
  });

  it('enums with values in sort order (a value added with BEFORE lands in place)', () => {
    expect(model.enums).toEqual([
      { schema: 'inventory', name: 'status', values: ['active', 'retired'] },
      { schema: 'public', name: 'mood', values: ['sad', 'meh', 'ok', 'happy'] },
    ]);
  });

  it('domains with base type, nullability, default and every CHECK', () => {
    expect(model.domains).toEqual([
      {
        schema: 'inventory',
        name: 'sku',
        type: { kind: 'varchar', length: 16 },
        nativeType: 'character varying(16)',
        nullable: true,
        default: null,
        checks: [
          { name: 'sku_check', expression: "VALUE::text ~ '^[A-Z0-9-]+$'::text" },
          { name: 'sku_check1', expression: 'length(VALUE::text) >= 3' },
        ],
      },
      {
        schema: 'public',
        name: 'mood_not_sad',
        type: { kind: 'enum', enumName: 'mood' },
        nativeType: 'mood',
        nullable: true,
        default: null,
        checks: [{ name: 'mood_not_sad_check', expression: "VALUE <> 'sad'::mood" }],
      },
      {
        schema: 'public',
        name: 'positive_amount',
        type: { kind: 'decimal', precision: 12, scale: 2 },
        nativeType: 'numeric(12,2)',
        nullable: false,
        default: '1',
        checks: [{ name: 'positive_amount_check', expression: 'VALUE > 0::numeric' }],
      },
    ]);
  });

  it('a view and a materialized view with columns, definition and comment', () => {
    const [counts, roots] = model.views;
    expect(roots).toMatchObject({ schema: 'public', name: 'category_roots', materialized: false, comment: 'top-level categories' });
    expect(roots?.columns).toEqual([
      col({ name: 'id', type: { kind: 'integer' }, nativeType: 'integer' }),
      col({ name: 'name', type: { kind: 'varchar', length: 80 }, nativeType: 'character varying(80)' }),
    ]);
    expect(roots?.definition.replace(/\s+/g, ' ')).toBe('SELECT id, name FROM category WHERE parent_id IS NULL;');
    expect(counts).toMatchObject({ schema: 'inventory', name: 'item_counts', materialized: true, comment: null });
    expect(counts?.columns).toEqual([
      col({ name: 'state', type: { kind: 'enum', enumName: 'inventory.status' }, nativeType: 'inventory.status' }),
      col({ name: 'n', type: { kind: 'bigint' }, nativeType: 'bigint' }),
    ]);
    expect(counts?.definition.replace(/\s+/g, ' ')).toBe('SELECT state, count(*) AS n FROM inventory.item GROUP BY state;');
  });

  it('leaves out what extensions install, and is deterministic', async () => {
    await sql`create extension if not exists citext`.execute(tenant.db);
    const again = await introspect(tenant);
    // The extension itself is listed; nothing it installed (types, functions, casts) shows anywhere else.
    expect(again.extensions.map((e) => e.name)).toEqual(['citext', 'plpgsql']);
    expect({ ...again, extensions: model.extensions }).toEqual(model);
  });
});

describe('Postgres native types onto neutral types', () => {
  it('maps every supported native type, and anything else to unknown', async () => {
    const typed = await freshTenantDb('postgres', 'types');
    const columns: [string, string][] = [
      ['a', 'smallint'],
      ['b', 'integer'],
      ['c', 'bigint'],
      ['d', 'smallserial'],
      ['e', 'serial'],
      ['f', 'bigserial'],
      ['g', 'numeric(8,3)'],
      ['h', 'numeric'],
      ['i', 'real'],
      ['j', 'double precision'],
      ['k', 'money'],
      ['l', 'char(3)'],
      ['m', 'varchar'],
      ['n', 'varchar(9)'],
      ['o', 'text'],
      ['p', 'uuid'],
      ['q', 'date'],
      ['r', 'time'],
      ['s', 'timetz'],
      ['t', 'timestamp'],
      ['u', 'timestamptz'],
      ['v', 'interval'],
      ['w', 'json'],
      ['x', 'jsonb'],
      ['y', 'bytea'],
      ['z', 'xml'],
      ['aa', 'inet'],
      ['ab', 'cidr'],
      ['ac', 'macaddr'],
      ['ad', 'macaddr8'],
      ['ae', 'boolean'],
      ['af', 'point'],
      ['ag', 'int4range'],
      ['ah', 'integer[]'],
      ['ai', 'varchar(5)[]'],
      ['aj', 'numeric(4,1)[][]'],
      ['ak', 'time(0)'],
      ['al', 'timetz(2)'],
      ['am', 'timestamp(3)'],
      ['an', 'timestamptz(6)'],
      ['ao', 'interval second(3)'],
      ['ap', 'interval day'],
      ['aq', 'timestamp(3)[]'],
    ];
    await sql.raw(`create table every_type (${columns.map(([n, t]) => `${n} ${t}`).join(', ')})`).execute(typed.db);
    const [everyType] = (await introspect(typed)).tables;
    const got = Object.fromEntries((everyType?.columns ?? []).map((c) => [c.name, [c.type, c.nativeType, c.identity]]));
    expect(got).toEqual({
      a: [{ kind: 'smallint' }, 'smallint', null],
      b: [{ kind: 'integer' }, 'integer', null],
      c: [{ kind: 'bigint' }, 'bigint', null],
      d: [{ kind: 'smallint' }, 'smallint', 'by-default'],
      e: [{ kind: 'integer' }, 'integer', 'by-default'],
      f: [{ kind: 'bigint' }, 'bigint', 'by-default'],
      g: [{ kind: 'decimal', precision: 8, scale: 3 }, 'numeric(8,3)', null],
      h: [{ kind: 'decimal' }, 'numeric', null],
      i: [{ kind: 'real' }, 'real', null],
      j: [{ kind: 'double' }, 'double precision', null],
      k: [{ kind: 'money' }, 'money', null],
      l: [{ kind: 'char', length: 3 }, 'character(3)', null],
      m: [{ kind: 'varchar' }, 'character varying', null],
      n: [{ kind: 'varchar', length: 9 }, 'character varying(9)', null],
      o: [{ kind: 'text' }, 'text', null],
      p: [{ kind: 'uuid' }, 'uuid', null],
      q: [{ kind: 'date' }, 'date', null],
      r: [{ kind: 'time' }, 'time without time zone', null],
      s: [{ kind: 'time' }, 'time with time zone', null],
      t: [{ kind: 'timestamp' }, 'timestamp without time zone', null],
      u: [{ kind: 'timestamptz' }, 'timestamp with time zone', null],
      v: [{ kind: 'interval' }, 'interval', null],
      w: [{ kind: 'json' }, 'json', null],
      x: [{ kind: 'json' }, 'jsonb', null],
      y: [{ kind: 'binary' }, 'bytea', null],
      z: [{ kind: 'xml' }, 'xml', null],
      aa: [{ kind: 'network' }, 'inet', null],
      ab: [{ kind: 'network' }, 'cidr', null],
      ac: [{ kind: 'network' }, 'macaddr', null],
      ad: [{ kind: 'network' }, 'macaddr8', null],
      ae: [{ kind: 'boolean' }, 'boolean', null],
      af: [{ kind: 'unknown' }, 'point', null],
      ag: [{ kind: 'unknown' }, 'int4range', null],
      ah: [{ kind: 'array', element: { kind: 'integer' } }, 'integer[]', null],
      ai: [{ kind: 'array', element: { kind: 'varchar', length: 5 } }, 'character varying(5)[]', null],
      aj: [{ kind: 'array', element: { kind: 'decimal', precision: 4, scale: 1 } }, 'numeric(4,1)[]', null],
      ak: [{ kind: 'time', precision: 0 }, 'time(0) without time zone', null],
      al: [{ kind: 'time', precision: 2 }, 'time(2) with time zone', null],
      am: [{ kind: 'timestamp', precision: 3 }, 'timestamp(3) without time zone', null],
      an: [{ kind: 'timestamptz', precision: 6 }, 'timestamp(6) with time zone', null],
      ao: [{ kind: 'interval', precision: 3 }, 'interval second(3)', null],
      ap: [{ kind: 'interval' }, 'interval day', null],
      aq: [{ kind: 'array', element: { kind: 'timestamp', precision: 3 } }, 'timestamp(3) without time zone[]', null],
    });
  });
});

describe('Postgres domain chains and constraint flags', () => {
  it('a domain over a domain and a domain over an array resolve to the type at the bottom; check flags are not part of the rule', async () => {
    const tenant = await freshTenantDb('postgres', 'chains');
    const db = tenant.db;
    await sql
      .raw(`
      create domain code as varchar(10) not null check (value <> '');
      create domain short_code as code check (length(value) <= 4);
      create domain id_list as int[] check (cardinality(value) > 0);
      create table tagged (
        c short_code,
        cs short_code[],
        ids id_list,
        n int constraint tagged_n_check check (n > 0) no inherit,
        m int
      );
      alter table tagged add constraint tagged_m_check check (m < 10) not valid;
    `)
      .execute(db);
    const chains = await introspect(tenant);
    expect(chains.domains).toEqual([
      {
        schema: 'public',
        name: 'code',
        type: { kind: 'varchar', length: 10 },
        nativeType: 'character varying(10)',
        nullable: false,
        default: null,
        checks: [{ name: 'code_check', expression: "VALUE::text <> ''::text" }],
      },
      {
        schema: 'public',
        name: 'id_list',
        type: { kind: 'array', element: { kind: 'integer' } },
        nativeType: 'integer[]',
        nullable: true,
        default: null,
        checks: [{ name: 'id_list_check', expression: 'cardinality(VALUE) > 0' }],
      },
      // NOT NULL comes down the chain from code.
      {
        schema: 'public',
        name: 'short_code',
        type: { kind: 'varchar', length: 10, domain: 'code' },
        nativeType: 'code',
        nullable: false,
        default: null,
        checks: [{ name: 'short_code_check', expression: 'length(VALUE::text) <= 4' }],
      },
    ]);
    const [tagged] = chains.tables;
    expect(tagged?.columns.map((c) => [c.name, c.type, c.nativeType, c.nullable])).toEqual([
      ['c', { kind: 'varchar', length: 10, domain: 'short_code' }, 'short_code', false],
      ['cs', { kind: 'array', element: { kind: 'varchar', length: 10, domain: 'short_code' } }, 'short_code[]', true],
      ['ids', { kind: 'array', element: { kind: 'integer' }, domain: 'id_list' }, 'id_list', true],
      ['n', { kind: 'integer' }, 'integer', true],
      ['m', { kind: 'integer' }, 'integer', true],
    ]);
    expect(tagged?.checks).toEqual([
      { name: 'tagged_m_check', expression: 'm < 10' },
      { name: 'tagged_n_check', expression: 'n > 0' },
    ]);
  });
});
