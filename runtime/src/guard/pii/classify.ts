import { categoriesFromName, CATEGORY_LAW, frameworksOf, type PiiCategory, VALUE_CATEGORIES, type ValueCategory } from './categories.ts';
import type { NeutralKind } from '../../contracts/schema-model.ts';
import type { ComplianceFramework } from '../../contracts/tenant-spec.ts';
import { asDate, ipVersion, isCreditCard, isEmail, isIban, isPlausibleBirthDate, isSgNric, phoneStrength, ssnStrength, type Strength } from './validators.ts';

/** A column is reported for a category from this confidence up. */
export const DETECTION_THRESHOLD = 0.5;

/** Confidence of a name-only category (no validator can confirm free text or opaque codes). */
const NAME_ONLY_CONFIDENCE = 0.8;
/** Confidence of a validated category whose name matches but which had no sampled values to check. */
const NAME_UNCHECKED_CONFIDENCE = 0.6;
/** With a matching name, the score starts here and rises with the share of values that validate. */
const NAME_FLOOR = 0.3;

/**
 * Name-only categories whose values are words (a name, a street, a city). A name hint alone never makes a column
 * one of these when its type or its values cannot be words: `address_id` and `city_id` hold keys of other rows.
 */
const WORD_CATEGORIES: ReadonlySet<PiiCategory> = new Set<PiiCategory>(['person-name', 'postal-address']);
/** Types whose values are never words. */
const WORDLESS_KINDS: ReadonlySet<NeutralKind> = new Set<NeutralKind>([
  'boolean',
  'smallint',
  'integer',
  'bigint',
  'decimal',
  'real',
  'double',
  'money',
  'uuid',
  'binary',
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Text that could be words: it has a letter and is not a number or a UUID (a key stored as text). */
function couldBeWords(text: string): boolean {
  return /\p{L}/u.test(text) && !UUID.test(text.trim());
}

/** Whether a column of `kind` holding `nonNull` could be `category` at all (only word categories can be ruled out). */
function couldHold(category: PiiCategory, kind: NeutralKind | undefined, nonNull: readonly unknown[]): boolean {
  if (!WORD_CATEGORIES.has(category)) return true;
  if (kind && WORDLESS_KINDS.has(kind)) return false;
  if (nonNull.length === 0) return true;
  const words = nonNull.filter((v) => couldBeWords(valueText(v)!)).length;
  return words * 2 >= nonNull.length;
}

/** Text a validator can read from a driver value; undefined for values no validator applies to. */
export function valueText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  return undefined;
}

/** Every value category `value` validates as, with its strength. */
export function classifyValue(value: unknown, now = new Date()): Map<ValueCategory, Strength> {
  const out = new Map<ValueCategory, Strength>();
  const text = valueText(value);
  if (text === undefined) return out;
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 320) return out;
  if (isEmail(trimmed)) out.set('email', 'strong');
  const phone = phoneStrength(trimmed);
  if (phone) out.set('phone', phone);
  if (isCreditCard(trimmed)) out.set('credit-card', 'strong');
  if (isIban(trimmed)) out.set('iban', 'strong');
  if (isSgNric(trimmed)) out.set('sg-nric', 'strong');
  const ssn = ssnStrength(trimmed);
  if (ssn) out.set('us-ssn', ssn);
  if (ipVersion(trimmed) !== 0) out.set('ip-address', 'strong');
  // A date alone never says "birth": created_at holds plausible birth dates too.
  if ((value instanceof Date || asDate(trimmed)) && isPlausibleBirthDate(value instanceof Date ? value : trimmed, now)) {
    out.set('date-of-birth', 'weak');
  }
  return out;
}

/** One category found in a column. */
export interface PiiCategoryHit {
  category: PiiCategory;
  /** 0-1: the share of sampled non-null values that validate, combined with the column name's evidence. */
  confidence: number;
  /** Sampled non-null values that validate (0 for name-only categories). */
  matched: number;
  /** The column's name points to this category. */
  nameMatch: boolean;
  frameworks: ComplianceFramework[];
  /** GDPR class: personal data, a special category (Art. 9) or criminal-offence data (Art. 10). */
  gdpr: 'personal' | 'special' | 'criminal';
  /** HIPAA Safe Harbor identifier (or `phi`), when the category is one. */
  hipaa?: string;
}

/**
 * Scores every category for one column from its name and its sampled values (and, when known, its type's neutral
 * kind). Returns the categories at or above DETECTION_THRESHOLD, highest confidence first.
 */
export function classifyColumn(table: string, column: string, values: readonly unknown[], now = new Date(), kind?: NeutralKind): PiiCategoryHit[] {
  const fromName = new Set(categoriesFromName(table, column));
  const nonNull = values.filter((v) => valueText(v) !== undefined && valueText(v)!.trim() !== '');
  const strong = new Map<ValueCategory, number>();
  const any = new Map<ValueCategory, number>();
  for (const value of nonNull) {
    for (const [category, strength] of classifyValue(value, now)) {
      any.set(category, (any.get(category) ?? 0) + 1);
      if (strength === 'strong') strong.set(category, (strong.get(category) ?? 0) + 1);
    }
  }
  const hits: PiiCategoryHit[] = [];
  const push = (category: PiiCategory, confidence: number, matched: number) => {
    if (confidence < DETECTION_THRESHOLD) return;
    const law = CATEGORY_LAW[category];
    hits.push({
      category,
      confidence: Math.round(confidence * 1000) / 1000,
      matched,
      nameMatch: fromName.has(category),
      frameworks: frameworksOf(category),
      gdpr: law.gdpr,
      ...(law.hipaa ? { hipaa: law.hipaa } : {}),
    });
  };
  const valueCategories = new Set<PiiCategory>(VALUE_CATEGORIES);
  for (const category of VALUE_CATEGORIES) {
    const named = fromName.has(category);
    const matchedAny = any.get(category) ?? 0;
    if (nonNull.length === 0) {
      if (named) push(category, NAME_UNCHECKED_CONFIDENCE, 0);
      continue;
    }
    const confidence = named ? NAME_FLOOR + (1 - NAME_FLOOR) * (matchedAny / nonNull.length) : (strong.get(category) ?? 0) / nonNull.length;
    push(category, confidence, named ? matchedAny : (strong.get(category) ?? 0));
  }
  for (const category of fromName) {
    if (!valueCategories.has(category) && couldHold(category, kind, nonNull)) push(category, NAME_ONLY_CONFIDENCE, 0);
  }
  return hits.sort((a, b) => b.confidence - a.confidence || a.category.localeCompare(b.category));
}

/**
 * A sample as the report may show it: every letter becomes `x`/`X`, every digit `#`, punctuation stays, so the
 * shape is visible and the content is not. Long values are cut at 32 characters.
 */
export function redactSample(value: unknown): string {
  const text = valueText(value) ?? (value === null || value === undefined ? '' : typeof value);
  const shape = text
    .replace(/\p{Lu}/gu, 'X')
    .replace(/\p{Ll}|\p{Lo}|\p{Lt}|\p{Lm}/gu, 'x')
    .replace(/\p{Nd}/gu, '#');
  return shape.length > 32 ? `${shape.slice(0, 32)}…` : shape;
}
