import { access } from 'node:fs/promises';
import { redactText, sql, type TenantDb } from '@byos/runtime';
import { AUDIT_TABLE, verifyAudit } from '@byos/runtime/guard/audit';
import { BACKUP_VERIFY_ACTION } from '@byos/runtime/guard/backup';
import { KEY_TABLE, listKeys } from '@byos/runtime/guard/crypto';
import { scanPii } from '@byos/runtime/guard/pii';
import { detectDrift, loadMigrations, migrationStatus } from '@byos/runtime/migrate';
import { SwitchJournal } from '@byos/runtime/switch';
import type { ConsoleContext, FleetTenant } from '../context.ts';
import type { PolicyCache, PolicyGate } from './policy.ts';

/** One probe's answer: its value, or the one line that says why it has none. A failing probe never breaks the page. */
export type Probe<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Health {
  dialect: string;
  /** Round trip of a trivial query on an open connection. */
  latencyMs: number;
}

export interface SchemaVersion {
  /** The last applied migration (from byos_migrations), if any. */
  last?: { id: string; name: string; appliedAt: string | null };
  applied: number;
  pending: number;
  /** Differences between what the applied migrations imply and the live schema (only once migrations were applied). */
  drift?: string[];
}

export interface PiiSummary {
  columns: number;
  /** Category → the columns (`table.column`) holding it. */
  byCategory: Record<string, string[]>;
}

export interface KeyState {
  /** Whether the tenant has a key ring (byos_keys). */
  present: boolean;
  activeKeyId?: string;
  /** When the active data key was created: the last rotation, when there are retired keys. */
  activeSince?: string;
  retired: number;
  rotating: boolean;
}

export interface AuditStatus {
  present: boolean;
  intact?: boolean;
  entries?: number;
  problems?: string[];
  verifiedAt: string;
}

export interface BackupStatus {
  /** Whether the tenant has an audit trail, where `byos backup verify` records each verification. */
  recorded: boolean;
  /** The latest `backup.verify` entry of the audit trail, if any. */
  last?: { at: string; actor: string; ok?: boolean; tables?: number };
}

export interface MoveStatus {
  /** A move this console runs for the tenant right now. */
  job?: { id: string; startedAt: string };
  /** The switch journal (`<state>/<tenant>.switch.jsonl`): its operation's state and last step. */
  journal?: { state: string; step: string; at: string };
}

export interface TenantStatus {
  tenant: string;
  provider?: string;
  region?: string;
  residency?: string;
  compliance: string[];
  /** Where the tenant comes from: a stack file, the operator's records, or both. */
  source: string;
  policy: Probe<PolicyGate>;
  health: Probe<Health>;
  schema: Probe<SchemaVersion>;
  pii: Probe<PiiSummary>;
  keys: Probe<KeyState>;
  audit: Probe<AuditStatus>;
  backup: Probe<BackupStatus>;
  move: Probe<MoveStatus>;
}

const failed = (error: unknown): { ok: false; error: string } => ({
  ok: false,
  error: redactText(((error as Error)?.message ?? String(error)).split('\n')[0] ?? 'failed'),
});

async function attempt<T>(work: () => Promise<T>): Promise<Probe<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return failed(error);
  }
}

/** Every tenant's status, gathered in parallel. */
export async function fleetStatus(ctx: ConsoleContext, policies: PolicyCache, tenants: FleetTenant[]): Promise<TenantStatus[]> {
  const migrations = loadFolderMigrations(ctx.options.migrationsDir);
  return Promise.all(tenants.map((t) => tenantStatus(ctx, policies, t, migrations)));
}

async function loadFolderMigrations(dir: string | undefined) {
  if (!dir) return [];
  try {
    await access(dir);
  } catch {
    return []; // no migrations folder yet: nothing is pending
  }
  return loadMigrations(dir);
}

async function tenantStatus(
  ctx: ConsoleContext,
  policies: PolicyCache,
  fleetTenant: FleetTenant,
  migrations: ReturnType<typeof loadFolderMigrations>,
): Promise<TenantStatus> {
  const { tenant, spec } = fleetTenant;
  const source = [fleetTenant.desired ? 'stack file' : '', fleetTenant.recorded ? 'operator record' : ''].filter(Boolean).join(' + ');
  const policy: Promise<Probe<PolicyGate>> = spec
    ? attempt(() => policies.check(spec, fleetTenant.desired?.specHash ?? fleetTenant.recorded?.specHash))
    : Promise.resolve({ ok: false, error: 'no tenant spec to judge' });
  const [policyResult, database, move] = await Promise.all([policy, databaseProbes(ctx, tenant, migrations), attempt(() => moveStatus(ctx, tenant))]);
  return {
    tenant,
    ...(spec ? { provider: spec.provider, region: spec.region, ...(spec.residency ? { residency: spec.residency } : {}) } : {}),
    compliance: [...(spec?.compliance ?? [])],
    source,
    policy: policyResult,
    ...database,
    move,
  };
}

type DatabaseProbes = Pick<TenantStatus, 'health' | 'schema' | 'pii' | 'keys' | 'audit' | 'backup'>;

