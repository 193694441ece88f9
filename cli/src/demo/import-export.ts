import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TenantDb } from '@byos/runtime';
import { type ExportReport, exportTable } from '@byos/runtime/export';
import { importFile, type ImportReport } from '@byos/runtime/import';

const CUSTOMERS = [
  ['Ana', 'Trujillo', 'Mexico', 'gold'],
  ['Thomas', 'Hardy', 'UK', 'new'],
  ['Zoë', 'Lefèvre', 'France', 'gold'],
  ['Jürgen', 'Schmidt', 'Germany', 'lapsed'],
  ['Mei', 'Tan', 'Singapore', 'new'],
  ['Olu', 'Adeyemi', 'Nigeria', 'gold'],
  ['Sven', 'Ørsted', 'Denmark', 'new'],
  ['Priya', 'Nair', 'India', 'lapsed'],
];

/** The table the demo's import creates (on the SQLite tenant), dropped and created again on each run. */
export const DEMO_IMPORT_TABLE = 'demo_customers';

/**
 * The demo's import/export step: creates a customers table (Kysely's schema builder), writes a customers CSV the way
 * spreadsheets do (semicolons, BOM, "Customer Id"-style headers, day-first dates, thousands separators, one row
 * that fails validation), imports it with --on-error skip and a rejects file, then exports the table back as CSV and
 * XLSX. Returns what happened and where the files are.
 */
export async function demoImportExport(
  tenant: TenantDb,
  dir: string,
  table = DEMO_IMPORT_TABLE,
): Promise<{ csv: string; rejects: string; imported: ImportReport; exported: ExportReport[] }> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, 'customers.csv');
  const lines = ['Customer Id;First Name;Last Name;Country;Joined;Balance;Tier'];
  CUSTOMERS.forEach(([first, last, country, tier], i) => {
    lines.push(
      `${i + 1};${first};${last};${country};${String((i % 27) + 1).padStart(2, '0')}/0${(i % 9) + 1}/2024;${(1234.5 * (i + 1)).toLocaleString('en')};${tier}`,
    );
  });
  lines.push(`${CUSTOMERS.length + 1};Bad;Row;Nowhere;31/02/2024;lots;platinum`);
  await writeFile(csv, `\uFEFF${lines.join('\r\n')}\r\n`);
  await tenant.db.schema.dropTable(table).ifExists().execute();
  await tenant.db.schema
    .createTable(table)
    .addColumn('customer_id', 'integer', (c) => c.primaryKey())
    .addColumn('first_name', 'varchar(40)', (c) => c.notNull())
    .addColumn('last_name', 'varchar(40)', (c) => c.notNull())
    .addColumn('country', 'varchar(40)')
    .addColumn('joined', 'date')
    .addColumn('balance', 'numeric(12, 2)')
    .addColumn('tier', 'varchar(10)', (c) => c.check(sql`tier in ('new', 'gold', 'lapsed')`))
    .execute();
  const rejects = join(dir, 'customers.rejects.csv');
  const imported = await importFile(tenant, { file: csv, table, onError: 'skip', rejectsFile: rejects, dateFormat: 'DMY' });
  const exported = [
    await exportTable(tenant, table, { format: 'csv', out: join(dir, 'customers-export.csv') }),
    await exportTable(tenant, table, { format: 'xlsx', out: join(dir, 'customers-export.xlsx') }),
  ];
  return { csv, rejects, imported, exported };
}
