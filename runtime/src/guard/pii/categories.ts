import type { ComplianceFramework } from '../../contracts/tenant-spec.ts';

/** Categories the value validators can confirm from sampled data. */
export const VALUE_CATEGORIES = ['email', 'phone', 'credit-card', 'iban', 'sg-nric', 'us-ssn', 'ip-address', 'date-of-birth'] as const;
export type ValueCategory = (typeof VALUE_CATEGORIES)[number];

/** Categories only a column's name can reveal (free text, opaque codes). */
export const NAME_CATEGORIES = [
  'person-name',
  'postal-address',
  'postal-code',
  'government-id',
  'medical-record-number',
  'health-plan-number',
  'account-number',
  'license-number',
  'vehicle-id',
  'device-id',
  'photo',
  'biometric',
  'health',
  'genetic',
  'religion',
  'ethnicity',
  'political-opinion',
  'sexual-orientation',
  'trade-union',
  'criminal-record',
] as const;
export type NameCategory = (typeof NAME_CATEGORIES)[number];

export type PiiCategory = ValueCategory | NameCategory;
export const PII_CATEGORIES: readonly PiiCategory[] = [...VALUE_CATEGORIES, ...NAME_CATEGORIES];

/** How the frameworks treat a category. */
export interface CategoryLaw {
  /** GDPR: personal data (Art. 4(1)), a special category (Art. 9(1)) or criminal-offence data (Art. 10). */
  gdpr: 'personal' | 'special' | 'criminal';
  /** PDPA (Singapore): personal data (s 2); `nric` marks the NRIC Advisory Guidelines' stricter handling. */
  pdpa: 'personal' | 'nric';
  /** The Safe Harbor identifier under HIPAA 45 CFR 164.514(b)(2)(i), or `phi` for health information itself. */
  hipaa?: string;
}

const HIPAA = {
  A: '164.514(b)(2)(i)(A) names',
  B: '164.514(b)(2)(i)(B) geographic subdivisions smaller than a state',
  C: '164.514(b)(2)(i)(C) dates related to an individual',
  D: '164.514(b)(2)(i)(D) telephone and (E) fax numbers',
  F: '164.514(b)(2)(i)(F) email addresses',
  G: '164.514(b)(2)(i)(G) social security numbers',
  H: '164.514(b)(2)(i)(H) medical record numbers',
  I: '164.514(b)(2)(i)(I) health plan beneficiary numbers',
  J: '164.514(b)(2)(i)(J) account numbers',
  K: '164.514(b)(2)(i)(K) certificate/license numbers',
  L: '164.514(b)(2)(i)(L) vehicle identifiers',
  M: '164.514(b)(2)(i)(M) device identifiers',
  O: '164.514(b)(2)(i)(O) IP addresses',
  P: '164.514(b)(2)(i)(P) biometric identifiers',
  Q: '164.514(b)(2)(i)(Q) full-face photographs',
  R: '164.514(b)(2)(i)(R) other unique identifying numbers',
} as const;

export const CATEGORY_LAW: Readonly<Record<PiiCategory, CategoryLaw>> = {
  email: { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.F },
  phone: { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.D },
  'credit-card': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.J },
  iban: { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.J },
  'sg-nric': { gdpr: 'personal', pdpa: 'nric', hipaa: HIPAA.R },
  'us-ssn': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.G },
  'ip-address': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.O },
  'date-of-birth': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.C },
  'person-name': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.A },
  'postal-address': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.B },
  'postal-code': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.B },
  'government-id': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.R },
  'medical-record-number': { gdpr: 'special', pdpa: 'personal', hipaa: HIPAA.H },
  'health-plan-number': { gdpr: 'special', pdpa: 'personal', hipaa: HIPAA.I },
  'account-number': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.J },
  'license-number': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.K },
  'vehicle-id': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.L },
  'device-id': { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.M },
  photo: { gdpr: 'personal', pdpa: 'personal', hipaa: HIPAA.Q },
  biometric: { gdpr: 'special', pdpa: 'personal', hipaa: HIPAA.P },
  health: { gdpr: 'special', pdpa: 'personal', hipaa: 'phi' },
  genetic: { gdpr: 'special', pdpa: 'personal', hipaa: 'phi' },
  religion: { gdpr: 'special', pdpa: 'personal' },
  ethnicity: { gdpr: 'special', pdpa: 'personal' },
  'political-opinion': { gdpr: 'special', pdpa: 'personal' },
  'sexual-orientation': { gdpr: 'special', pdpa: 'personal' },
  'trade-union': { gdpr: 'special', pdpa: 'personal' },
  'criminal-record': { gdpr: 'criminal', pdpa: 'personal' },
};

