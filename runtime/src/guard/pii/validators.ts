import { isIP } from 'node:net';

/**
 * Value validators for PII detection. Each checks structure AND the identifier's own check rule (Luhn, mod 97,
 * NRIC check letter, SSN allocation rules), so look-alikes that only share the shape are rejected.
 *
 * `strong`: the value alone says what it is (a formatted SSN, an E.164 number). `weak`: it fits, but so would many
 * unrelated values (nine bare digits fit an SSN); weak matches only count where the column's name agrees.
 */
export type Strength = 'strong' | 'weak';

// Letters and digits of any script: internationalised addresses (RFC 6531, IDN) are personal data too.
const EMAIL_LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** An addr-spec as mail systems accept it: dot-atom local part, a domain of at least two labels, an alphabetic TLD. */
export function isEmail(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !EMAIL_LOCAL.test(local)) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) return false;
  return /^\p{L}{2,63}$/u.test(labels[labels.length - 1]!) || /^xn--[a-z0-9-]+$/i.test(labels[labels.length - 1]!);
}

/** Luhn (mod 10) checksum over a digit string. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit that completes `partial`. */
export function luhnCheckDigit(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${partial}${d}`)) return String(d);
  throw new Error(`not a digit string: ${partial}`);
}

/** Card networks: IIN (prefix) ranges and the lengths each issues. */
const CARD_RANGES: readonly { from: number; to: number; digits: number; lengths: readonly number[] }[] = [
  { from: 4, to: 4, digits: 1, lengths: [13, 16, 19] }, // Visa
  { from: 51, to: 55, digits: 2, lengths: [16] }, // Mastercard
  { from: 2221, to: 2720, digits: 4, lengths: [16] }, // Mastercard 2-series
  { from: 34, to: 34, digits: 2, lengths: [15] }, // American Express
  { from: 37, to: 37, digits: 2, lengths: [15] },
  { from: 6011, to: 6011, digits: 4, lengths: [16, 17, 18, 19] }, // Discover
  { from: 644, to: 649, digits: 3, lengths: [16, 17, 18, 19] },
  { from: 65, to: 65, digits: 2, lengths: [16, 17, 18, 19] },
  { from: 3528, to: 3589, digits: 4, lengths: [16, 17, 18, 19] }, // JCB
  { from: 300, to: 305, digits: 3, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { from: 36, to: 36, digits: 2, lengths: [14, 15, 16, 17, 18, 19] },
  { from: 38, to: 39, digits: 2, lengths: [14, 15, 16, 17, 18, 19] },
  { from: 62, to: 62, digits: 2, lengths: [16, 17, 18, 19] }, // UnionPay
  { from: 50, to: 50, digits: 2, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
  { from: 56, to: 69, digits: 2, lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
];

/** True when `digits` falls in a card network's IIN range with a length that network issues. */
export function cardIinValid(digits: string): boolean {
  return CARD_RANGES.some((r) => {
    const prefix = Number(digits.slice(0, r.digits));
    return prefix >= r.from && prefix <= r.to && r.lengths.includes(digits.length);
  });
}

/** A payment card number: 12-19 digits (optionally grouped by one kind of separator), a known IIN range, Luhn-valid. */
export function isCreditCard(value: string): boolean {
  const trimmed = value.trim();
  if (!/^\d[\d -]{10,22}\d$/.test(trimmed)) return false;
  if (trimmed.includes(' ') && trimmed.includes('-')) return false;
  const digits = trimmed.replace(/[ -]/g, '');
  if (digits.length < 12 || digits.length > 19) return false;
  return cardIinValid(digits) && luhnValid(digits);
}

/** IBAN length per country (ISO 13616 registry, SWIFT release 2024). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/** ISO 7064 MOD 97-10 over an IBAN already rearranged (country and check digits moved to the end). */
function mod97(alnum: string): number {
  let remainder = 0;
  for (const ch of alnum) {
    const code = ch.charCodeAt(0);
    const chunk = code >= 65 ? String(code - 55) : ch;
    for (const digit of chunk) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder;
}

/** The two check digits for a country code and BBAN. */
export function ibanCheckDigits(country: string, bban: string): string {
  const remainder = mod97(`${bban}${country}00`.toUpperCase());
  return String(98 - remainder).padStart(2, '0');
}

/** An IBAN: known country, that country's length, alphanumeric BBAN, mod 97 = 1. Spaces between groups allowed. */
export function isIban(value: string): boolean {
  const compact = value.trim().replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  return mod97(`${compact.slice(4)}${compact.slice(0, 4)}`) === 1;
}

const NRIC_WEIGHTS = [2, 7, 6, 5, 4, 3, 2] as const;
const NRIC_RULES: Readonly<Record<string, { offset: number; letters: string }>> = {
  S: { offset: 0, letters: 'JZIHGFEDCBA' },
  T: { offset: 4, letters: 'JZIHGFEDCBA' },
  F: { offset: 0, letters: 'XWUTRQPNMLK' },
  G: { offset: 4, letters: 'XWUTRQPNMLK' },
  M: { offset: 3, letters: 'XWUTRQPNJLK' },
};

/** The check letter of a Singapore NRIC/FIN from its prefix and seven digits. */
export function nricCheckLetter(prefix: string, digits: string): string {
  const rule = NRIC_RULES[prefix.toUpperCase()];
  if (!rule || !/^\d{7}$/.test(digits)) throw new Error(`not an NRIC/FIN prefix and 7 digits: ${prefix} ${digits}`);
  let sum = rule.offset;
  for (let i = 0; i < 7; i++) sum += (digits.charCodeAt(i) - 48) * NRIC_WEIGHTS[i]!;
  return rule.letters[sum % 11]!;
}

/** A Singapore NRIC (S, T) or FIN (F, G, M) whose check letter matches. */
export function isSgNric(value: string): boolean {
  const match = /^([STFGM])(\d{7})([A-Z])$/.exec(value.trim().toUpperCase());
  return match !== null && nricCheckLetter(match[1]!, match[2]!) === match[3];
}

/** Numbers the SSA documents as never valid or publicly misused (advertising specimen cards). */
const SSN_BLOCKLIST = new Set(['078051120', '219099999', '123456789']);

/**
 * A US Social Security number by the SSA's structural rules: area not 000, 666 or 900-999; group not 00;
 * serial not 0000. `AAA-GG-SSSS` is strong; nine bare digits are weak (any 9-digit number would fit).
 */
export function ssnStrength(value: string): Strength | undefined {
  const trimmed = value.trim();
  const dashed = /^(\d{3})-(\d{2})-(\d{4})$/.exec(trimmed);
  const bare = dashed ? null : /^(\d{3})(\d{2})(\d{4})$/.exec(trimmed);
  const m = dashed ?? bare;
  if (!m) return undefined;
  const [area, group, serial] = [m[1]!, m[2]!, m[3]!];
  if (area === '000' || area === '666' || area[0] === '9' || group === '00' || serial === '0000') return undefined;
  if (SSN_BLOCKLIST.has(`${area}${group}${serial}`)) return undefined;
  return dashed ? 'strong' : 'weak';
}

/** 4 or 6 for an IP address (node:net's parser), 0 otherwise. */
export function ipVersion(value: string): 0 | 4 | 6 {
  return isIP(value.trim()) as 0 | 4 | 6;
}

/**
 * A telephone number. Strong: E.164 (`+` and 8-15 digits, country code not starting with 0), Singapore national
 * (8 digits starting 6, 8 or 9, grouped `9123 4567`, or with 65/+65), NANP written `(415) 555-2671` / `415-555-2671`.
 * Weak: the same national numbers as bare digits, and trunk-prefixed national forms (`020 7946 0958`).
 */
export function phoneStrength(value: string): Strength | undefined {
  const trimmed = value.trim();
  if (!/^\+?[\d\s().-]{7,24}$/.test(trimmed)) return undefined;
  // Dotted quads and ISO dates are digits and separators too.
  if (ipVersion(trimmed) !== 0 || asDate(trimmed)) return undefined;
  if (/[().-]{2,}|\s{2,}/.test(trimmed.replace(/\) /g, ')'))) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  const grouped = /[\s().-]/.test(trimmed);
  if (trimmed.startsWith('+')) {
    if (digits.startsWith('65')) return /^65[689]\d{7}$/.test(digits) ? 'strong' : undefined;
    if (digits.startsWith('1')) return /^1[2-9]\d{2}[2-9]\d{6}$/.test(digits) ? 'strong' : undefined;
    return /^[1-9]\d{7,14}$/.test(digits) ? 'strong' : undefined;
  }
  if (/^[689]\d{7}$/.test(digits)) return grouped && /^[689]\d{3}[\s-]\d{4}$/.test(trimmed) ? 'strong' : 'weak';
  if (/^65[689]\d{7}$/.test(digits) && /^65[\s-]/.test(trimmed)) return 'strong';
  if (/^1?[2-9]\d{2}[2-9]\d{6}$/.test(digits)) {
    const nanp = /^(1[\s.-]?)?(\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-])[2-9]\d{2}[\s.-]\d{4}$/;
    return nanp.test(trimmed) ? 'strong' : digits.length === 10 ? 'weak' : undefined;
  }
  if (/^0[1-9]\d{8,9}$/.test(digits)) return 'weak';
  return undefined;
}

const DAY_MS = 86_400_000;

/** Parses a date value as drivers return it (Date, `YYYY-MM-DD`, ISO timestamp); undefined when it is not one. */
export function asDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})([T ][\d:.]+(Z|[+-]\d{2}(:?\d{2})?)?)?$/.exec(value.trim());
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2024-02-31 over into March: a rolled date was not a real one.
  if (date.getUTCMonth() !== Number(m[2]) - 1 || date.getUTCDate() !== Number(m[3])) return undefined;
  return date;
}

/** A date a living person could have been born on: not in the future, at most 120 years ago. Always weak. */
export function isPlausibleBirthDate(value: unknown, now = new Date()): boolean {
  const date = asDate(value);
  if (!date) return false;
  const age = (now.getTime() - date.getTime()) / (365.25 * DAY_MS);
  return age >= 0 && age <= 120;
}
