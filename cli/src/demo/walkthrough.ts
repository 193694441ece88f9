import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type ConnectionProfileInput, connect, diffNeutral, generateTypes, introspect, type SchemaModel, snakeCase, type TenantDb } from '@byos/runtime';
import { serverCannotReach } from '@byos/runtime/local-postgres';
import type { Output } from '../output.ts';
import { createProgress, type Progress } from '../progress.ts';
import { copyChinookSqlite, loadChinookPostgres } from './chinook.ts';
import { FEATURE_STEPS, formatFeatureReport, runFeatureDemos } from './features.ts';
import { startDemoPostgres } from './embedded-postgres.ts';
import { DEMO_MOVE_DATABASE, writeDemoFleet } from './fleet.ts';
import { DEMO_IMPORT_TABLE } from './import-export.ts';

interface TenantReport {
  tenant: string;
  provider: string;
  dialect: string;
  location: string;
  profile: string;
  /** Generated TypeScript/Zod/Kysely types of the tenant (`byos types --zod --kysely`). */
  types: string;
  tables: number;
  rows: number;
  rowsByTable: Record<string, number>;
}

/** The `progress.step` calls runDemo makes: SQLite, server, Postgres tenant, introspect, types, rows, the features, stop. */
const DEMO_STEPS = 7 + FEATURE_STEPS;

/** What `byos demo` built and found: the two tenants, whether their schemas agree, and the feature steps' results. */
export type DemoReport = Awaited<ReturnType<typeof buildTenants>>;

/**
 * The walkthrough: a SQLite and an embedded-Postgres Chinook tenant in `dir`, introspected and typed, then (unless
 * `quick`) every feature demo on them. `out` only decides how progress shows (a bar, or nothing with --json).
 */
export async function runDemo(dir: string, out: Pick<Output, 'json'>, options: { quick?: boolean } = {}): Promise<DemoReport> {
  const progress = createProgress({ total: options.quick ? DEMO_STEPS - FEATURE_STEPS : DEMO_STEPS, json: out.json });
  try {
    return await buildTenants(dir, progress, options.quick ?? false);
  } finally {
    progress.done();
  }
}

async function buildTenants(dir: string, progress: Progress, quick: boolean) {
  await ensureReachableDir(dir);
  const step = (text: string) => progress.step(text);

  // Tenant 1: SQLite, a file next to the app.
  const sqlitePath = join(dir, 'demo-sqlite.sqlite');
  const sqliteProfile: ConnectionProfileInput = { tenant: 'demo-sqlite', provider: 'local-sqlite', dialect: 'sqlite', database: sqlitePath };
  if (existsSync(sqlitePath)) {
    step(`reusing SQLite tenant demo-sqlite at ${sqlitePath}`);
  } else {
    step(`creating SQLite tenant demo-sqlite at ${sqlitePath} (Chinook)`);
    await copyChinookSqlite(sqlitePath);
  }

  // Tenant 2: Postgres on the embedded server (real binaries from npm; no system install, no cloud).
  step(`starting embedded PostgreSQL in ${join(dir, 'postgres')}`);
  const { server, base, dataDir } = await startDemoPostgres(dir);
  try {
    const admin = await connect({ ...base, database: 'postgres' });
    try {
      const exists = await sql<{ n: number }>`select count(*)::int as n from pg_database where datname = 'demo_postgres'`.execute(admin.db);
      if (!exists.rows[0]?.n) await sql`create database demo_postgres`.execute(admin.db);
      // The console's move wizard takes demo-sqlite here: an empty database, made afresh by each demo run.
      await sql`drop database if exists ${sql.id(DEMO_MOVE_DATABASE)} with (force)`.execute(admin.db);
      await sql`create database ${sql.id(DEMO_MOVE_DATABASE)}`.execute(admin.db);
    } finally {
      await admin.close();
    }
    const postgresProfile: ConnectionProfileInput = { ...base, tenant: 'demo-postgres', database: 'demo_postgres' };

    const sqliteTenant = await connect(sqliteProfile);
    const postgresTenant = await connect(postgresProfile);
    try {
      const loaded = await sql<{
        n: number;
      }>`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'album'`.execute(postgresTenant.db);
      if (loaded.rows[0]?.n) {
        step('reusing demo-postgres (Chinook already loaded)');
      } else {
        step('loading Chinook into demo-postgres');
        await loadChinookPostgres(postgresTenant);
      }
      step('introspecting both tenants');
      const sqliteModel = await introspect(sqliteTenant);
      const postgresModel = await introspect(postgresTenant);
      const profiles = { sqlite: join(dir, 'demo-sqlite.profile.json'), postgres: join(dir, 'demo-postgres.profile.json') };
      // The profiles let later commands reach the tenants: `byos introspect --profile …`. No password inside.
      await writeFile(profiles.sqlite, `${JSON.stringify(sqliteProfile, null, 2)}\n`);
      await writeFile(profiles.postgres, `${JSON.stringify({ ...postgresProfile, host: undefined, port: undefined }, null, 2)}\n`);
      await writeDemoFleet(dir, { sqlite: sqliteProfile, postgres: { ...postgresProfile, host: undefined, port: undefined } });
      step('generating the types of both tenants');
      const types = { sqlite: join(dir, 'demo-sqlite.types.ts'), postgres: join(dir, 'demo-postgres.types.ts') };
      await writeFile(types.sqlite, generateTypes(sqliteModel, { zod: true, kysely: true }));
      await writeFile(types.postgres, generateTypes(postgresModel, { zod: true, kysely: true }));
      const features = quick ? undefined : await runFeatureDemos(dir, { sqlite: sqliteTenant, postgres: postgresTenant }, step);
      // Chinook's two scripts differ only in naming (InvoiceLineId vs invoice_line_id) and in SQLite's rowid keys;
      // the demo migrations keep them equal. The imported customers table exists on the SQLite tenant only.
      const migrated = { sqlite: await introspect(sqliteTenant), postgres: await introspect(postgresTenant) };
      // Counted at the end, once the migrations and the import have run, so that a second run (which finds the
      // migrations applied and redoes the import) reports the same tables and rows as the first.
      step('counting rows');
      const tenants = [
        await tenantReport('demo-sqlite', sqliteTenant, migrated.sqlite, sqlitePath, profiles.sqlite, types.sqlite),
        await tenantReport('demo-postgres', postgresTenant, migrated.postgres, `${dataDir} (database demo_postgres)`, profiles.postgres, types.postgres),
      ];
      const own = (model: SchemaModel) => ({ ...model, tables: model.tables.filter((t) => !isBookkeeping(t.name) && t.name !== DEMO_IMPORT_TABLE) });
      // SQLite has no enum types: the loyalty tier is text with a CHECK there, a native enum on Postgres.
      const neutralDifferences = diffNeutral(own(migrated.sqlite), own(migrated.postgres), { normalizeName: snakeCase, identity: false, nativeEnums: false });
      return { dir, tenants, neutralEqual: neutralDifferences.length === 0, neutralDifferences, features };
    } finally {
      await sqliteTenant.close();
      await postgresTenant.close();
    }
  } finally {
    step(server.owned ? 'stopping the embedded PostgreSQL' : 'leaving the embedded PostgreSQL running (another process started it)');
    if (server.owned) await server.stop();
  }
}

