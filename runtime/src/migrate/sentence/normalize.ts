import { bare, isKeyword, type SentenceToken, synthetic } from './tokens.ts';
import { levenshtein } from './match.ts';
import { readType } from './types.ts';

/**
 * The many ways people say the same thing, rewritten to the one word the forms use, before any form is matched:
 * verbs (`get rid of`, `remove`, `erase` → drop), how a column is required or optional (`not null`, `cannot be
 * empty`, `no longer required`…), articles and politeness. Only bare words are rewritten: a quoted name stays
 * what it spells. Each entry is phrase → replacement (empty: the phrase is dropped); the longest phrase wins.
 */
const PHRASES: [string, string][] = [
  // verbs
  ['get rid of|do away with|remove|delete|erase|eliminate|discard|destroy|take out|take away|purge', 'drop'],
  ['modify|update|alter|switch|turn|transform|adjust|convert|cast|widen|narrow|enlarge|expand|shrink|resize|lengthen|shorten|extend', 'change'],
  ['removed|deleted|erased|eliminated', 'dropped'],
  ['altered|modified|updated|converted|widened|extended|resized|switched|turned', 'changed'],
  ['become|becomes|turn into|turns into', 'be'],
  ['point at|points at|pointing at|link to|links to', 'references'],
  ['retype|retyped', 'change'],
  ['datatype|data-type|column type', 'data type'],
  ['set up|build|define|establish|introduce|declare', 'create'],
  ['include|append', 'add'],
  [
    'not using|are not using|is not using|no longer using|stopped using|stop using|does not need|do not need|does not require|do not require|does not use|do not use|no longer use|no longer requires|no longer uses|no longer has|does not have to have',
    'no longer needs',
  ],
  ['obsolete|unused|unnecessary|redundant|not needed|no longer needed|no longer used|not used|superfluous', 'dropped'],
  ['foreign key constraint', 'foreign key'],
  ['give a new name to|change name of|change the name of', 'rename'],
  // required / optional
  [
    'not null|non null|non-null|not nullable|non nullable|non-nullable|mandatory|compulsory|obligatory|not optional|non-optional|never null|never be null|' +
      'can not be null|can not be empty|can not be blank|cannot be null|cannot be empty|cannot be blank|may not be null|must not be null|should not be null|must not be empty|should not be empty|shall not be null|' +
      'must be provided|must be given|must be supplied|must be specified|must never be null|must have value|must always have value|must be filled in|must always be filled in|must always be filled|must be filled|always required|must be present|must be set|no longer optional|no longer nullable|' +
      'can no longer be null|may no longer be null|no longer be null|can no longer be empty|' +
      'no nulls|no nulls allowed|no null allowed|no null values|no empty values|not blank|not empty|non-empty|non empty|not be null|be not null',
    'required',
  ],
  [
    'not required|no longer required|not mandatory|no longer mandatory|can be null|may be null|can be empty|may be empty|can be blank|can be missing|' +
      'is allowed to be null|allowed to be null|nulls allowed|null allowed|nulls are allowed|be null|be nullable|nullable',
    'optional',
  ],
  // defaults
  ['default value of|default value|default of|defaults to|default to|defaulting to|defaults|default value to', 'default'],
  // keys and references
  ['fk|foreign-key|foreign keys', 'foreign key'],
  ['pk|primary-key', 'primary key'],
  [
    'refers to|refer to|referring to|points to|point to|pointing to|linked to|links to|belongs to|belong to|references|reference|referencing|that references|which references',
    'references',
  ],
  ['indexes|indices', 'index'],
  ['partial index|filtered index|conditional index', 'index'],
  ['partial unique index|filtered unique index|unique partial index|unique filtered index', 'unique index'],
  ['composite|compound|multi-column|multicolumn|btree|b-tree|regular|normal|simple|non-unique|plain|secondary|database', ''],
  // nouns
  ['field|attribute|col|property', 'column'],
  ['fields|attributes|cols|properties', 'columns'],
  ['enumeration|enumerated type|enum type', 'enum'],
  ['constraint check|check constraint', 'check'],
  ['unique constraint|uniqueness constraint|constraint unique', 'unique constraint'],
  // articles, politeness, SQL's guards
  [
    'a|an|the|some|please|kindly|just|simply|also|actually|for me|thanks|thank you|if exists|if not exists|if it exists|if they exist|if present|if any|anymore|any more|any longer|from now on|going forward|from here on|completely|entirely|permanently|for good|altogether|as well|too|again|a lot|often|frequently|all the time|constantly|regularly|usually|mostly|both|pair|combination of|combination|tuple',
    '',
  ],
];

