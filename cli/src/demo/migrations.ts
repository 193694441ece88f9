import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Finding, introspect, type MigrationOpInput, snakeCase, type TenantDb } from '@byos/runtime';
import { detectDrift, loadMigrations, migrateUp, planMigrations } from '@byos/runtime/migrate';

/** What `demoMigrations` did to one tenant. */
export interface DemoMigrationReport {
  dialect: string;
  /** The folder the demo's migration files were written to. */
  dir: string;
  applied: string[];
  /** Statements the plan compiled for this dialect, and the lint findings on them. */
  statements: number;
  findings: Finding[];
  /** Drift after applying (empty: the database is what the migrations say). */
  drift: Finding[];
}

/**
 * For `byos demo`: writes four small migrations for a Chinook tenant into `dir` (a loyalty-tier enum column on
 * customers, an index on their email, a track-rating table with a foreign key and a check, and a raw SQL step that
 * makes the best customers gold), then plans, applies and checks them for drift. Names follow the tenant's own
 * style (`Customer`/`LoyaltyTier` on the SQLite Chinook, `customer`/`loyalty_tier` on the Postgres one), so the two
 * demo tenants still compare equal after snake_case naming. The tenant's existing schema becomes the baseline.
 */
export async function demoMigrations(tenant: TenantDb, dir: string): Promise<DemoMigrationReport> {
  const live = await introspect(tenant);
  const table = (name: string) => {
    const found = live.tables.find((t) => snakeCase(t.name) === name);
    if (!found) throw new Error(`the demo migrations expect a Chinook database (no ${name} table)`);
    return { name: found.name, column: (c: string) => found.columns.find((x) => snakeCase(x.name) === c)?.name ?? c };
  };
  const customer = table('customer');
  const track = table('track');
  const invoice = table('invoice');
  const pascal = customer.name !== snakeCase(customer.name);
  const name = (snake: string) => (pascal ? snake.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase()) : snake);
  const q = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
  const [tier, rating, stars] = [name('loyalty_tier'), name('track_rating'), name('stars')];
  const files: Record<string, string> = {
    '0001_loyalty_tier.ts': opsModule([
      { op: 'createEnum', name: 'loyalty_tier', values: ['bronze', 'silver', 'gold'] },
      {
        op: 'addColumn',
        table: customer.name,
        column: { name: tier, type: { kind: 'enum', enumName: 'loyalty_tier' }, default: { kind: 'value', value: 'bronze' } },
      },
    ]),
    '0002_customer_email_index.ts': opsModule([
      { op: 'createIndex', table: customer.name, name: name('customer_email_idx'), columns: [customer.column('email')] },
    ]),
    '0003_track_rating.ts': opsModule([
      {
        op: 'createTable',
        table: rating,
        columns: [
          { name: name('track_rating_id'), type: { kind: 'integer' }, nullable: false, identity: 'by-default' },
          { name: track.column('track_id'), type: { kind: 'integer' }, nullable: false },
          { name: stars, type: { kind: 'smallint' }, nullable: false },
          { name: name('rated_at'), type: { kind: 'timestamp' }, nullable: false, default: { kind: 'now' } },
        ],
        primaryKey: { columns: [name('track_rating_id')] },
        checks: [{ name: name('track_rating_stars_check'), expression: `${q(stars)} BETWEEN 1 AND 5` }],
        foreignKeys: [
          {
            name: name('track_rating_track_fk'),
            columns: [track.column('track_id')],
            references: { table: track.name, columns: [track.column('track_id')] },
            onDelete: 'cascade',
          },
        ],
      },
    ]),
    // Standard SQL (double-quoted names), so one text serves both dialects.
    '0004_gold_customers.sql': [
      '-- byos:up',
      `UPDATE ${q(customer.name)} SET ${q(tier)} = 'gold' WHERE ${q(customer.column('customer_id'))} IN (SELECT ${q(invoice.column('customer_id'))} FROM ${q(invoice.name)} GROUP BY ${q(invoice.column('customer_id'))} HAVING SUM(${q(invoice.column('total'))}) > 45)`,
      '-- byos:down',
      `UPDATE ${q(customer.name)} SET ${q(tier)} = 'bronze' WHERE ${q(tier)} = 'gold'`,
      '',
    ].join('\n'),
  };
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  const migrations = await loadMigrations(dir);
  const plans = await planMigrations(tenant, migrations);
  const result = await migrateUp(tenant, migrations);
  return {
    dialect: tenant.dialect.name,
    dir,
    applied: result.ran.map((r) => `${r.id}_${r.name}`),
    statements: plans.reduce((n, p) => n + p.steps.reduce((m, s) => m + s.statements.length, 0), 0),
    findings: plans.flatMap((p) => p.findings),
    drift: await detectDrift(tenant, migrations),
  };
}

function opsModule(ops: MigrationOpInput[]): string {
  return `/** Written by byos demo. */\nexport default { ops: ${JSON.stringify(ops, null, 2)} };\n`;
}