/** The runtime's own tables (byos_migrations, byos_keys…) are bookkeeping, not the tenant's schema. */
const isBookkeeping = (table: string) => table.startsWith('byos_');

async function tenantReport(tenant: string, db: TenantDb, model: SchemaModel, location: string, profile: string, types: string): Promise<TenantReport> {
  const rowsByTable: Record<string, number> = {};
  const tables = model.tables.filter((t) => !isBookkeeping(t.name));
  for (const table of tables) {
    const result = await db.db
      .selectFrom(table.name)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    rowsByTable[table.name] = Number(result.n);
  }
  return {
    tenant,
    provider: db.provider,
    dialect: db.dialect.name,
    location,
    profile,
    types,
    tables: tables.length,
    rows: Object.values(rowsByTable).reduce((a, b) => a + b, 0),
    rowsByTable,
  };
}

/** The human report of a demo run. */
export function printDemoReport(report: DemoReport, out: Output): void {
  out.info(`BYOS demo in ${report.dir}`);
  for (const t of report.tenants) {
    out.info(`  ${t.tenant.padEnd(14)} ${t.provider.padEnd(15)} ${String(t.tables).padStart(3)} tables ${String(t.rows).padStart(7)} rows  ${t.location}`);
  }
  out.info(
    report.neutralEqual
      ? `  schemas compare equal on their neutral parts${report.features ? ' after the migrations' : ''} (names normalised to snake_case)`
      : `  schemas differ:\n${report.neutralDifferences.map((d) => `    ${d}`).join('\n')}`,
  );
  out.info(`  types: ${report.tenants.map((t) => t.types).join(', ')}`);
  if (report.features) for (const line of formatFeatureReport(report.features)) out.info(line);
  out.info(`  next: npx byos introspect --profile ${report.tenants[0]!.profile}`);
  out.info(`  console: npx byos console --demo ${shellPath(report.dir)}   (the fleet, imports, migrations and moves in a browser)`);
}

/** As root, the embedded server runs as the `postgres` user, which must be able to reach the data folder. */
async function ensureReachableDir(dir: string): Promise<void> {
  const unreachable = await serverCannotReach(join(dir, 'postgres'));
  if (unreachable) throw new Error(`${unreachable}: run the demo in a folder it can reach, for example \`npx byos demo --dir /tmp/byos-demo\``);
  await mkdir(dir, { recursive: true });
  if (process.getuid?.() === 0) await chmod(dir, 0o755);
}

/** A path as a shell reads it back: plain, or single-quoted. */
function shellPath(path: string): string {
  return /^[\w./@:+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
