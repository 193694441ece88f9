import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Finding } from '../../contracts/finding.ts';
import { canonicalJson, entryHash, GENESIS_HASH } from './chain.ts';
import { AUDIT_TABLE, type AuditTenant, chainHead, ensureAuditTables, sealAudit, toSealed } from './trail.ts';

/** A digest of the chain exported outside the database: whoever later rewrites the log cannot rewrite this file. */
export const AuditCheckpoint = z.object({
  format: z.literal('byos-audit-checkpoint/v1'),
  tenant: z.string().optional(),
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  /** HMAC-SHA256 (hex) over the other fields, canonical JSON, when signed with a key kept apart from the database. */
  hmac: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type AuditCheckpoint = z.output<typeof AuditCheckpoint>;

const signable = (c: AuditCheckpoint) => canonicalJson({ format: c.format, tenant: c.tenant ?? null, seq: c.seq, hash: c.hash, createdAt: c.createdAt });
const sign = (c: AuditCheckpoint, key: Buffer) => createHmac('sha256', key).update(signable(c)).digest('hex');

/** Seals pending entries, then digests the chain's head. */
export async function createCheckpoint(tenant: AuditTenant, options: { tenantId?: string; hmacKey?: Buffer } = {}): Promise<AuditCheckpoint> {
  await sealAudit(tenant);
  const head = await chainHead(tenant.db);
  const checkpoint: AuditCheckpoint = {
    format: 'byos-audit-checkpoint/v1',
    ...(options.tenantId ? { tenant: options.tenantId } : {}),
    seq: head.seq,
    hash: head.hash,
    createdAt: new Date().toISOString(),
  };
  if (options.hmacKey) checkpoint.hmac = sign(checkpoint, options.hmacKey);
  return checkpoint;
}

export async function writeCheckpoint(file: string, checkpoint: AuditCheckpoint): Promise<void> {
  await writeFile(file, `${JSON.stringify(checkpoint, null, 2)}\n`, { mode: 0o644 });
}

export async function readCheckpoint(file: string): Promise<AuditCheckpoint> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read audit checkpoint ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = AuditCheckpoint.safeParse(data);
  if (!parsed.success) throw new Error(`audit checkpoint ${file}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  findings: Finding[];
}

const finding = (rule: string, subject: string, message: string): Finding => ({ rule, severity: 'error', subject, message });

/**
 * Walks the whole chain: every seq follows the one before (a gap is a deletion), every prev_hash is the previous
 * entry's hash (a link to another entry is a reordering), every hash recomputes (else the entry was modified); then,
 * given a checkpoint, the chain must still reach its seq (else truncated) with the same hash there (else rewritten).
 */
export async function verifyAudit(
  tenant: AuditTenant,
  options: { checkpoint?: AuditCheckpoint; hmacKey?: Buffer; pageSize?: number } = {},
): Promise<AuditVerification> {
  await ensureAuditTables(tenant);
  const findings: Finding[] = [];
  const { checkpoint, hmacKey } = options;
  if (checkpoint?.hmac && hmacKey) {
    const good = Buffer.from(sign(checkpoint, hmacKey), 'hex');
    if (!timingSafeEqual(good, Buffer.from(checkpoint.hmac, 'hex')))
      findings.push(
        finding('audit-checkpoint-signature', 'checkpoint', 'the checkpoint HMAC does not match: the checkpoint file was altered or signed with another key'),
      );
  } else if (hmacKey && checkpoint && !checkpoint.hmac) {
    findings.push(finding('audit-checkpoint-signature', 'checkpoint', 'an HMAC key was given but the checkpoint is unsigned'));
  }
  const pageSize = options.pageSize ?? 1000;
  const bySeqHash = new Map<string, number>();
  const entries: { seq: number; prevHash: string; hash: string; recomputed: string }[] = [];
  let lastSeq = -Infinity;
  for (;;) {
    let query = tenant.db.selectFrom(AUDIT_TABLE).selectAll().orderBy('seq').limit(pageSize);
    if (lastSeq > -Infinity) query = query.where('seq', '>', lastSeq);
    const rows = await query.execute();
    for (const row of rows) {
      const e = toSealed(row);
      entries.push({ seq: e.seq, prevHash: e.prevHash, hash: e.hash, recomputed: entryHash(e.prevHash, e) });
      bySeqHash.set(e.hash, e.seq);
    }
    if (rows.length < pageSize) break;
    lastSeq = Number(rows[rows.length - 1]!.seq);
  }
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (const e of entries) {
    const subject = `byos_audit seq ${e.seq}`;
    if (e.seq !== prev.seq + 1) {
      findings.push(finding('audit-entry-deleted', subject, `entries ${prev.seq + 1}..${e.seq - 1} are missing (seq ${e.seq} follows ${prev.seq})`));
    }
    if (e.prevHash !== prev.hash) {
      const linked = bySeqHash.get(e.prevHash);
      if (linked !== undefined && linked !== prev.seq)
        findings.push(finding('audit-entries-reordered', subject, `entry ${e.seq} links to entry ${linked}, not to entry ${prev.seq} before it`));
      else if (e.seq === prev.seq + 1)
        findings.push(finding('audit-chain-broken', subject, `prev_hash of entry ${e.seq} is not the hash of entry ${prev.seq}`));
    }
    if (e.recomputed !== e.hash)
      findings.push(finding('audit-entry-modified', subject, `entry ${e.seq} does not hash to its stored hash: its content was changed`));
    prev = { seq: e.seq, hash: e.hash };
  }
  if (checkpoint) {
    const at = entries.find((e) => e.seq === checkpoint.seq);
    if (prev.seq < checkpoint.seq) {
      findings.push(
        finding(
          'audit-truncated',
          'byos_audit',
          `the chain ends at seq ${prev.seq}, but the checkpoint of ${checkpoint.createdAt} recorded seq ${checkpoint.seq}`,
        ),
      );
    } else if (checkpoint.seq > 0 && (!at || at.hash !== checkpoint.hash)) {
      findings.push(
        finding(
          'audit-checkpoint-mismatch',
          `byos_audit seq ${checkpoint.seq}`,
          `entry ${checkpoint.seq} no longer has the hash the checkpoint of ${checkpoint.createdAt} recorded: history up to it was rewritten`,
        ),
      );
    }
  }
  return { ok: findings.length === 0, entries: entries.length, head: prev, findings };
}