/** The frameworks a category falls under (every category is personal data under PDPA and GDPR). */
export function frameworksOf(category: PiiCategory): ComplianceFramework[] {
  return CATEGORY_LAW[category].hipaa ? ['pdpa', 'gdpr', 'hipaa'] : ['pdpa', 'gdpr'];
}

/** Control references for a finding: the GDPR article, the PDPA section or guideline, the HIPAA identifier. */
export function controlsOf(category: PiiCategory): string[] {
  const law = CATEGORY_LAW[category];
  const gdpr = law.gdpr === 'special' ? 'GDPR Art. 9(1)' : law.gdpr === 'criminal' ? 'GDPR Art. 10' : 'GDPR Art. 4(1)';
  const pdpa = law.pdpa === 'nric' ? 'PDPA Advisory Guidelines on NRIC Numbers' : 'PDPA s 2 personal data';
  const controls = [gdpr, pdpa];
  if (law.hipaa === 'phi') controls.push('HIPAA 160.103 protected health information');
  else if (law.hipaa) controls.push(`HIPAA ${law.hipaa}`);
  return controls;
}

/**
 * Column-name evidence: each entry is a token sequence that must appear contiguously in the column's tokens
 * (`customer_email_address` → customer, email, address). Order matters: an earlier category claims its tokens
 * (`email_address` is an email, not a postal address).
 */
export const NAME_HINTS: readonly (readonly [PiiCategory, readonly (readonly string[])[]])[] = [
  ['email', [['email'], ['email', 'address'], ['e', 'mail'], ['e', 'mail', 'address'], ['mail', 'address']]],
  ['ip-address', [['ip'], ['ip', 'address'], ['ipaddr'], ['ipv4'], ['ipv6'], ['remote', 'addr'], ['client', 'ip']]],
  ['device-id', [['device', 'id'], ['imei'], ['udid'], ['mac', 'address'], ['mac', 'addr'], ['serial', 'number'], ['serial', 'no']]],
  ['phone', [['phone'], ['telephone'], ['tel'], ['mobile'], ['cell'], ['fax'], ['msisdn'], ['handphone'], ['hp', 'no']]],
  ['credit-card', [['credit', 'card'], ['creditcard'], ['card', 'number'], ['card', 'no'], ['cardnumber'], ['cc', 'number'], ['ccnum'], ['pan']]],
  ['iban', [['iban']]],
  ['sg-nric', [['nric'], ['fin'], ['uin'], ['nric', 'fin'], ['ic', 'number'], ['ic', 'no']]],
  ['us-ssn', [['ssn'], ['social', 'security'], ['socialsecurity']]],
  ['date-of-birth', [['dob'], ['birth'], ['birthday'], ['birthdate'], ['born'], ['date', 'of', 'birth']]],
  [
    'government-id',
    [['passport'], ['national', 'id'], ['tax', 'id'], ['tin'], ['nino'], ['driver', 'license'], ['drivers', 'license'], ['driving', 'licence'], ['id', 'card']],
  ],
  ['medical-record-number', [['mrn'], ['medical', 'record'], ['patient', 'id'], ['chart', 'number']]],
  [
    'health-plan-number',
    [
      ['health', 'plan'],
      ['insurance', 'number'],
      ['insurance', 'id'],
      ['policy', 'number'],
      ['beneficiary', 'number'],
      ['member', 'number'],
    ],
  ],
  [
    'account-number',
    [
      ['account', 'number'],
      ['account', 'no'],
      ['acct', 'no'],
      ['acct', 'number'],
      ['bank', 'account'],
    ],
  ],
  [
    'license-number',
    [
      ['license', 'number'],
      ['licence', 'number'],
      ['license', 'no'],
      ['certificate', 'number'],
    ],
  ],
  ['vehicle-id', [['vin'], ['license', 'plate'], ['licence', 'plate'], ['plate', 'number'], ['vehicle', 'id'], ['vehicle', 'number']]],
  ['photo', [['photo'], ['portrait'], ['selfie'], ['headshot'], ['face', 'image'], ['avatar']]],
  ['biometric', [['biometric'], ['biometrics'], ['fingerprint'], ['voiceprint'], ['retina'], ['iris', 'scan'], ['face', 'template'], ['face', 'embedding']]],
  ['genetic', [['genetic'], ['genome'], ['genotype'], ['dna']]],
  [
    'health',
    [
      ['diagnosis'],
      ['diagnoses'],
      ['medical'],
      ['health'],
      ['allergy'],
      ['allergies'],
      ['medication'],
      ['medications'],
      ['prescription'],
      ['treatment'],
      ['symptoms'],
      ['icd10'],
      ['blood', 'type'],
      ['disability'],
      ['condition'],
      ['vaccination'],
    ],
  ],
  ['religion', [['religion'], ['religious'], ['faith']]],
  ['ethnicity', [['ethnicity'], ['ethnic'], ['race'], ['racial']]],
  ['political-opinion', [['political'], ['politics'], ['party', 'affiliation']]],
  ['sexual-orientation', [['sexual', 'orientation'], ['sexuality'], ['sex', 'life']]],
  [
    'trade-union',
    [
      ['trade', 'union'],
      ['union', 'membership'],
      ['union', 'member'],
    ],
  ],
  ['criminal-record', [['criminal'], ['conviction'], ['convictions'], ['offence'], ['offense']]],
  ['postal-code', [['zip'], ['zipcode'], ['zip', 'code'], ['postcode'], ['postal', 'code'], ['postalcode']]],
  ['postal-address', [['address'], ['addr'], ['street'], ['address', 'line'], ['city'], ['town'], ['home', 'address']]],
];

