import { describe, expect, it } from 'vitest';
import type { MigrationOp } from '@byos/runtime';
import { loadDialect } from '@byos/runtime/dialects';
import { impliedModel, migrationContext, planOne } from '@byos/runtime/migrate';
import { opsFromSentence } from '@byos/runtime/migrate/sentence';
import type { DialectName } from '@byos/runtime';

/** The lint reading each dialect's real compiler output (dialects/<d>/migrate), through the plan the CLI shows. */
const BASE = [
  ...opsFromSentence('create table customers with id (integer) primary key, email (text), name (varchar(80))'),
  ...opsFromSentence('create table orders with id (integer) primary key, customer_id (integer)'),
];

async function findings(dialect: DialectName, sentence: string): Promise<string[]> {
  const ctx = migrationContext(await loadDialect(dialect));
  const before = impliedModel(ctx, [{ id: '1', name: 'base', file: '', checksum: '', kind: 'ops', ops: BASE as MigrationOp[] }]);
  return planOne(ctx, { id: '2', name: 'change', ops: opsFromSentence(sentence) }, before).findings.map(
    (f) => `${f.rule} ${f.subject.replace(/^2_change: /, '')}`,
  );
}

describe('lint on compiled plans', () => {
  it('Postgres safe forms pass the mechanics rules: validated-check NOT NULL, concurrent index, USING INDEX unique, NOT VALID foreign key', async () => {
    for (const sentence of [
      'make customers.email required',
      'add a unique index on customers (email)',
      'make customers.email unique',
      'orders.customer_id references customers',
    ]) {
      expect(await findings('postgres', sentence), sentence).toEqual([]);
    }
  });
  it('Postgres: intent findings still come through the plan', async () => {
    expect(await findings('postgres', 'add column ref (uuid) default random uuid to orders')).toEqual([
      'adding-field-with-default op 1 (addColumn): orders.ref',
    ]);
    expect(await findings('postgres', 'rename customers.email to mail')).toEqual(['renaming-column op 1 (renameColumn): customers.email']);
  });
  it('SQLite: a change it cannot ALTER is reported once as a rebuild of that table (temp scratch tables are not)', async () => {
    expect(await findings('sqlite', 'change customers.name to text')).toEqual(['table-rebuild statement 8: customers']);
    expect(await findings('sqlite', 'orders.customer_id references customers')).toEqual(['table-rebuild statement 8: orders']);
  });
  it('SQLite: what it alters in place is no rebuild', async () => {
    expect(await findings('sqlite', 'rename customers.email to mail')).toEqual(['renaming-column op 1 (renameColumn): customers.email']);
    expect(await findings('sqlite', 'add a unique index on customers (email)')).toEqual([]);
  });
  it('SQL Server: NOT NULL by restating the column scans the table; WITH NOCHECK foreign keys pass', async () => {
    expect(await findings('mssql', 'make customers.email required')).toEqual(['adding-not-nullable-field statement 1: customers.email']);
    expect(await findings('mssql', 'orders.customer_id references customers')).toEqual([]);
  });
});
