import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../dialects/index.ts';
import { canonicalJson, entryHash, GENESIS_HASH, parseExactJson, type SealedEntry } from './chain.ts';

/** What the audit trail needs of an open tenant database (a TenantDb fits). */
export interface AuditTenant {
  readonly dialect: Pick<Dialect, 'audit' | 'introspect'>;
  readonly db: Kysely<any>;
}

/** An administrative action to record (migration, import, switch, key rotation…). */
export interface AuditRecord {
  actor: string;
  /** Dotted verb: `migration.apply`, `import.csv`, `switch.cutover`, `keys.rotate`. */
  action: string;
  /** What it acted on: a table, a migration id, a key id, the tenant. */
  subject: string;
  details?: Record<string, unknown>;
}

export const AUDIT_TABLE = 'byos_audit';
export const AUDIT_STAGING_TABLE = 'byos_audit_staging';

const ready = new WeakMap<Kysely<any>, Promise<void>>();

/** Creates the staging and chain tables (and the append-only guard) once per Kysely handle. */
export function ensureAuditTables(tenant: AuditTenant): Promise<void> {
  let done = ready.get(tenant.db);
  if (!done) {
    done = (async () => {
      for (const statement of tenant.dialect.audit.createTables()) await sql.raw(statement).execute(tenant.db);
    })();
    done.catch(() => ready.delete(tenant.db));
    ready.set(tenant.db, done);
  }
  return done;
}

/** Installs row-change capture on the given tables: every INSERT/UPDATE/DELETE is staged for the chain. */
export async function installAuditCapture(tenant: AuditTenant, tables: readonly string[]): Promise<void> {
  await ensureAuditTables(tenant);
  const dialect = tenant.dialect;
  const model = await dialect.introspect(tenant.db);
  for (const name of tables) {
    const table = model.tables.find((t) => t.name === name && t.schema === model.defaultSchema);
    if (!table) throw new Error(`cannot capture changes of ${name}: no such table in the ${model.defaultSchema} schema`);
    for (const statement of dialect.audit.captureTable({ name, columns: table.columns.map((c) => c.name) })) await sql.raw(statement).execute(tenant.db);
  }
}

export async function removeAuditCapture(tenant: AuditTenant, tables: readonly string[]): Promise<void> {
  for (const name of tables) for (const statement of tenant.dialect.audit.dropCapture({ name })) await sql.raw(statement).execute(tenant.db);
}

/** The last sealed entry's seq and hash (0 and the genesis hash for an empty chain). */
export async function chainHead(db: Kysely<any>): Promise<{ seq: number; hash: string }> {
  const last = await db.selectFrom(AUDIT_TABLE).select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return last ? { seq: Number(last.seq), hash: String(last.hash).trim() } : { seq: 0, hash: GENESIS_HASH };
}

const parseDetails = (text: unknown): unknown => {
  try {
    return parseExactJson(String(text));
  } catch {
    return String(text);
  }
};

/**
 * Moves staged entries (from triggers and recordAudit) into the hash chain, in staging order, in one transaction
 * per batch. Two sealers racing either claim overlapping staged rows or collide on the chain's primary key; the loser
 * rolls back and tries again.
 */
export async function sealAudit(tenant: AuditTenant, options: { batchSize?: number } = {}): Promise<{ sealed: number; head: { seq: number; hash: string } }> {
  await ensureAuditTables(tenant);
  const batchSize = options.batchSize ?? 1000;
  let sealed = 0;
  for (let attempt = 0; ; ) {
    try {
      const n = await tenant.db.transaction().execute(async (trx) => {
        const staged = await trx.selectFrom(AUDIT_STAGING_TABLE).selectAll().orderBy('id').limit(batchSize).execute();
        if (!staged.length) return 0;
        // Claim the rows by deleting them first: a sealer that raced us deletes fewer than it read (it waits for our
        // commit, then finds them gone) and retries, so no staged entry is chained twice.
        const claimed = await trx
          .deleteFrom(AUDIT_STAGING_TABLE)
          .where(
            'id',
            'in',
            staged.map((s) => s.id),
          )
          .executeTakeFirst();
        if (Number(claimed.numDeletedRows) !== staged.length) throw new Error('staged entries were sealed by another process');
        let { seq, hash } = await chainHead(trx);
        const rows = staged.map((s) => {
          const details = parseDetails(s.details);
          const entry = { seq: ++seq, at: String(s.at), actor: String(s.actor), action: String(s.action), subject: String(s.subject), details };
          const prevHash = hash;
          hash = entryHash(prevHash, entry);
          return { ...entry, details: canonicalJson(details), prev_hash: prevHash, hash };
        });
        for (let i = 0; i < rows.length; i += 100)
          await trx
            .insertInto(AUDIT_TABLE)
            .values(rows.slice(i, i + 100))
            .execute();
        return staged.length;
      });
      sealed += n;
      if (n < batchSize) return { sealed, head: await chainHead(tenant.db) };
    } catch (error) {
      if (++attempt >= 20) throw new Error(`cannot seal the audit trail: ${(error as Error).message}`);
      // Lost a race for the next seq to another sealer: back off a little, at random, and read the new head.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/** Records an administrative action and seals it into the chain; returns the entry as sealed. */
export async function recordAudit(tenant: AuditTenant, record: AuditRecord): Promise<SealedEntry> {
  await ensureAuditTables(tenant);
  for (const [field, value] of Object.entries({ actor: record.actor, action: record.action, subject: record.subject })) {
    if (!value) throw new Error(`recordAudit: ${field} must not be empty`);
  }
  const staged = {
    at: new Date().toISOString(),
    actor: record.actor,
    action: record.action,
    subject: record.subject,
    details: canonicalJson(record.details ?? {}),
  };
  await tenant.db.insertInto(AUDIT_STAGING_TABLE).values(staged).execute();
  await sealAudit(tenant);
  // Another process may have sealed it (and more) meanwhile: find it by its full content, not as the chain's head.
  let query = tenant.db.selectFrom(AUDIT_TABLE).selectAll();
  for (const [column, value] of Object.entries(staged)) query = query.where(column, '=', value);
  return toSealed(await query.orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow());
}

export function toSealed(row: Record<string, unknown>): SealedEntry {
  return {
    seq: Number(row.seq),
    at: String(row.at),
    actor: String(row.actor),
    action: String(row.action),
    subject: String(row.subject),
    details: parseDetails(row.details),
    prevHash: String(row.prev_hash).trim(),
    hash: String(row.hash).trim(),
  };
}
