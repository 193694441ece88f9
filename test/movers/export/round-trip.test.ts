import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, introspect, type SchemaModel, type TenantDb } from '@byos/runtime';
import { exportTable } from '@byos/runtime/export';
import { importFile } from '@byos/runtime/import';
import { copyChinookSqlite, loadChinookPostgres } from '../../../cli/src/demo/chinook.ts';
import { DIALECTS, freshSqlitePath, freshTenantDb } from '../../helpers/databases.ts';
import type { DialectName } from '@byos/runtime';

const dir = await mkdtemp(join(tmpdir(), 'byos-roundtrip-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function chinook(dialect: DialectName, label: string): Promise<TenantDb> {
  if (dialect === 'postgres') {
    const tenant = await freshTenantDb('postgres', label);
    await loadChinookPostgres(tenant);
    return tenant;
  }
  const path = await freshSqlitePath(label);
  await copyChinookSqlite(path);
  const tenant = await connect(`sqlite:${path}`);
  afterAll(() => tenant.close());
  return tenant;
}

/** Tables with the ones they reference first. */
function foreignKeyOrder(model: SchemaModel): string[] {
  const order: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (order.includes(name) || path.has(name)) return;
    path.add(name);
    const table = model.tables.find((t) => t.name === name)!;
    for (const fk of table.foreignKeys) if (fk.referencedTable !== name) visit(fk.referencedTable, path);
    order.push(name);
  };
  for (const t of model.tables) visit(t.name, new Set());
  return order;
}

async function allRows(tenant: TenantDb, model: SchemaModel, table: string): Promise<unknown[][]> {
  const { bulk } = tenant.dialect;
  let query = tenant.db.selectFrom(table).selectAll();
  for (const c of model.tables.find((t) => t.name === table)!.primaryKey!.columns) query = query.orderBy(c);
  const rows: unknown[][] = [];
  for await (const batch of bulk.stream(tenant, query.compile(), 5000)) rows.push(...batch.rows);
  return rows;
}

for (const dialect of DIALECTS) {
  describe(`export → import round trip on every Chinook table (${dialect})`, async () => {
    const source = await chinook(dialect, `rt_src_${dialect}`);
    const target = await chinook(dialect, `rt_dst_${dialect}`);
    const model = await introspect(source);
    const order = foreignKeyOrder(model);

    for (const format of ['csv', 'xlsx'] as const) {
      it(`${format}: every table comes back identical`, async () => {
        expect(order.length).toBe(11);
        for (const table of [...order].reverse()) await target.db.deleteFrom(table).execute();
        const files = new Map<string, string>();
        for (const table of order) {
          const out = join(dir, `${dialect}-${table}.${format}`);
          const report = await exportTable(source, table, { format, out });
          expect(report.rows).toBeGreaterThan(0);
          files.set(table, out);
        }
        for (const table of order) {
          const report = await importFile(target, { file: files.get(table)!, table });
          expect(
            report.mapping.every((m) => m.method === 'exact'),
            table,
          ).toBe(true);
          expect(report.rowsRejected, table).toBe(0);
        }
        for (const table of order) {
          expect(await allRows(target, model, table), table).toEqual(await allRows(source, model, table));
        }
        if (format === 'csv') {
          // and exporting the copy gives the same bytes
          for (const table of order) {
            const again = join(dir, `${dialect}-${table}.again.csv`);
            await exportTable(target, table, { format, out: again });
            expect(await readFile(again, 'utf8'), table).toBe(await readFile(files.get(table)!, 'utf8'));
          }
        }
      });
    }
  });
}
