/**
 * Matches file headers to table columns, most certain first: an explicit `--map`, then exact, then ignoring case,
 * accents, spaces, underscores and punctuation, then common synonyms, then fuzzy (edit distance) with a confidence.
 * Each column is taken once. A header whose best match is below the threshold is not guessed: the import stops and
 * names it, so the user settles it with `--map HEADER=COLUMN` (or `--map HEADER=` to leave it out).
 */
export type MatchMethod = 'explicit' | 'exact' | 'normalised' | 'synonym' | 'fuzzy' | 'none';

export interface MappingEntry {
  header: string;
  /** Position of the header in the file, from 0. */
  index: number;
  /** Target column, or null when the header is left out. */
  column: string | null;
  confidence: number;
  method: MatchMethod;
}

export interface MappingResult {
  entries: MappingEntry[];
  /** Headers the mapper would not decide (no match at or above the threshold, and not mapped explicitly). */
  undecided: MappingEntry[];
  /** Explicit mappings naming a header or column that does not exist. */
  problems: string[];
}

export const DEFAULT_MAPPING_THRESHOLD = 0.8;

/** Headers a rejects file adds; a re-import ignores them. */
export const REJECT_ROW_HEADER = 'byos_row';
export const REJECT_ERROR_HEADER = 'byos_error';

const SYNONYMS: string[][] = [
  ['email', 'emailaddress', 'mail', 'courriel', 'correo'],
  ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'cell', 'cellphone'],
  ['firstname', 'givenname', 'forename', 'first', 'fname', 'prenom'],
  ['lastname', 'surname', 'familyname', 'last', 'lname', 'nom'],
  ['name', 'fullname', 'displayname'],
  ['postalcode', 'postcode', 'zip', 'zipcode'],
  ['address', 'street', 'streetaddress', 'addressline1', 'address1'],
  ['company', 'companyname', 'organisation', 'organization', 'employer', 'business'],
  ['country', 'nation', 'countryname'],
  ['state', 'province', 'region', 'county'],
  ['city', 'town', 'locality'],
  ['birthdate', 'dateofbirth', 'dob', 'birthday'],
  ['quantity', 'qty', 'count'],
  ['price', 'unitprice', 'cost'],
  ['fax', 'faxnumber'],
  ['id', 'identifier'],
  ['createdat', 'created', 'creationdate', 'datecreated'],
  ['updatedat', 'updated', 'modified', 'lastmodified'],
];

/** Lower case, accents stripped, camelCase kept as one word, everything but letters and digits removed. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

const synonymGroup = new Map<string, number>();
SYNONYMS.forEach((group, i) => group.forEach((word) => synonymGroup.set(word, i)));

/** How sure a header is to mean a column, 0…1, and by which rule. */
export function matchScore(header: string, column: string): { confidence: number; method: MatchMethod } {
  if (header === column) return { confidence: 1, method: 'exact' };
  const h = normaliseName(header);
  const c = normaliseName(column);
  if (h === '' || c === '') return { confidence: 0, method: 'none' };
  if (h === c) return { confidence: 0.95, method: 'normalised' };
  const hg = synonymGroup.get(h);
  if (hg !== undefined && hg === synonymGroup.get(c)) return { confidence: 0.85, method: 'synonym' };
  const longest = Math.max(h.length, c.length);
  const similarity = 1 - levenshtein(h, c) / longest;
  // Short names differ by one letter and mean different things (`id`/`ip`); fuzzy matching needs length.
  const confidence = longest < 4 ? 0 : Math.round(similarity * 0.9 * 100) / 100;
  return { confidence, method: confidence > 0 ? 'fuzzy' : 'none' };
}

/**
 * `explicit` maps a header (or a 1-based column position, written as its number) to a column, or to null to leave
 * it out. Headers a rejects file added are left out.
 */