/** Said before the request itself: `can you`, `I'd like to`, `let's`, `we need to`. */
const OPENERS = [
  'i want to|i would like to|i like to|i need to|we need to|we want to|we should|you should|i want you to|could you|can you|would you|will you|' +
    "go ahead and|let 's|let us|lets|now|ok|okay|next|then|and|time to|i think we should|it is time to|need to|want to|we must|we have to|have to|" +
    'make sure that|make sure|ensure that|see to it that|can we|could we|should we|shall we|may we|is it possible to|would it be possible to|is it ok to|how about we|we could|i would like you to',
];

interface Rule {
  words: string[];
  to: string[];
}

const compile = (entries: [string, string][]): Rule[] =>
  entries
    .flatMap(([phrases, to]) => phrases.split('|').map((p) => ({ words: p.split(' '), to: to ? to.split(' ') : [] })))
    .sort((a, b) => b.words.length - a.words.length);

/** Said instead of a verb, at the start: `I need a reviews table …`, `new enum …`, `there should be an index …`. */
const WANTS = compile([
  ['i need|we need|i want|we want|i would like|we would like|there should be|there needs to be|we will need|i will need|let us have|give me|new', 'create'],
]);

const RULES = compile(PHRASES);
const OPENER_RULES = compile(OPENERS.map((o) => [o, ''] as [string, string]));

const matchesAt = (tokens: SentenceToken[], at: number, words: string[]) => words.every((w, k) => isKeyword(tokens[at + k], w));

/** Structure words a typo is corrected to (`creat tabel`, `colum`, `uniqe`): long enough that one slip is a slip. */
const KEYWORDS = [
  'create',
  'table',
  'column',
  'columns',
  'index',
  'unique',
  'default',
  'rename',
  'references',
  'required',
  'optional',
  'constraint',
  'foreign',
  'primary',
  'remove',
  'delete',
  'change',
  'nullable',
  'integer',
  'boolean',
  'varchar',
  'timestamp',
  'decimal',
];

/**
 * A bare word one slip away from a structure word, unless it is a name the schema knows; the corrections are
 * said back to the user.
 */
function correctTypo(t: SentenceToken, isName: (word: string) => boolean, notes: string[]): SentenceToken {
  const w = bare(t);
  if (w.length < 5 || KEYWORDS.includes(w) || isName(w) || RULES.some((r) => r.words.length === 1 && r.words[0] === w)) return t;
  // A letter wrong, missing or swapped; not one more (`preferences` is a word, not `references` mistyped).
  const near = KEYWORDS.find((k) => (k.length === w.length || k.length === w.length + 1) && levenshtein(k, w) === 1);
  if (!near) return t;
  notes.push(`read "${t.text}" as "${near}"`);
  return synthetic(near, t);
}

/** The sentence's tokens with its typos corrected and its phrases rewritten (see PHRASES). */
/**
 * The sentence's tokens with its typos corrected and its phrases rewritten (see PHRASES), and the other ways it
 * may be meant, to read in order when the first does not: the passive turned active (`a unique index should be
 * added on users.email` → `add unique index on users.email`), a wish turned to a should (`we need
 * customers.name to be required` → `customers.name should be required`).
 */
export function normalizeVariants(input: SentenceToken[], isName: (word: string) => boolean = () => false, notes: string[] = []): SentenceToken[][] {
  const base = normalizeTokens(input, isName, notes);
  const out = [base];
  const active = activeVoice(base);
  if (active) out.push(active);
  const wish = WISH_RULES.find((r) => matchesAt(input, 0, r.words));
  const to = wish ? input.findIndex((t, k) => k > wish.words.length && isKeyword(t, 'to')) : -1;
  if (wish && to > 0) {
    const should = normalizeTokens([...input.slice(wish.words.length, to), synthetic('should', input[to]!), ...input.slice(to + 1)], isName);
    out.push(should, ...[activeVoice(should)].filter((t) => t !== null));
  }
  return out;
}

const MODALS = new Set(['should', 'must', 'will', 'shall', 'can', 'could', 'needs', 'need', 'has', 'have', 'is', 'are', 'ought']);
const PARTICIPLES: Record<string, string> = {
  added: 'add',
  created: 'create',
  dropped: 'drop',
  changed: 'change',
  renamed: 'rename',
  made: 'make',
  set: 'set',
  indexed: 'index',
  linked: 'link',
  introduced: 'add',
  included: 'add',
  defaulted: 'default',
};
const WISH_RULES = compile([
  ['i need|we need|i want|we want|i would like|we would like|i like|we like|i will need|we will need|i would need|we would need', ''],
]);

