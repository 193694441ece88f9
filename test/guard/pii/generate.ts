import { ibanCheckDigits, luhnCheckDigit, nricCheckLetter, type PiiCategory } from '@byos/runtime/guard/pii';

/** Seeded PRNG (mulberry32): the same data on every run, yet not written out by hand. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Gen = () => string;

export function makeGenerators(random: () => number) {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join('');
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + int(0, 25))).join('');
  const firsts = ['ana', 'wei', 'li', 'siti', 'rahul', 'maria', 'john', 'chen', 'nur', 'james', 'priya', 'ahmad'];
  const lasts = ['tan', 'lim', 'ng', 'kumar', 'smith', 'garcia', 'wong', 'lee', 'abdullah', 'muller'];
  const domains = ['example.com', 'mail.example.org', 'corp.example.sg', 'uni.example.ac.uk', 'example.de'];

  const card = (): string => {
    const [prefix, length] = pick([
      ['4', 16],
      ['4', 13],
      ['51', 16],
      ['55', 16],
      ['2221', 16],
      ['34', 15],
      ['37', 15],
      ['6011', 16],
      ['3530', 16],
      ['62', 19],
    ] as const);
    const body = `${prefix}${digits(length - prefix.length - 1)}`;
    const number = `${body}${luhnCheckDigit(body)}`;
    return length === 16 && random() < 0.4 ? number.replace(/(\d{4})(?=\d)/g, '$1 ') : number;
  };
  const bban = (country: string): string => {
    if (country === 'GB') return `${letters(4)}${digits(14)}`;
    if (country === 'NL') return `${letters(4)}${digits(10)}`;
    if (country === 'FR') return digits(23);
    if (country === 'DE') return digits(18);
    return digits(16); // BE: 12
  };
  const iban = (): string => {
    const country = pick(['DE', 'GB', 'FR', 'NL']);
    const b = bban(country);
    const text = `${country}${ibanCheckDigits(country, b)}${b}`;
    return random() < 0.5 ? text.replace(/(.{4})(?=.)/g, '$1 ') : text;
  };
  const nric = (): string => {
    const prefix = pick(['S', 'T', 'F', 'G', 'M']);
    const d = digits(7);
    return `${prefix}${d}${nricCheckLetter(prefix, d)}`;
  };
  const ssnParts = (): string => {
    let area = int(1, 899);
    if (area === 666) area = 667;
    return `${String(area).padStart(3, '0')}${String(int(1, 99)).padStart(2, '0')}${String(int(1, 9999)).padStart(4, '0')}`;
  };
  const sgMobile = () => `${pick(['8', '9'])}${digits(7)}`;
  const sgLandline = () => `6${digits(7)}`;
  const nanp = () => `${int(2, 9)}${digits(2)}${int(2, 9)}${digits(6)}`;

  return {
    int,
    pick,
    email: (): string => `${pick(firsts)}${pick(['.', '_', ''])}${pick(lasts)}${int(1, 999)}@${pick(domains)}`,
    /** Written the way people and systems store numbers: E.164, grouped international, SG and NANP national. */
    phone: (): string => {
      const sg = random() < 0.5 ? sgMobile() : sgLandline();
      const us = nanp();
      return pick([
        `+65${sg}`,
        `+65 ${sg.slice(0, 4)} ${sg.slice(4)}`,
        `${sg.slice(0, 4)} ${sg.slice(4)}`,
        `+1${us}`,
        `(${us.slice(0, 3)}) ${us.slice(3, 6)}-${us.slice(6)}`,
        `${us.slice(0, 3)}-${us.slice(3, 6)}-${us.slice(6)}`,
        `+44 20 ${digits(4)} ${digits(4)}`,
        `+49${int(1, 9)}${digits(9)}`,
      ]);
    },
    sgBarePhone: (): string => (random() < 0.5 ? sgMobile() : sgLandline()),
    card,
    iban,
    nric,
    ssn: (): string => ssnParts().replace(/^(\d{3})(\d{2})/, '$1-$2-'),
    bareSsn: ssnParts,
    ipv4: (): string => `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    ipv6: (): string => `2001:db8:${int(0, 0xffff).toString(16)}::${int(1, 0xffff).toString(16)}`,
    birthDate: (): string => `${int(1935, 2006)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
    recentDate: (): string => `${int(2021, 2025)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
    firstName: () => pick(firsts).replace(/^./, (c) => c.toUpperCase()),
    lastName: () => pick(lasts).replace(/^./, (c) => c.toUpperCase()),
    address: () => `${int(1, 999)} ${pick(['Orchard Rd', 'Main St', 'High Street', 'Jalan Besar'])} #${digits(2)}-${digits(2)}`,
    postcode: () => digits(6),
    diagnosis: () => pick(['J45.909 asthma', 'E11.9 type 2 diabetes', 'I10 hypertension', 'none recorded']),
    religion: () => pick(['Buddhist', 'Christian', 'Muslim', 'Hindu', 'Taoist', 'None']),
    productName: () => `${pick(['Blue', 'Steel', 'Quick'])} ${pick(['Widget', 'Gadget', 'Kettle'])}`,
    notes: () => pick(['called back', 'prefers email', 'VIP since 2019', 'left voicemail', 'order 4411 delayed']),

    // Decoys: the shape of an identifier, failing its check.
    /** 16 digits with a card-like prefix whose Luhn digit is off by one. */
    nonLuhn16: (): string => {
      const body = `${pick(['4', '51', '6011', '3530'])}`;
      const partial = `${body}${digits(15 - body.length)}`;
      return `${partial}${(Number(luhnCheckDigit(partial)) + int(1, 9)) % 10}`;
    },
    /** An NRIC/FIN with any check letter but the right one. */
    wrongNric: (): string => {
      const prefix = pick(['S', 'T', 'F', 'G', 'M']);
      const d = digits(7);
      const right = nricCheckLetter(prefix, d);
      let letter = right;
      while (letter === right) letter = String.fromCharCode(65 + int(0, 25));
      return `${prefix}${d}${letter}`;
    },
    /** An IBAN with the check digits of another account, or one character too many (its own check digits valid). */
    lookalikeIban: (): string => {
      const country = pick(['DE', 'GB', 'FR', 'NL']);
      const b = bban(country);
      const right = ibanCheckDigits(country, b);
      if (random() < 0.5) {
        const longer = `${b}${digits(1)}`;
        return `${country}${ibanCheckDigits(country, longer)}${longer}`;
      }
      let check = right;
      while (check === right) check = String(int(2, 98)).padStart(2, '0');
      return `${country}${check}${b}`;
    },
    nineDigits: (): string => String(int(100_000_000, 999_999_999)),
    sku: (): string => String(int(10_000_000, 59_999_999)),
  };
}