/** One connection per tenant for every probe that reads its database; unreachable, each shows the connection's error. */
async function databaseProbes(ctx: ConsoleContext, tenant: string, migrations: ReturnType<typeof loadFolderMigrations>): Promise<DatabaseProbes> {
  try {
    return await ctx.withTenant(tenant, async (db) => {
      const started = performance.now();
      await sql`select 1`.execute(db.db);
      const health: Probe<Health> = { ok: true, value: { dialect: db.profile.dialect, latencyMs: Math.round((performance.now() - started) * 10) / 10 } };
      const tables = attempt(async () => new Set((await db.db.introspection.getTables()).map((t) => t.name)));
      const has = async (name: string) => {
        const found = await tables;
        if (!found.ok) throw new Error(found.error);
        return found.value.has(name);
      };
      // Sequential: a SQLite handle serves one statement at a time, and the probes are short.
      const schema = await attempt(() => schemaVersion(db, migrations));
      const pii = await attempt(() => piiSummary(db));
      const keys = await attempt(async () => ((await has(KEY_TABLE)) ? keyState(db) : { present: false, retired: 0, rotating: false }));
      const audited = await has(AUDIT_TABLE).catch(() => false);
      const audit = await attempt(async () => (audited ? auditStatus(db) : { present: false, verifiedAt: new Date().toISOString() }));
      const backup = await attempt(() => (audited ? lastBackupVerification(db) : Promise.resolve({ recorded: false })));
      return { health, schema, pii, keys, audit, backup };
    });
  } catch (error) {
    const down = failed(error);
    return { health: down, schema: down, pii: down, keys: down, audit: down, backup: down };
  }
}

async function schemaVersion(db: TenantDb, folder: ReturnType<typeof loadFolderMigrations>): Promise<SchemaVersion> {
  const migrations = await folder;
  const rows = await migrationStatus(db, migrations);
  const applied = rows.filter((r) => r.appliedAt !== null);
  const last = applied.at(-1);
  const version: SchemaVersion = {
    applied: applied.length,
    pending: rows.filter((r) => r.state === 'pending').length,
    ...(last ? { last: { id: last.id, name: last.name, appliedAt: last.appliedAt } } : {}),
  };
  // Drift compares against what the applied migrations imply: before any, there is nothing to drift from.
  if (applied.length) version.drift = (await detectDrift(db, migrations)).map((f) => `${f.subject}: ${f.message}`);
  return version;
}

async function piiSummary(db: TenantDb): Promise<PiiSummary> {
  const scan = await scanPii(db, { sample: 100, samplesPerColumn: 0 });
  const byCategory: Record<string, string[]> = {};
  for (const column of scan.columns) for (const hit of column.categories) (byCategory[hit.category] ??= []).push(column.subject);
  return { columns: scan.columns.filter((c) => c.categories.length).length, byCategory };
}

async function keyState(db: TenantDb): Promise<KeyState> {
  const data = (await listKeys(db.db)).filter((k) => k.purpose === 'data');
  const active = data.find((k) => k.state === 'active');
  return {
    present: true,
    ...(active ? { activeKeyId: active.key_id, activeSince: active.created_at } : {}),
    retired: data.filter((k) => k.state === 'retired').length,
    rotating: data.some((k) => k.state === 'next'),
  };
}

async function auditStatus(db: TenantDb): Promise<AuditStatus> {
  const result = await verifyAudit(db);
  return {
    present: true,
    intact: result.ok,
    entries: result.entries,
    ...(result.findings.length ? { problems: result.findings.map((f) => `${f.subject}: ${f.message}`) } : {}),
    verifiedAt: new Date().toISOString(),
  };
}

/** `byos backup verify` records each verification in the audit trail (recordBackupVerification), the one log the tenant keeps. */
async function lastBackupVerification(db: TenantDb): Promise<BackupStatus> {
  const row = (await db.db
    .selectFrom(AUDIT_TABLE)
    .select(['at', 'actor', 'details'])
    .where('action', '=', BACKUP_VERIFY_ACTION)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()) as { at: string; actor: string; details: string } | undefined;
  if (!row) return { recorded: true };
  let details: { ok?: unknown; tables?: unknown } = {};
  try {
    details = JSON.parse(String(row.details)) as typeof details;
  } catch {
    // details that are not JSON say nothing about the outcome
  }
  return {
    recorded: true,
    last: {
      at: String(row.at),
      actor: String(row.actor),
      ...(typeof details.ok === 'boolean' ? { ok: details.ok } : {}),
      ...(typeof details.tables === 'number' ? { tables: details.tables } : {}),
    },
  };
}

async function moveStatus(ctx: ConsoleContext, tenant: string): Promise<MoveStatus> {
  const job = ctx.jobs.running('move').find((j) => j.subject === tenant);
  const journal = await SwitchJournal.read(ctx.options.stateDir, tenant);
  const last = journal?.current().at(-1);
  return {
    ...(job ? { job: { id: job.id, startedAt: job.startedAt } } : {}),
    ...(journal && last ? { journal: { state: journal.state(), step: last.step, at: last.at } } : {}),
  };
}
