import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type TenantDb } from '@byos/runtime';
import { demoFieldEncryption } from './encryption.ts';
import { DEMO_IMPORT_TABLE, demoImportExport } from './import-export.ts';
import { demoMigrations } from './migrations.ts';
import { demoPii } from './pii.ts';
import { demoSwitch, type DemoSwitchReport } from './switch.ts';

/** The `progress.step` calls the feature demos make. */
export const FEATURE_STEPS = 5;

export interface FeatureReport {
  migrations: { tenant: string; applied: string[]; statements: number; findings: number; drift: string[] }[];
  importExport: { file: string; rowsLoaded: number; rowsRejected: number; rejects: string; exported: { out: string; rows: number }[] };
  pii: { columns: number; personal: string[] };
  encryption: { keyId: string; auditIntact: boolean; lines: string[] };
  switch: DemoSwitchReport;
}

/**
 * The demo's second half, one step per capability on the two Chinook tenants: portable migrations applied to both,
 * a spreadsheet-style customers CSV imported into the SQLite tenant and exported back, a PII scan of the Postgres
 * tenant, field encryption with key rotation and a verified audit trail, and a live switch from SQLite to Postgres
 * under a steady writer. Each is re-runnable: the demos that create tables start from fresh ones.
 */
export async function runFeatureDemos(dir: string, tenants: { sqlite: TenantDb; postgres: TenantDb }, step: (label: string) => void): Promise<FeatureReport> {
  step('applying the demo migrations to both tenants');
  // The import below starts over each run; its table from an earlier run goes first, or the migrations' drift
  // check would report it as a change made outside the migrations.
  await tenants.sqlite.db.schema.dropTable(DEMO_IMPORT_TABLE).ifExists().execute();
  const migrations = [];
  for (const [name, tenant] of [
    ['demo-sqlite', tenants.sqlite],
    ['demo-postgres', tenants.postgres],
  ] as const) {
    const result = await demoMigrations(tenant, join(dir, 'migrations', name));
    migrations.push({
      tenant: name,
      applied: result.applied,
      statements: result.statements,
      findings: result.findings.length,
      drift: result.drift.map((f) => f.subject),
    });
  }

  step('importing a customers CSV into demo-sqlite and exporting it back (CSV and XLSX)');
  const moved = await demoImportExport(tenants.sqlite, join(dir, 'import'));
  const importExport = {
    file: moved.csv,
    rowsLoaded: moved.imported.rowsLoaded,
    rowsRejected: moved.imported.rowsRejected,
    rejects: moved.rejects,
    exported: moved.exported.map((e) => ({ out: e.out, rows: e.rows })),
  };

  step('scanning demo-postgres for personal data');
  const scan = await demoPii(tenants.postgres);
  const personal = scan.result.columns.filter((c) => c.categories.length > 0).map((c) => `${c.table}.${c.column}`);

  step('encrypting fields, rotating the data key and verifying the audit trail (demo-guard.sqlite)');
  const guardFile = join(dir, 'demo-guard.sqlite');
  // The guard demo starts over each run: a fresh database and a fresh key-encryption key for it.
  await rm(guardFile, { force: true });
  await rm(join(dir, 'demo-kek.key'), { force: true });
  const guard = await connect({ provider: 'local-sqlite', dialect: 'sqlite', database: guardFile });
  const lines: string[] = [];
  let encryption;
  try {
    const result = await demoFieldEncryption(guard, { workDir: dir, info: (line) => lines.push(line) });
    encryption = { keyId: result.newKeyId, auditIntact: result.auditOk, lines };
  } finally {
    await guard.close();
  }

  step('switching a copy of demo-sqlite to the embedded Postgres while a writer keeps inserting');
  const switched = await demoSwitch(dir);
  return { migrations, importExport, pii: { columns: scan.result.columns.length, personal }, encryption, switch: switched };
}

/** The feature half of the demo's printed report. */
export function formatFeatureReport(report: FeatureReport): string[] {
  const lines: string[] = [];
  for (const m of report.migrations) {
    lines.push(
      `  migrations on ${m.tenant}: ${m.applied.length ? `applied ${m.applied.join(', ')}` : 'all already applied'} (${m.statements} statements, ${m.findings} lint findings, drift ${m.drift.length === 0 ? 'none' : `outside the migrations: ${m.drift.join(', ')}`})`,
    );
  }
  const ie = report.importExport;
  lines.push(`  import: ${ie.rowsLoaded} rows loaded from ${ie.file}, ${ie.rowsRejected} rejected (see ${ie.rejects})`);
  lines.push(`  export: ${ie.exported.map((e) => `${e.rows} rows to ${e.out}`).join(', ')}`);
  lines.push(
    `  PII: ${report.pii.personal.length} of ${report.pii.columns} columns hold personal data (${report.pii.personal.slice(0, 4).join(', ')}${report.pii.personal.length > 4 ? ', …' : ''})`,
  );
  for (const line of report.encryption.lines.flatMap((l) => l.split('\n'))) lines.push(`  encryption: ${line.trim()}`);
  const s = report.switch;
  lines.push(
    `  switch: ${s.from} → ${s.to}: ${s.rowsMoved.toLocaleString('en-US')} rows moved, ${s.changesReplayed} changes replayed, ` +
      `${s.checksumsVerified} tables verified by checksum, ${s.writes} writes during the switch, longest write pause ${s.longestWritePauseMs} ms`,
  );
  return lines;
}
