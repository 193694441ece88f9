import { describe, expect, it } from 'vitest';
import { type Column, describeNeutralType, diffNeutral, neutralSchema, noNativeParts, type SchemaModel, snakeCase, type Table } from '@byos/runtime';

// Models built by hand: these tests pin down what the comparison looks at, independent of any introspector.

function col(name: string, extra: Partial<Column> = {}): Column {
  return { name, type: { kind: 'integer' }, nativeType: 'integer', nullable: false, default: null, identity: null, generated: null, comment: null, ...extra };
}

function table(name: string, extra: Partial<Table> = {}, schema = 'public'): Table {
  return {
    schema,
    name,
    columns: [col('id')],
    primaryKey: { name: `${name}_pkey`, columns: ['id'] },
    foreignKeys: [],
    uniques: [],
    indexes: [],
    checks: [],
    comment: null,
    partitionBy: null,
    ...extra,
  };
}

function model(tables: Table[], extra: Partial<SchemaModel> = {}): SchemaModel {
  return { dialect: 'postgres', defaultSchema: 'public', tables, views: [], enums: [], domains: [], ...noNativeParts('public'), ...extra };
}

const fk = (columns: string[], referencedTable: string, onDelete: Table['foreignKeys'][number]['onDelete'] = 'no action', name: string | null = null) => ({
  name,
  columns,
  referencedSchema: 'public',
  referencedTable,
  referencedColumns: ['id'],
  onDelete,
  onUpdate: 'no action' as const,
});

describe('neutral projection', () => {
  it('ignores native types, names of constraints and indexes, expressions, defaults, checks, comments and the default schema', () => {
    const postgres = model([
      table('invoice', {
        columns: [
          col('id', { nativeType: 'integer' }),
          col('total', { type: { kind: 'decimal', precision: 10, scale: 2 }, nativeType: 'numeric(10,2)', default: '0', comment: 'sum' }),
          col('email', { type: { kind: 'varchar', length: 60 }, nativeType: 'character varying(60)' }),
          col('double_total', { generated: { kind: 'stored', expression: '(total * (2)::numeric)' } }),
        ],
        primaryKey: { name: 'invoice_pkey', columns: ['id'] },
        indexes: [{ name: 'invoice_email_idx', columns: ['(lower((email)::text))'], unique: true, where: '(total > (0)::numeric)' }],
        checks: [{ name: 'invoice_total_check', expression: '(total >= (0)::numeric)' }],
        comment: 'invoices',
      }),
    ]);
    const sqlite = model(
      [
        table(
          'invoice',
          {
            columns: [
              col('id', { nativeType: 'INTEGER' }),
              col('total', { type: { kind: 'decimal', precision: 10, scale: 2 }, nativeType: 'NUMERIC(10,2)', default: '0.0' }),
              col('email', { type: { kind: 'varchar', length: 60 }, nativeType: 'NVARCHAR(60)' }),
              col('double_total', { generated: { kind: 'stored', expression: 'total * 2' } }),
            ],
            primaryKey: { name: null, columns: ['id'] },
            indexes: [{ name: 'IX_Email', columns: ['(lower(email))'], unique: true, where: 'total > 0' }],
            checks: [],
          },
          'main',
        ),
      ],
      { dialect: 'sqlite', defaultSchema: 'main' },
    );
    expect(diffNeutral(postgres, sqlite)).toEqual([]);
    expect(neutralSchema(sqlite).tables[0]).toEqual({
      name: 'invoice',
      columns: [
        { name: 'id', type: 'integer', nullable: false, generated: null, identity: false },
        { name: 'total', type: 'decimal(10,2)', nullable: false, generated: null, identity: false },
        { name: 'email', type: 'varchar(60)', nullable: false, generated: null, identity: false },
        { name: 'double_total', type: 'integer', nullable: false, generated: 'stored', identity: false },
      ],
      primaryKey: ['id'],
      foreignKeys: [],
      uniques: [],
      indexes: ['unique (<expression>) partial'],
    });
  });

  it('keeps schemas other than the default one as qualifiers', () => {
    const projected = neutralSchema(model([table('AuditLog', { foreignKeys: [fk(['id'], 'Invoice')] }, 'Audit'), table('Invoice')]), {
      normalizeName: snakeCase,
    });
    expect(projected.tables.map((t) => t.name)).toEqual(['audit.audit_log', 'invoice']);
    expect(projected.tables[0]!.foreignKeys).toEqual([{ columns: ['id'], references: 'invoice(id)', onDelete: 'no action', onUpdate: 'no action' }]);
  });

  it('describes neutral types', () => {
    expect(describeNeutralType({ kind: 'array', element: { kind: 'varchar', length: 3 } })).toBe('varchar(3)[]');
    expect(describeNeutralType({ kind: 'enum', enumName: 'MoodKind' }, snakeCase)).toBe('enum(mood_kind)');
    expect(describeNeutralType({ kind: 'decimal', precision: 12 })).toBe('decimal(12)');
    expect(describeNeutralType({ kind: 'integer', domain: 'positive_int' })).toBe('integer');
  });
});

