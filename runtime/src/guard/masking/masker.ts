import { deriveMaskingKeys, detokenize, keyedHash, tokenize } from './token.ts';

export const MASK_KINDS = ['redact', 'partial', 'hash', 'token'] as const;
/**
 * `redact`: the value is replaced by `[redacted]`. `partial`: all but the last four characters become `*`
 * (separators kept; values of four characters or fewer are masked whole). `hash`: HMAC-SHA256 under the masking
 * key (not reversible; equal values stay equal). `token`: deterministic and reversible with the key (detokenize).
 */
export type MaskKind = (typeof MASK_KINDS)[number];

export const REDACTED = '[redacted]';

export interface MaskerOptions {
  /** At least 32 bytes (or 32 characters). Needed by `hash` and `token`; never logged. */
  key?: string | Uint8Array;
  /** `table.column` (or `schema.table.column`) → how to mask it. */
  rules: Readonly<Record<string, MaskKind>>;
  /** Encoding of `hash` output (default hex). */
  hashEncoding?: 'hex' | 'base64url';
}

export interface Masker {
  /** The rules, validated. */
  readonly rules: Readonly<Record<string, MaskKind>>;
  /** The rule for a column, if any (`schema.table.column` wins over `table.column`). */
  ruleFor(table: string, column: string, schema?: string): MaskKind | undefined;
  /** Masks one value by a rule; null and undefined stay as they are. */
  maskValue(kind: MaskKind, value: unknown): string | null;
  /** A copy of `row` with every ruled column of `table` masked. */
  maskRow<R extends Record<string, unknown>>(table: string, row: R, schema?: string): R;
  /** The value a `token` came from; throws on a tampered token or a different key. */
  detokenize(token: string): string;
}

/** Text of a driver value, for masking: dates as ISO 8601, binary as base64, JSON as JSON. */
export function maskText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Keeps the last four characters and separators; everything else becomes `*`. */
export function partialMask(text: string): string {
  const chars = [...text];
  if (chars.length <= 4) return '*'.repeat(chars.length);
  const keepFrom = chars.length - 4;
  return chars.map((ch, i) => (i >= keepFrom || /[\s\-./@()+]/.test(ch) ? ch : '*')).join('');
}

/**
 * Builds a masker for exports and application code. Rules are checked up front: an unknown kind, a malformed
 * column name or a `hash`/`token` rule without a key is an error naming the rule.
 */
export function createMasker(options: MaskerOptions): Masker {
  const rules: Record<string, MaskKind> = {};
  for (const [target, kind] of Object.entries(options.rules)) {
    const parts = target.split('.');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => p.length === 0)) {
      throw new Error(`mask rule "${target}": name a column as table.column or schema.table.column`);
    }
    if (!(MASK_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`mask rule "${target}": unknown kind "${String(kind)}" (one of ${MASK_KINDS.join(', ')})`);
    }
    rules[target] = kind;
  }
  const needsKey = Object.entries(rules).filter(([, kind]) => kind === 'hash' || kind === 'token');
  if (needsKey.length && options.key === undefined) {
    throw new Error(`mask rules ${needsKey.map(([t, k]) => `${t}=${k}`).join(', ')} need a masking key`);
  }
  const keys = options.key === undefined ? undefined : deriveMaskingKeys(options.key);
  const encoding = options.hashEncoding ?? 'hex';
  const requireKeys = () => {
    if (!keys) throw new Error('this masker has no key: hash and token need one');
    return keys;
  };

  const ruleFor = (table: string, column: string, schema?: string) =>
    (schema !== undefined ? rules[`${schema}.${table}.${column}`] : undefined) ?? rules[`${table}.${column}`];

  const maskValue = (kind: MaskKind, value: unknown): string | null => {
    if (value === null || value === undefined) return null;
    const text = maskText(value);
    switch (kind) {
      case 'redact':
        return REDACTED;
      case 'partial':
        return partialMask(text);
      case 'hash':
        return keyedHash(requireKeys(), text, encoding);
      case 'token':
        return tokenize(requireKeys(), text);
    }
  };

  return {
    rules,
    ruleFor,
    maskValue,
    maskRow(table, row, schema) {
      const out: Record<string, unknown> = { ...row };
      for (const column of Object.keys(row)) {
        const kind = ruleFor(table, column, schema);
        if (kind) out[column] = maskValue(kind, row[column]);
      }
      return out as typeof row;
    },
    detokenize: (token) => detokenize(requireKeys(), token),
  };
}

/**
 * Parses `--mask` text: `table.column=kind` pairs separated by commas (`customers.email=hash,customers.card=partial`).
 */
export function parseMaskSpec(text: string): Record<string, MaskKind> {
  const rules: Record<string, MaskKind> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const eq = entry.lastIndexOf('=');
    if (eq <= 0) throw new Error(`--mask entry "${entry}": expected table.column=kind (kind one of ${MASK_KINDS.join(', ')})`);
    const target = entry.slice(0, eq).trim();
    const kind = entry.slice(eq + 1).trim();
    if (!(MASK_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`--mask entry "${entry}": unknown kind "${kind}" (one of ${MASK_KINDS.join(', ')})`);
    }
    if (rules[target] && rules[target] !== kind) throw new Error(`--mask names ${target} twice (${rules[target]} and ${kind})`);
    rules[target] = kind as MaskKind;
  }
  if (Object.keys(rules).length === 0) throw new Error('--mask needs at least one table.column=kind');
  return rules;
}