export function mapHeaders(
  headers: readonly string[],
  columns: readonly string[],
  explicit: Readonly<Record<string, string | null>> = {},
  threshold = DEFAULT_MAPPING_THRESHOLD,
): MappingResult {
  const problems: string[] = [];
  const entries: MappingEntry[] = headers.map((header, index) => ({ header, index, column: null, confidence: 0, method: 'none' }));
  const taken = new Set<string>();
  const decided = new Set<number>();
  const columnSet = new Set(columns);
  for (const [key, column] of Object.entries(explicit)) {
    const byName = headers.flatMap((h, i) => (h === key ? [i] : []));
    const index = byName.length ? byName : /^\d+$/.test(key) && Number(key) >= 1 && Number(key) <= headers.length ? [Number(key) - 1] : [];
    if (index.length === 0) {
      problems.push(`--map ${key}=${column ?? ''}: the file has no header "${key}"`);
      continue;
    }
    if (index.length > 1) {
      problems.push(
        `--map ${key}=…: the header "${key}" appears ${index.length} times (columns ${index.map((i) => i + 1).join(', ')}); map them by position instead (--map ${index[0]! + 1}=COLUMN)`,
      );
      continue;
    }
    if (column !== null && !columnSet.has(column)) {
      problems.push(`--map ${key}=${column}: the table has no column "${column}"`);
      continue;
    }
    if (column !== null && taken.has(column)) {
      problems.push(`--map ${key}=${column}: column "${column}" is already mapped from another header`);
      continue;
    }
    entries[index[0]!] = { header: headers[index[0]!]!, index: index[0]!, column, confidence: 1, method: 'explicit' };
    decided.add(index[0]!);
    if (column !== null) taken.add(column);
  }
  headers.forEach((h, i) => {
    if (!decided.has(i) && (h === REJECT_ROW_HEADER || h === REJECT_ERROR_HEADER)) decided.add(i);
  });
  const candidates: { index: number; column: string; confidence: number; method: MatchMethod }[] = [];
  headers.forEach((header, index) => {
    if (decided.has(index)) return;
    for (const column of columns) {
      if (taken.has(column)) continue;
      const score = matchScore(header, column);
      if (score.confidence > 0) candidates.push({ index, column, ...score });
    }
  });
  candidates.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  for (const c of candidates) {
    if (decided.has(c.index) || taken.has(c.column)) continue;
    const entry = entries[c.index]!;
    if (entry.confidence >= c.confidence) continue;
    entries[c.index] = { ...entry, column: c.confidence >= threshold ? c.column : null, confidence: c.confidence, method: c.method };
    if (c.confidence >= threshold) {
      decided.add(c.index);
      taken.add(c.column);
    }
  }
  // The best guess below the threshold is shown as a suggestion, never used.
  const undecided = entries.filter((e) => !decided.has(e.index));
  const suggestions = new Map<number, string>();
  for (const c of candidates) if (!decided.has(c.index) && !suggestions.has(c.index) && !taken.has(c.column)) suggestions.set(c.index, c.column);
  return {
    entries,
    undecided: undecided.map((e) => ({ ...e, column: suggestions.get(e.index) ?? null })),
    problems,
  };
}

/** A saved mapping file: `{ "table": …, "map": { "Header": "column" | null } }`. */
export interface SavedMapping {
  version: 1;
  table: string;
  map: Record<string, string | null>;
}

export function savedMapping(table: string, entries: readonly MappingEntry[]): SavedMapping {
  return {
    version: 1,
    table,
    map: Object.fromEntries(entries.filter((e) => e.header !== REJECT_ROW_HEADER && e.header !== REJECT_ERROR_HEADER).map((e) => [e.header, e.column])),
  };
}

export function parseSavedMapping(text: string, file: string): SavedMapping {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`mapping file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const d = data as Partial<SavedMapping>;
  if (!d || typeof d !== 'object' || typeof d.table !== 'string' || !d.map || typeof d.map !== 'object') {
    throw new Error(`mapping file ${file} must hold { "version": 1, "table": "…", "map": { "header": "column" | null } }`);
  }
  for (const [header, column] of Object.entries(d.map)) {
    if (column !== null && typeof column !== 'string') throw new Error(`mapping file ${file}: header "${header}" must map to a column name or null`);
  }
  return { version: 1, table: d.table, map: d.map as Record<string, string | null> };
}
