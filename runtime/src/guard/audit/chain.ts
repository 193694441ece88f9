import { createHash } from 'node:crypto';

/** The chain starts from 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** One sealed entry of `byos_audit`. */
export interface AuditEntry {
  seq: number;
  /** UTC ISO-8601 text. */
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: unknown;
}

export interface SealedEntry extends AuditEntry {
  prevHash: string;
  hash: string;
}

/**
 * Canonical JSON: object keys sorted by code point at every depth, no whitespace, so the same entry always hashes
 * the same whichever database or driver stored it. Non-finite numbers and undefined are refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonical JSON cannot hold ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`canonical JSON cannot hold a ${typeof value}`);
}

/** hash = sha256(prev_hash || canonical(entry)), hex. */
export function entryHash(prevHash: string, entry: AuditEntry): string {
  const canonical = canonicalJson({ seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action, subject: entry.subject, details: entry.details });
  return createHash('sha256').update(prevHash, 'utf8').update(canonical, 'utf8').digest('hex');
}
