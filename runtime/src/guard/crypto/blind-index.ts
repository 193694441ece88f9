import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * How a value is normalised before it is indexed, so `Ann@Example.com ` and `ann@example.com` find the same row.
 * `email` = NFKC + trim + lowercase; `text` = NFKC + trim; or spell the steps out.
 */
export type BlindIndexNormalize = 'email' | 'text' | 'exact' | { nfkc?: boolean; trim?: boolean; lowercase?: boolean; collapseWhitespace?: boolean };

export interface BlindIndexSpec {
  /** The column holding the index; defaults to `<column>_bidx`. */
  column?: string;
  normalize?: BlindIndexNormalize;
}

const PRESETS = {
  email: { nfkc: true, trim: true, lowercase: true, collapseWhitespace: false },
  text: { nfkc: true, trim: true, lowercase: false, collapseWhitespace: false },
  exact: { nfkc: false, trim: false, lowercase: false, collapseWhitespace: false },
} as const;

type Steps = { nfkc: boolean; trim: boolean; lowercase: boolean; collapseWhitespace: boolean };

function stepsOf(normalize: BlindIndexNormalize): Steps {
  const steps = typeof normalize === 'string' ? PRESETS[normalize] : { ...PRESETS.text, ...normalize };
  if (!steps) throw new Error(`unknown blind-index normalisation ${JSON.stringify(normalize)} (email, text, exact or an object)`);
  return steps;
}

function normalizeWith(value: unknown, steps: Steps): string {
  let text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? String(value) : undefined;
  if (text === undefined) throw new Error(`blind index: values of type ${value === null ? 'null' : typeof value} cannot be indexed`);
  if (steps.nfkc) text = text.normalize('NFKC');
  if (steps.trim) text = text.trim();
  if (steps.collapseWhitespace) text = text.replace(/\s+/g, ' ');
  if (steps.lowercase) text = text.toLowerCase();
  return text;
}

/** Applies the normalisation steps to a value (numbers and booleans are indexed as their text). */
export function normalizeForIndex(value: unknown, normalize: BlindIndexNormalize = 'text'): string {
  return normalizeWith(value, stepsOf(normalize));
}

const hmacKeys = new WeakMap<Buffer, KeyObject>();
function hmacKey(key: Buffer): KeyObject {
  let keyObject = hmacKeys.get(key);
  if (!keyObject) hmacKeys.set(key, (keyObject = createSecretKey(key)));
  return keyObject;
}

/**
 * The blind index of one column: HMAC-SHA256 (hex) of `byos-bidx:v1 NUL table NUL column NUL normalised value` under
 * the blind-index key. The table and column are mixed in, so the same value in two columns gives two unrelated
 * digests and an index cannot be joined across columns. Prefix and steps are resolved once per column.
 */
export function blindIndexer(table: string, column: string, normalize: BlindIndexNormalize = 'text'): (key: Buffer, value: unknown) => string {
  const prefix = `byos-bidx:v1\u0000${table}\u0000${column}\u0000`;
  const steps = stepsOf(normalize);
  // One update of the joined text: HMAC over a stream is the HMAC of its concatenation, and each update is a native call.
  return (key, value) =>
    createHmac('sha256', hmacKey(key))
      .update(prefix + normalizeWith(value, steps), 'utf8')
      .digest('hex');
}

export function computeBlindIndex(key: Buffer, table: string, column: string, value: unknown, normalize?: BlindIndexNormalize): string {
  return blindIndexer(table, column, normalize)(key, value);
}

export function blindIndexColumn(column: string, spec: BlindIndexSpec | undefined): string {
  return spec?.column ?? `${column}_bidx`;
}
