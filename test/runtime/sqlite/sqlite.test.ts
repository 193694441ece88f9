import { writeFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect, introspect, SchemaModel } from '../../../runtime/src/index.ts';
import { parseCreateTable } from '../../../runtime/src/dialects/sqlite/sql-text.ts';
import { sqliteNeutralType } from '../../../runtime/src/dialects/sqlite/types.ts';
import { copyChinookSqlite } from '../../../cli/samples/chinook.ts';
import { freshSqlitePath, freshTenantDb } from '../../helpers/databases.ts';

describe('sqlite connector', () => {
  it('opens with WAL, enforced foreign keys and a busy timeout', async () => {
    const tenant = await freshTenantDb('sqlite', 'pragmas');
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(tenant.db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    await sql`create table parent (id integer primary key)`.execute(tenant.db);
    await sql`create table child (id integer primary key, parent_id integer references parent(id))`.execute(tenant.db);
    await expect(sql`insert into child (id, parent_id) values (1, 42)`.execute(tenant.db)).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });

  it('names the missing directory', async () => {
    await expect(connect('sqlite:/nonexistent-byos-dir/x/tenant.sqlite')).rejects.toThrow(/directory \/nonexistent-byos-dir\/x does not exist/);
  });

  it('names the file that is not a SQLite database', async () => {
    const path = await freshSqlitePath('garbage');
    await writeFile(path, 'this is not a database, just text that is long enough to have a header'.repeat(20));
    await expect(connect(`sqlite:${path}`)).rejects.toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*not a database`));
  });
});

describe('sqlite introspection', () => {
  it('reads Chinook: 11 tables, composite keys, foreign keys and indexes', async () => {
    const path = await freshSqlitePath('chinook');
    await copyChinookSqlite(path);
    const tenant = await connect(`sqlite:${path}`);
    try {
      const model = SchemaModel.parse(await introspect(tenant));
      expect(model.tables.map((t) => t.name)).toEqual([
        'Album', 'Artist', 'Customer', 'Employee', 'Genre', 'Invoice', 'InvoiceLine', 'MediaType', 'Playlist', 'PlaylistTrack', 'Track',
      ]);
      const playlistTrack = model.tables.find((t) => t.name === 'PlaylistTrack')!;
      expect(playlistTrack.primaryKey?.columns).toEqual(['PlaylistId', 'TrackId']);
      expect(playlistTrack.columns.every((c) => c.identity === null)).toBe(true);
      const employee = model.tables.find((t) => t.name === 'Employee')!;
      expect(employee.foreignKeys).toEqual([
        { name: null, columns: ['ReportsTo'], referencedSchema: 'main', referencedTable: 'Employee', referencedColumns: ['EmployeeId'], onDelete: 'no action', onUpdate: 'no action' },
      ]);
      const invoice = model.tables.find((t) => t.name === 'Invoice')!;
      expect(invoice.columns.find((c) => c.name === 'Total')).toMatchObject({ type: { kind: 'decimal', precision: 10, scale: 2 }, nativeType: 'NUMERIC(10,2)', nullable: false });
      expect(invoice.columns.find((c) => c.name === 'InvoiceDate')?.type).toEqual({ kind: 'timestamp' });
      expect(invoice.columns.find((c) => c.name === 'BillingCity')?.type).toEqual({ kind: 'varchar', length: 40 });
      expect(model.tables.find((t) => t.name === 'Track')!.indexes.map((i) => i.columns.join())).toEqual(['AlbumId', 'GenreId', 'MediaTypeId']);
      expect(await introspect(tenant)).toEqual(model);
    } finally {
      await tenant.close();
    }
  });

  it('reads generated columns, checks, partial and expression indexes, uniques and hostile identifiers', async () => {
    const tenant = await freshTenantDb('sqlite', 'special');
    const script = `
      create table "Größe ""x"" table" (
        id integer primary key autoincrement,
        "Größe ""x""" text not null default 'M' check ("Größe ""x""" in ('S', 'M', 'L')),
        "with space" varchar(20),
        price numeric(8, 2) constraint price_positive check (price > 0),
        qty integer not null,
        total numeric generated always as (price * qty) stored,
        label text as (upper("with space")) virtual,
        parent_id integer references "Größe ""x"" table"(id) on delete cascade,
        constraint uq_space unique ("with space", qty),
        check (qty >= 0)
      );
      create table line (order_id integer, line_no integer, note blob, primary key (order_id, line_no)) without rowid;
      create table line_ref (order_id integer not null, line_no integer not null,
        foreign key (order_id, line_no) references line (order_id, line_no) on update cascade on delete set null);
      create index idx_partial on "Größe ""x"" table" (qty) where qty > 10;
      create unique index idx_expr on "Größe ""x"" table" (lower("with space"), qty);
      create view big_orders as select id, qty from "Größe ""x"" table" where qty > 100;
    `;
    // better-sqlite3 prepares one statement at a time.
    for (const statement of script.split(/;\s*\n/).filter((s) => s.trim())) await sql.raw(statement).execute(tenant.db);
    const model = await introspect(tenant);
    const table = model.tables.find((t) => t.name === 'Größe "x" table')!;
    expect(table.columns.map((c) => c.name)).toEqual(['id', 'Größe "x"', 'with space', 'price', 'qty', 'total', 'label', 'parent_id']);
    expect(table.columns[0]).toMatchObject({ identity: 'by-default', nullable: false });
    expect(table.columns[1]).toMatchObject({ default: "'M'", nullable: false, type: { kind: 'text' } });
    expect(table.columns.find((c) => c.name === 'total')?.generated).toEqual({ kind: 'stored', expression: 'price * qty' });
    expect(table.columns.find((c) => c.name === 'label')?.generated).toEqual({ kind: 'virtual', expression: 'upper("with space")' });
    expect(table.checks).toEqual([
      { name: null, expression: '"Größe ""x""" in (\'S\', \'M\', \'L\')' },
      { name: null, expression: 'qty >= 0' },
      { name: 'price_positive', expression: 'price > 0' },
    ]);
    expect(table.uniques).toEqual([{ name: null, columns: ['with space', 'qty'] }]);
    expect(table.indexes).toEqual([
      { name: 'idx_expr', columns: ['(lower("with space"))', 'qty'], unique: true, where: null },
      { name: 'idx_partial', columns: ['qty'], unique: false, where: 'qty > 10' },
    ]);
    expect(table.foreignKeys).toEqual([
      { name: null, columns: ['parent_id'], referencedSchema: 'main', referencedTable: 'Größe "x" table', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' },
    ]);
    const line = model.tables.find((t) => t.name === 'line')!;
    expect(line.primaryKey?.columns).toEqual(['order_id', 'line_no']);
    expect(line.columns.map((c) => c.identity)).toEqual([null, null, null]);
    expect(model.tables.find((t) => t.name === 'line_ref')!.foreignKeys[0]).toMatchObject({
      columns: ['order_id', 'line_no'], referencedColumns: ['order_id', 'line_no'], onDelete: 'set null', onUpdate: 'cascade',
    });
    expect(model.views).toEqual([
      expect.objectContaining({ name: 'big_orders', columns: [expect.objectContaining({ name: 'id' }), expect.objectContaining({ name: 'qty' })] }),
    ]);
    expect(model.views[0]!.definition).toMatch(/^select id, qty from/);
    expect(await introspect(tenant)).toEqual(model);
  });
});

describe('sqlite declared types', () => {
  it.each([
    ['INTEGER', { kind: 'integer' }],
    ['NVARCHAR(160)', { kind: 'varchar', length: 160 }],
    ['numeric(10, 2)', { kind: 'decimal', precision: 10, scale: 2 }],
    ['DATETIME', { kind: 'timestamp' }],
    ['double precision', { kind: 'double' }],
    ['BLOB', { kind: 'binary' }],
    ['', { kind: 'unknown' }],
    ['MYINTTYPE', { kind: 'integer' }],
    ['SHORTCHARS', { kind: 'text' }],
    ['FLOATY', { kind: 'double' }],
    ['WHATEVER', { kind: 'decimal' }],
  ])('%s', (declared, expected) => {
    expect(sqliteNeutralType(declared)).toEqual(expected);
  });

  it('a CONSTRAINT name applies only to its own constraint', () => {
    const parsed = parseCreateTable('create table t (a int constraint nn not null check (a > 1), b int, constraint c2 check (b < 2))');
    expect(parsed.checks).toEqual([{ name: null, expression: 'a > 1' }, { name: 'c2', expression: 'b < 2' }]);
  });
});
