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

/** A JSON number kept as its source text (JSON.rawJSON, which JSON.stringify also writes verbatim). */
export interface RawJsonNumber {
  readonly rawJSON: string;
}
// Node 21+ has JSON.rawJSON and the reviver's source text; TypeScript's es2023 lib does not declare them yet.
const json = JSON as JSON & {
  rawJSON(text: string): RawJsonNumber;
  isRawJSON(value: unknown): value is RawJsonNumber;
};
type SourceReviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

/**
 * JSON.parse that keeps every number's digits: a number a JavaScript number holds exactly (its text is what
 * JSON.stringify writes for it) comes back as a number, any other (2^53 + 1, a numeric's 20 decimals, 1.50, -0)
 * as a RawJsonNumber holding the text as written, so canonicalJson reproduces it and an edit to any digit changes
 * the hash.
 */
export function parseExactJson(text: string): unknown {
  const keepDigits: SourceReviver = (_key, value, context) => {
    if (typeof value !== 'number' || context?.source === undefined) return value;
    return JSON.stringify(value) === context.source ? value : json.rawJSON(context.source);
  };
  return JSON.parse(text, keepDigits as (key: string, value: unknown) => unknown);
}

/**
 * Canonical JSON: object keys sorted by code point at every depth, no whitespace, so the same entry always hashes
 * the same whichever database or driver stored it. Numbers are written as their text (a RawJsonNumber verbatim),
 * never rounded through a JavaScript number; entries sealed before numbers were kept exact hold JavaScript's own
 * number text, which this reproduces, so their hashes still verify. Non-finite numbers and undefined are refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonical JSON cannot hold ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (json.isRawJSON(value)) {
    const text = value.rawJSON;
    return /^-?[0-9]/.test(text) ? text : canonicalJson(JSON.parse(text));
  }
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