/** Words naming a person: `customer_name`, or a bare `name` column in a `patients` table. */
const PERSON_WORDS = new Set([
  'customer',
  'client',
  'patient',
  'employee',
  'person',
  'people',
  'user',
  'member',
  'contact',
  'staff',
  'student',
  'applicant',
  'owner',
  'holder',
  'guardian',
  'parent',
  'beneficiary',
  'passenger',
  'guest',
  'buyer',
  'recipient',
  'doctor',
  'physician',
  'nurse',
  'teacher',
  'driver',
  'author',
  'subscriber',
  'account',
  'cardholder',
  'emergency',
]);
const PERSON_NAME_HINTS: readonly (readonly string[])[] = [
  ['first', 'name'],
  ['firstname'],
  ['given', 'name'],
  ['givenname'],
  ['last', 'name'],
  ['lastname'],
  ['surname'],
  ['family', 'name'],
  ['familyname'],
  ['full', 'name'],
  ['fullname'],
  ['middle', 'name'],
  ['maiden', 'name'],
  ['forename'],
];

/** `FirstName`, `first-name`, `FIRST_NAME` → first, name. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ses')) return word.slice(0, -2);
  return word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function findSequence(tokens: readonly string[], hint: readonly string[], used: ReadonlySet<number>): number {
  for (let i = 0; i + hint.length <= tokens.length; i++) {
    if (hint.every((h, k) => tokens[i + k] === h && !used.has(i + k))) return i;
  }
  return -1;
}

/** The categories a column's name points to, given its table's name. */
export function categoriesFromName(table: string, column: string): PiiCategory[] {
  const tokens = nameTokens(column);
  const used = new Set<number>();
  const found: PiiCategory[] = [];
  for (const [category, hints] of NAME_HINTS) {
    // Longest hint first, so `email_address` claims both tokens and leaves nothing for postal-address.
    for (const hint of [...hints].sort((a, b) => b.length - a.length)) {
      const at = findSequence(tokens, hint, used);
      if (at < 0) continue;
      for (let k = 0; k < hint.length; k++) used.add(at + k);
      if (!found.includes(category)) found.push(category);
      break;
    }
  }
  if (isPersonName(table, tokens)) found.push('person-name');
  return found;
}

function isPersonName(table: string, tokens: readonly string[]): boolean {
  if (PERSON_NAME_HINTS.some((hint) => findSequence(tokens, hint, new Set()) >= 0)) return true;
  const at = tokens.indexOf('name');
  if (at < 0 || (tokens.includes('user') && tokens.includes('name') && tokens.length === 2 && tokens[0] === 'user')) {
    return false;
  }
  const others = tokens.filter((t, i) => i !== at && t !== 'id');
  if (others.length > 0) return others.every((t) => PERSON_WORDS.has(singular(t)));
  return nameTokens(table).some((t) => PERSON_WORDS.has(singular(t)));
}