export type Generators = ReturnType<typeof makeGenerators>;

/** A column of the acceptance table: how to fill it and what it truly holds. */
export interface ColumnSpec {
  name: string;
  type: 'text' | 'date';
  truth: readonly PiiCategory[];
  gen: (g: Generators) => string;
}

export const PII_TABLE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'first_name', type: 'text', truth: ['person-name'], gen: (g) => g.firstName() },
  { name: 'LastName', type: 'text', truth: ['person-name'], gen: (g) => g.lastName() },
  { name: 'contact', type: 'text', truth: ['email'], gen: (g) => g.email() },
  { name: 'email_address', type: 'text', truth: ['email'], gen: (g) => g.email() },
  { name: 'reach', type: 'text', truth: ['phone'], gen: (g) => g.phone() },
  { name: 'mobile', type: 'text', truth: ['phone'], gen: (g) => g.sgBarePhone() },
  { name: 'pay_ref', type: 'text', truth: ['credit-card'], gen: (g) => g.card() },
  { name: 'remit_to', type: 'text', truth: ['iban'], gen: (g) => g.iban() },
  { name: 'ident', type: 'text', truth: ['sg-nric'], gen: (g) => g.nric() },
  { name: 'nric_fin', type: 'text', truth: ['sg-nric'], gen: (g) => g.nric() },
  { name: 'tax_ref', type: 'text', truth: ['us-ssn'], gen: (g) => g.ssn() },
  { name: 'ssn', type: 'text', truth: ['us-ssn'], gen: (g) => g.bareSsn() },
  { name: 'last_login_ip', type: 'text', truth: ['ip-address'], gen: (g) => g.ipv4() },
  { name: 'peer', type: 'text', truth: ['ip-address'], gen: (g) => g.ipv6() },
  { name: 'birth_date', type: 'date', truth: ['date-of-birth'], gen: (g) => g.birthDate() },
  { name: 'home_address', type: 'text', truth: ['postal-address'], gen: (g) => g.address() },
  { name: 'postcode', type: 'text', truth: ['postal-code'], gen: (g) => g.postcode() },
  { name: 'diagnosis', type: 'text', truth: ['health'], gen: (g) => g.diagnosis() },
  { name: 'religion', type: 'text', truth: ['religion'], gen: (g) => g.religion() },
  // Decoys.
  { name: 'order_ref', type: 'text', truth: [], gen: (g) => g.nonLuhn16() },
  { name: 'code', type: 'text', truth: [], gen: (g) => g.wrongNric() },
  { name: 'remittance_code', type: 'text', truth: [], gen: (g) => g.lookalikeIban() },
  { name: 'batch_no', type: 'text', truth: [], gen: (g) => g.nineDigits() },
  { name: 'sku', type: 'text', truth: [], gen: (g) => g.sku() },
  { name: 'created_on', type: 'date', truth: [], gen: (g) => g.recentDate() },
  { name: 'product_name', type: 'text', truth: [], gen: (g) => g.productName() },
  { name: 'notes', type: 'text', truth: [], gen: (g) => g.notes() },
];

/** Rows for the acceptance table; about one value in ten is null. */
export function piiRows(count: number, seed: number): Record<string, string | null>[] {
  const g = makeGenerators(rng(seed));
  return Array.from({ length: count }, () => {
    const row: Record<string, string | null> = {};
    for (const c of PII_TABLE_COLUMNS) row[c.name] = g.int(1, 10) === 1 ? null : c.gen(g);
    return row;
  });
}

export interface Score {
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
}

/** Precision and recall per category from (truth, predicted) label sets. */
export function scorePerCategory(items: readonly { truth: readonly string[]; predicted: readonly string[] }[]): Map<string, Score> {
  const categories = new Set(items.flatMap((i) => [...i.truth, ...i.predicted]));
  const scores = new Map<string, Score>();
  for (const category of categories) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const item of items) {
      const t = item.truth.includes(category);
      const p = item.predicted.includes(category);
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    scores.set(category, { tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 });
  }
  return scores;
}