/** `X should be added to Y` → `add X to Y`; null when the sentence has no such passive. */
function activeVoice(tokens: SentenceToken[]): SentenceToken[] | null {
  for (let k = 1; k < tokens.length - 1; k++) {
    if (!MODALS.has(bare(tokens[k]))) continue;
    let j = k + 1;
    if (bare(tokens[j]) === 'to') j++;
    if (bare(tokens[j]) === 'now') j++;
    if (!['be', 'get', 'been'].includes(bare(tokens[j]))) continue;
    const verb = PARTICIPLES[bare(tokens[j + 1])];
    if (verb) return [synthetic(verb, tokens[j + 1]!), ...tokens.slice(0, k), ...tokens.slice(j + 2)];
  }
  return null;
}

function normalizeTokens(input: SentenceToken[], isName: (word: string) => boolean = () => false, notes: string[] = []): SentenceToken[] {
  let tokens = input.map((t) => correctTypo(t, isName, notes));
  // Openers, as many as there are: "ok, now can you please …".
  for (let changed = true; changed; ) {
    changed = false;
    while (isKeyword(tokens[0], ',') || bare(tokens[0]) === 'please') {
      tokens = tokens.slice(1);
      changed = true;
    }
    const rule = OPENER_RULES.find((r) => matchesAt(tokens, 0, r.words) && tokens.length > r.words.length);
    if (rule) {
      tokens = tokens.slice(rule.words.length);
      changed = true;
    }
  }
  const want = WANTS.find((r) => matchesAt(tokens, 0, r.words) && !isKeyword(tokens[r.words.length], 'to'));
  if (want) tokens = [synthetic('create', tokens[0]!), ...tokens.slice(want.words.length)];
  const out: SentenceToken[] = [];
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i]!;
    // `(a int, b int)`: a column called a, not an article.
    if ((bare(t) === 'a' || bare(t) === 'an') && (isKeyword(tokens[i - 1], '(') || isKeyword(tokens[i - 1], ',')) && readType(tokens, i + 1)) {
      out.push(t);
      i++;
      continue;
    }
    // `users: new column …`: after a table and a colon, `new` is the verb (add).
    if (bare(t) === 'new' && isKeyword(tokens[i - 1], ':') && tokens[i + 1]?.type === 'word') {
      out.push(synthetic('add', t));
      i++;
      continue;
    }
    // `new` before what is being made (`a new column`), not as a value (`'new'` is quoted, `new uuid` a value).
    if (bare(t) === 'new' && tokens[i + 1] && tokens[i + 1]!.type === 'word' && bare(tokens[i + 1]) !== 'uuid') {
      i++;
      continue;
    }
    // A dash between a table and what to do with it is a colon: `products — add stock int`.
    if (t.type === 'punct' && ['-', '\u2014', '\u2013'].includes(t.text)) {
      out.push({ ...t, text: ':' });
      i++;
      continue;
    }
    // `orders.status's default`, `orders.status: default 'x'`: the possessive or colon before a property says
    // nothing the order does not.
    if (
      (isKeyword(t, "'s") || (isKeyword(t, ':') && i > 1)) &&
      ['default', 'type', 'data', 'datatype', 'required', 'optional', 'nullable', 'unique'].includes(bare(tokens[i + 1]))
    ) {
      i++;
      continue;
    }
    const rule = t.type === 'word' ? RULES.find((r) => matchesAt(tokens, i, r.words)) : undefined;
    if (!rule) {
      out.push(t);
      i++;
      continue;
    }
    for (const w of rule.to) out.push(synthetic(w, t));
    i += rule.words.length;
  }
  // A reason given after the request (`…, because some customers have none`) is not part of it.
  const reason = out.findIndex((t, k) => ['because', 'since'].includes(bare(t)) || (bare(t) === 'so' && bare(out[k + 1]) === 'that'));
  if (reason > 0) out.splice(reason);
  // Trailing politeness: "…, please", "… thanks"; a closing `now` that is not a value (`is optional now`).
  for (;;) {
    const end = out[out.length - 1];
    if (isKeyword(end, ',') || isKeyword(end, '!')) out.pop();
    else if (bare(end) === 'now' && !['default', 'to', '=', 'as', 'of', 'be', 'is'].includes(bare(out[out.length - 2]) || out[out.length - 2]?.text || ''))
      out.pop();
    else break;
  }
  return out;
}
