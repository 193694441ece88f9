import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTableOp, importFile, ImportRejectedError, inferType } from '../../../src/movers/import/index.ts';
import { introspect } from '../../../src/index.ts';
import { driverValues } from '../../../src/dialects/value-shape.ts';
import { postgresIdentifierProblem } from '../../../src/dialects/postgres/migrate/identifiers.ts';
import { DIALECTS, freshTenantDb } from '../../../../test/helpers/databases.ts';

const dir = await mkdtemp(join(tmpdir(), 'byos-create-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('type inference', () => {
  it('takes the narrowest type every sample value fits', () => {
    expect(inferType(['1', '2', '', null])).toEqual({ kind: 'integer' });
    expect(inferType(['1', '3000000000'])).toEqual({ kind: 'bigint' });
    expect(inferType(['1', '2.5', '1234.750'])).toEqual({ kind: 'decimal' });
    expect(inferType(['yes', 'No', 'TRUE'])).toEqual({ kind: 'boolean' });
    expect(inferType(['2024-01-31', '31/12/2023'])).toEqual({ kind: 'date' });
    expect(inferType(['2024-01-31 10:00', '2024-02-01T11:30:00'])).toEqual({ kind: 'timestamp' });
    expect(inferType(['2024-01-31T10:00:00Z', '2024-02-01 11:30+02:00'])).toEqual({ kind: 'timestamptz' });
    expect(inferType(['0b9f1c9e-5c1e-4a77-8a59-8d3c9f4c7b10'])).toEqual({ kind: 'uuid' });
    expect(inferType(['{"a":1}', '[1,2]'])).toEqual({ kind: 'json' });
    expect(inferType(['1', 'one'])).toEqual({ kind: 'text' });
    expect(inferType(['', null])).toEqual({ kind: 'text' });
  });

  it('a column is a number only when every value reads back as written', () => {
    // a leading zero, past 2^53, a sign or grouping a number column drops, a phone number: text
    for (const values of [
      ['08123', '12345'],
      ['9007199254740993'],
      ['12345678901234567890'],
      ['+15551234567'],
      ['1,234.75', '2'],
      ['-0'],
      ['007.5'],
      ['555-1234'],
      ['1e5'],
    ]) {
      expect(inferType(values), values.join(' ')).toEqual({ kind: 'text' });
    }
    expect(inferType(['9007199254740991', '-9007199254740991'])).toEqual({ kind: 'bigint' });
    expect(inferType(['0', '-12', '2147483647'])).toEqual({ kind: 'integer' });
    expect(inferType(['0.50', '-1.000', '12'])).toEqual({ kind: 'decimal' });
    // SQLite stores a decimal as a double: 1.50 would read back as 1.5
    const sqlite = driverValues('sqlite').keepsNumberText;
    expect(inferType(['1.50', '2'], sqlite)).toEqual({ kind: 'text' });
    expect(inferType(['1.5', '2', '0.1'], sqlite)).toEqual({ kind: 'decimal' });
  });

  it('builds a createTable op; bad headers are refused by position', () => {
    const op = createTableOp('t', ['id', 'when'], [['1', '2024-01-01']]);
    expect(op).toMatchObject({
      op: 'createTable',
      table: 't',
      columns: [
        { name: 'id', type: { kind: 'integer' }, nullable: true },
        { name: 'when', type: { kind: 'date' } },
      ],
    });
    expect(() => createTableOp('t', ['a', 'a'], [])).toThrow('header "a" appears twice (columns 1 and 2); rename one to create the table');
    const postgres = { identifierProblem: postgresIdentifierProblem };
    expect(() => createTableOp('t', ['x'.repeat(64)], [], postgres)).toThrow(
      'header "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (column 1) is 64 bytes long; PostgreSQL keeps 63',
    );
    expect(() => createTableOp('é'.repeat(32), ['a'], [], postgres)).toThrow(/the table name ".*" is 64 bytes long; PostgreSQL keeps 63/);
    expect(createTableOp('t'.repeat(100), ['x'.repeat(100)], []).columns[0]!.name).toHaveLength(100); // SQLite: no limit
  });
});

for (const dialect of DIALECTS) {
  describe(`--create (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, `create_${dialect}`);

    it('creates the table from the file through the migration ops and loads it', async () => {
      const path = join(dir, `orders-${dialect}.csv`);
      await writeFile(
        path,
        'order id,placed,total,paid,ref,"""; drop table x; --"\n1,2024-01-31,1200.5,yes,0b9f1c9e-5c1e-4a77-8a59-8d3c9f4c7b10,a\n2,2024-02-01,3,no,0b9f1c9e-5c1e-4a77-8a59-8d3c9f4c7b11,b\n',
      );
      const report = await importFile(tenant, { file: path, table: 'new orders', create: true });
      expect([report.created, report.rowsLoaded]).toEqual([true, 2]);
      const model = await introspect(tenant);
      const table = model.tables.find((t) => t.name === 'new orders')!;
      expect(table.columns.map((c) => [c.name, c.type.kind])).toEqual([
        ['order id', 'integer'],
        ['placed', 'date'],
        ['total', 'decimal'],
        ['paid', 'boolean'],
        ['ref', dialect === 'postgres' ? 'uuid' : expect.any(String)],
        ['"; drop table x; --', 'text'],
      ]);
      const rows = (await sql<Record<string, unknown>>`select * from "new orders" order by 1`.execute(tenant.db)).rows;
      expect(rows.map((r) => Number(r.total))).toEqual([1200.5, 3]);
    });

    it('a failed --create import leaves no table behind', async () => {
      const path = join(dir, `broken-${dialect}.csv`);
      // the sample says integer; row 3 is not
      await writeFile(path, 'n\n1\n2\nthree\n');
      const failure = await importFile(tenant, { file: path, table: 'never', create: true, sampleRows: 2 }).catch((e) => e);
      expect(failure).toBeInstanceOf(ImportRejectedError);
      expect(failure.report.rejected[0]).toMatchObject({ row: 4, header: 'n', reason: '"three" is not a number' });
      expect((await introspect(tenant)).tables.map((t) => t.name)).not.toContain('never');
    });
  });
}