describe('neutral diff', () => {
  it('names every difference where it is, left value first', () => {
    const left = model(
      [
        table('customer', {
          columns: [
            col('id', { identity: 'always' }),
            col('email', { type: { kind: 'varchar', length: 120 } }),
            col('name'),
            col('score', { generated: { kind: 'stored', expression: 'x' } }),
          ],
          uniques: [{ name: 'u1', columns: ['email'] }],
          indexes: [
            { name: 'i1', columns: ['name'], unique: false, where: null },
            { name: 'i2', columns: ['name'], unique: false, where: null },
          ],
          foreignKeys: [fk(['name'], 'customer', 'cascade')],
        }),
        table('gone'),
      ],
      { views: [{ schema: 'public', name: 'v', columns: [col('a'), col('b')], definition: 'select', materialized: false, comment: null }] },
    );
    const right = model(
      [
        table('customer', {
          columns: [
            col('id'),
            col('name', { nullable: true }),
            col('email', { type: { kind: 'varchar', length: 200 } }),
            col('score', { generated: { kind: 'virtual', expression: 'x' } }),
            col('added'),
          ],
          primaryKey: { name: 'p', columns: ['id', 'name'] },
          uniques: [{ name: 'u2', columns: ['name', 'email'] }],
          indexes: [{ name: 'other_name', columns: ['name'], unique: false, where: null }],
          foreignKeys: [fk(['name'], 'gone', 'set null'), fk(['email'], 'customer')],
        }),
        table('extra'),
      ],
      {
        views: [{ schema: 'public', name: 'v', columns: [col('b'), col('a')], definition: 'select', materialized: false, comment: null }],
        enums: [{ schema: 'public', name: 'mood', values: ['ok'] }],
      },
    );

    expect(diffNeutral(left, right)).toEqual([
      'customer.added: column only on the right',
      'customer.email: type varchar(120) vs varchar(200)',
      'customer.id: identity true vs false',
      'customer.name: nullable false vs true',
      'customer.score: generated stored vs virtual',
      'customer: column order [id, email, name, score] vs [id, name, email, score]',
      'customer: primary key (id) vs (id, name)',
      'customer: foreign key (email) references customer(id) on delete no action on update no action only on the right',
      'customer: foreign key (name) references customer(id) vs gone(id)',
      'customer: foreign key (name) on delete cascade vs set null',
      'customer: unique (email) only on the left',
      'customer: unique (name, email) only on the right',
      'customer: index (name) only on the left', // two identical indexes on the left, one on the right
      'extra: table only on the right',
      'gone: table only on the left',
      'v: view columns [a, b] vs [b, a]',
      'enum mood(ok): only on the right',
    ]);
    expect(diffNeutral(left, right, { identity: false })).not.toContain('customer.id: identity true vs false');
    expect(diffNeutral(right, right)).toEqual([]);
  });

  it('lists foreign keys one by one when several share their columns', () => {
    const left = model([table('a', { foreignKeys: [fk(['id'], 'b'), fk(['id'], 'c')] }), table('b'), table('c')]);
    const right = model([table('a', { foreignKeys: [fk(['id'], 'c')] }), table('b'), table('c')]);
    expect(diffNeutral(left, right)).toEqual(['a: foreign key (id) references b(id) on delete no action on update no action only on the left']);
  });
});

describe('snakeCase', () => {
  it.each([
    ['InvoiceLineId', 'invoice_line_id'],
    ['invoice_line', 'invoice_line'],
    ['HTTPStatus', 'http_status'],
    ['MediaType', 'media_type'],
    ['PK_PlaylistTrack', 'pk_playlist_track'],
    ['with space', 'with_space'],
    ['Größe', 'größe'],
  ])('%s → %s', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});
