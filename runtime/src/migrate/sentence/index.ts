import { ContractError } from '../../contracts/parse.ts';
import { type MigrationOp, parseMigrationOps } from '../../contracts/migration-op.ts';
import type { SchemaModel } from '../../contracts/schema-model.ts';
import { readColumnPhrases, readModifiersSlot, readPhraseTail, readTableBody } from './columns.ts';
import { FORMS } from './forms.ts';
import { COMPARISONS } from './forms-types.ts';
import { levenshtein, type NearMiss, Pattern, type ReadContext, type SlotReader } from './match.ts';
import { normalizeVariants } from './normalize.ts';
import { AmbiguousName, compact, findTable, Resolver, withOps, type SentenceSchema, sentenceSchema } from './schema.ts';
import {
  asList,
  readActions,
  readCol,
  readColSet,
  readExpression,
  readKnownTable,
  readNameList,
  readNames,
  readTarget,
  readTyped,
  readValues,
  readValueSlot,
} from './slots.ts';
import { bare, isKeyword, SentenceError, type SentenceToken, tokenizeSentence } from './tokens.ts';

type Reading = { value: unknown; end: number } | null;
const word =
  (words: string[], value: unknown) =>
  (tokens: SentenceToken[], pos: number): Reading =>
    words.some((w) => isKeyword(tokens[pos], w)) ? { value, end: pos + 1 } : null;
const phrase =
  (phrases: string[], value: unknown) =>
  (tokens: SentenceToken[], pos: number): Reading => {
    const hit = phrases.map((p) => p.split(' ')).find((ws) => ws.every((w, k) => isKeyword(tokens[pos + k], w)));
    return hit ? { value, end: pos + hit.length } : null;
  };

const SLOTS: Record<string, SlotReader> = {
  name: readNames,
  names: (tokens, pos, ctx) => readNameList(tokens, pos, ctx),
  ktable: readKnownTable,
  ktables: (tokens, pos, ctx) => readNameList(tokens, pos, ctx).filter((r) => (r.value as string[]).every((t) => findTable(ctx.schema, t))),
  col: readCol,
  colset: readColSet,
  target: readTarget,
  typed: readTyped,
  mods: readModifiersSlot,
  tail: readPhraseTail,
  phrases: readColumnPhrases,
  body: readTableBody,
  value: readValueSlot,
  values: readValues,
  expr: readExpression,
  actions: (tokens, pos) => readActions(tokens, pos),
  uflag: (tokens, pos) => (isKeyword(tokens[pos], 'unique') ? { value: true, end: pos + 1 } : { value: false, end: pos }),
  nullness: (tokens, pos) => word(['required'], false)(tokens, pos) ?? word(['optional', 'null'], true)(tokens, pos),
  required: word(['required'], true),
  allow: word(['allow', 'allows', 'permit', 'permits', 'accept', 'accepts'], true),
  disallow: phrase(
    [
      'disallow',
      'forbid',
      'prevent',
      'reject',
      'refuse',
      'do not allow',
      'does not allow',
      'should not allow',
      'must not allow',
      'no longer allow',
      'never allow',
    ],
    false,
  ),
  position: (tokens, pos) => (isKeyword(tokens[pos], 'before') || isKeyword(tokens[pos], 'after') ? { value: bare(tokens[pos]), end: pos + 1 } : null),
  comparison: (tokens, pos) => {
    for (const [phrases, sql] of COMPARISONS) {
      const hit = phrase(phrases.split('|'), sql)(tokens, pos);
      if (hit) return hit;
    }
    const ops: [string, string][] = [
      ['greater than|more than|above|over|bigger than|larger than', '>'],
      ['at least|no less than', '>='],
      ['less than|below|under|smaller than', '<'],
      ['at most|no more than', '<='],
    ];
    for (const [words, op] of ops) {
      const hit = phrase(words.split('|'), op)(tokens, pos);
      if (hit && tokens[hit.end]?.type === 'number') return { value: `${op} ${tokens[hit.end]!.text}`, end: hit.end + 1 };
    }
    return null;
  },
};

const COMPILED = FORMS.map((form) => ({ form, patterns: form.patterns.map((p) => new Pattern(p)) }));
/** Words the forms use: never taken for a typo of another (`require` is not `required`). */
const VOCABULARY = new Set(COMPILED.flatMap((c) => c.patterns.flatMap((p) => p.keywords)));

export interface SentenceOptions {
  /** The schema the folder's migrations imply: resolves `index email` to the one table with an email column. */
  schema?: SchemaModel | SentenceSchema | null;
  /** The schema may lack what raw SQL migrations made: names it lacks are taken as written, not refused. */
  partial?: boolean;
}

export interface SentenceResult {
  ops: MigrationOp[];
  /** What was chosen for the user (a guessed type), to say back to them. */
  notes: string[];
}

interface Failure {
  error?: SentenceError;
  misses: NearMiss[];
}

/**
 * Turns one plain-language sentence into portable ops, deterministically (no network, no model). The sentence's
 * phrases are first rewritten to one vocabulary (normalize.ts); then every form's phrasings are matched against
 * the whole sentence, each in every way its slots allow, and the reading that fits the folder's schema best wins.
 * A sentence that names its table up front (`alter table orders add …, drop …`) or chains requests (`…; then …`)
 * is read clause by clause. A sentence nothing reads throws a SentenceError listing the closest forms.
 */
export function readSentence(sentence: string, options: SentenceOptions = {}): SentenceResult {
  const given = options.schema ? ('defaultSchema' in options.schema ? sentenceSchema(options.schema) : options.schema) : null;
  const schema = given && options.partial ? { ...given, partial: true } : given;
  const corrections: string[] = [];
  const raw = tokenizeSentence(sentence);
  const variants = normalizeVariants(raw, (w) => VOCABULARY.has(w) || knownName(schema, w), corrections);
  const tokens = variants[0]!;
  if (tokens.length === 0)
    throw new SentenceError(
      'the sentence is empty',
      FORMS.slice(0, 4).map((f) => f.example),
    );
  const ctx: ReadContext = { schema, text: sentence, fails: [], quoted: new Set(raw.filter((t) => t.type === 'name').map((t) => t.text)) };
  const whole = readClause(tokens, ctx);
  if ('ops' in whole) return { ops: whole.ops, notes: [...corrections, ...whole.notes] };
  for (const variant of variants) {
    const read = variant === tokens ? whole : readClause(variant, ctx);
    if ('ops' in read) return { ops: read.ops, notes: [...corrections, ...read.notes] };
    for (const split of [withTableUpFront(variant, ctx), chained(variant)]) {
      const done = split && readClauses(split.clauses, ctx, split.table);
      if (done) return { ops: done.ops, notes: [...corrections, ...done.notes] };
    }
  }
  const suggestions = closestForms(tokens.filter((t) => t.type === 'word').map((t) => t.text.toLowerCase()));
  if (whole.error) throw new SentenceError(whole.error.message, suggestions);
  const furthest = [...whole.misses, ...ctx.fails].sort((a, b) => b.pos - a.pos)[0];
  const why = furthest && furthest.pos >= 1 ? `: ${furthest.reason}` : '';
  throw new SentenceError(`could not understand "${sentence.trim()}"${why}`, suggestions);
}

/** A table, column or enum of the schema (a word spelled like one is not a typo). */
function knownName(schema: SentenceSchema | null, word: string): boolean {
  const key = compact(word);
  return (
    !!schema &&
    (schema.tables.some((t) => compact(t.name) === key || t.columns.some((c) => compact(c) === key)) || schema.enums.some((e) => compact(e) === key))
  );
}

export function opsFromSentence(sentence: string, options: SentenceOptions = {}): MigrationOp[] {
  return readSentence(sentence, options).ops;
}

/** The best-fitting reading of one clause, or why there is none. */
function readClause(tokens: SentenceToken[], ctx: ReadContext, contextTable?: string): SentenceResult | Failure {
  const misses: NearMiss[] = [];
  let best: { result: SentenceResult; misfits: number } | null = null;
  let error: SentenceError | undefined;
  for (const { form, patterns } of COMPILED) {
    for (const pattern of patterns) {
      for (const captures of pattern.matchAll(tokens, SLOTS, ctx, misses)) {
        const r = new Resolver(
          ctx.schema,
          contextTable,
          tokens.some((t) => isKeyword(t, 'column') || isKeyword(t, 'columns')),
          ctx.quoted,
        );
        try {
          const ops = parseMigrationOps(form.build(captures, r));
          if (!best || r.misfits < best.misfits) best = { result: { ops, notes: r.notes }, misfits: r.misfits };
        } catch (e) {
          const reason = e instanceof ContractError ? new SentenceError(e.message) : e;
          if (!(reason instanceof SentenceError)) throw e;
          if (!error || (reason instanceof AmbiguousName && !(error instanceof AmbiguousName))) error = reason;
        }
      }
    }
  }
  return best ? best.result : { error, misses };
}

/**
 * Clauses in order, each read on its own; `it` / `that` / `them` in a clause is the column the clause before was
 * about (`add column phone (text) to customers and index it`). A clause that restates the one before adds nothing.
 */
function readClauses(clauses: SentenceToken[][], ctx: ReadContext, table?: string): SentenceResult | null {
  const ops: MigrationOp[] = [];
  const notes: string[] = [];
  let last: Subject | undefined;
  let before = ctx.schema;
  for (const clause of clauses) {
    // `we no longer need the users table, drop it`: `drop it` after a clause that drops says nothing more.
    if (clause.length === 2 && isKeyword(clause[0], 'drop') && PRONOUNS.has(bare(clause[1])) && ops.length && ops.every((o) => o.op.startsWith('drop')))
      continue;
    const words = last ? clause.flatMap((t) => (PRONOUNS.has(bare(t)) ? reference(last!, t) : [t])) : clause;
    // Each clause is read against the schema as the clauses before it leave it; one that only restates the clause
    // before it (`users no longer need role, drop it`) is read as that clause was.
    const now = withOps(ctx.schema, ops);
    let read = readClause(words, { ...ctx, schema: now }, table);
    if (!('ops' in read)) {
      const again = readClause(words, { ...ctx, schema: before }, table);
      if ('ops' in again && again.ops.every((op) => ops.some((o) => JSON.stringify(o) === JSON.stringify(op)))) read = again;
    }
    before = now;
    if (!('ops' in read)) return null;
    for (const op of read.ops) if (!ops.some((o) => JSON.stringify(o) === JSON.stringify(op)) && !foldedIntoNewColumn(ops, op)) ops.push(op);
    notes.push(...read.notes);
    last =
      read.ops
        .map(subjectOf)
        .filter((c) => c !== undefined)
        .at(-1) ?? last;
  }
  return { ops, notes };
}

/**
 * `add column stock int to products; it must not be null`: what a later clause says of a column an earlier one
 * adds is part of that column's definition, not a change after it.
 */
function foldedIntoNewColumn(ops: MigrationOp[], op: MigrationOp): boolean {
  if (op.op !== 'setNullable' && op.op !== 'setDefault' && op.op !== 'alterColumnType') return false;
  const defs = ops.flatMap((o) =>
    o.op === 'addColumn' && o.table === op.table ? [o.column] : o.op === 'createTable' && o.table === op.table ? o.columns : [],
  );
  const def = defs.find((d) => d.name === op.column);
  if (!def) return false;
  if (op.op === 'setNullable') def.nullable = op.nullable;
  else if (op.op === 'alterColumnType') def.type = op.type;
  else if (op.default === null) delete def.default;
  else def.default = op.default;
  return true;
}

const PRONOUNS = new Set(['it', 'its', 'that', 'them', 'this']);

type Subject = { table: string; column?: string };

/** `customers . phone` (or `customers`), as name tokens standing where the pronoun stood. */
function reference(subject: Subject, at: SentenceToken): SentenceToken[] {
  const table: SentenceToken = { ...at, type: 'name', text: subject.table };
  return subject.column === undefined ? [table] : [table, { ...at, type: 'punct', text: '.' }, { ...at, type: 'name', text: subject.column }];
}

/** The column (or else the table) an op is about. */
function subjectOf(op: MigrationOp): Subject | undefined {
  switch (op.op) {
    case 'createTable':
    case 'dropTable':
      return { table: op.table };
    case 'renameTable':
      return { table: op.to };
    case 'addColumn':
      return { table: op.table, column: op.column.name };
    case 'renameColumn':
      return { table: op.table, column: op.to };
    case 'dropColumn':
    case 'alterColumnType':
    case 'setNullable':
    case 'setDefault':
      return { table: op.table, column: op.column };
    case 'createIndex':
      return op.columns.length === 1 ? { table: op.table, column: op.columns[0]! } : undefined;
    case 'addForeignKey':
      return { table: op.table, column: op.foreignKey.columns[0]! };
    default:
      return undefined;
  }
}

const VERBS = new Set(['add', 'drop', 'change', 'rename', 'set', 'make', 'create', 'index', 'link', 'give', 'default', 'require', 'allow']);

/**
 * `alter table orders add …, drop …` / `in orders, make status required`: clauses about one table;
 * `order_items.quantity: change type to smallint`: clauses about one column, which each clause's verb takes.
 */
function withTableUpFront(tokens: SentenceToken[], ctx: ReadContext): { table?: string; clauses: SentenceToken[][] } | null {
  const subject = asList(readCol(tokens, 0, ctx)).find(
    (r) => (r.value as { table?: string }).table && isKeyword(tokens[r.end], ':') && isKeyword(tokens[1], '.'),
  );
  if (subject) {
    const ref = tokens.slice(0, subject.end);
    const clauses = splitAt(tokens.slice(subject.end + 1), (t, next) => (isKeyword(t, ',') || isKeyword(t, 'and')) && VERBS.has(bare(next)));
    return { clauses: clauses.map((c) => [c[0]!, ...ref, ...c.slice(1)]) };
  }
  let i = 0;
  if (isKeyword(tokens[0], 'change') && isKeyword(tokens[1], 'table')) i = 2;
  else if (['in', 'on', 'for', 'within'].some((w) => isKeyword(tokens[0], w))) i = isKeyword(tokens[1], 'table') ? 2 : 1;
  const table = asList(readNames(tokens, i, ctx))
    .sort((a, b) => b.end - a.end)
    .find((n) => i > 0 || (findTable(ctx.schema, n.value as string) && isKeyword(tokens[n.end], ':')));
  if (!table) return null;
  let rest = table.end;
  if (isKeyword(tokens[rest], 'table')) rest++;
  if (isKeyword(tokens[rest], ',') || isKeyword(tokens[rest], ':')) rest++;
  const clauses = splitAt(tokens.slice(rest), (t, next) => (isKeyword(t, ',') || isKeyword(t, 'and')) && VERBS.has(bare(next)));
  return clauses.length ? { table: table.value as string, clauses } : null;
}

/** `…; then …`, `…, and drop …`: requests one after another. */
function chained(tokens: SentenceToken[]): { table?: string; clauses: SentenceToken[][] } | null {
  const clauses = splitAt(
    tokens,
    (t, next) =>
      isKeyword(t, ';') || isKeyword(t, 'then') || ((isKeyword(t, ',') || isKeyword(t, 'and')) && (VERBS.has(bare(next)) || PRONOUNS.has(bare(next)))),
  );
  return clauses.length > 1 ? { clauses } : null;
}

/** The tokens cut where `at` says (outside parentheses), the cutting words left out. */
function splitAt(tokens: SentenceToken[], at: (t: SentenceToken, next: SentenceToken | undefined) => boolean): SentenceToken[][] {
  const out: SentenceToken[][] = [[]];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isKeyword(t, '(')) depth++;
    if (isKeyword(t, ')')) depth--;
    if (depth === 0 && at(t, tokens[i + 1])) {
      const current = out[out.length - 1]!;
      while (isKeyword(current.at(-1), ',')) current.pop();
      if (current.length) out.push([]);
      // `, and then drop …`: every joining word goes.
      while (isKeyword(tokens[i + 1], 'and') || isKeyword(tokens[i + 1], 'then') || isKeyword(tokens[i + 1], ',')) i++;
      continue;
    }
    out[out.length - 1]!.push(t);
  }
  return out.filter((c) => c.length);
}

const STOP = new Set(['a', 'an', 'the', 'to', 'on', 'in', 'of', 'from', 'for', 'with', 'and', 'or', 'is', 'be']);

/** Forms ranked by the words they share with the sentence, and by how close its first word is to theirs. */
function closestForms(words: string[], count = 3): string[] {
  const said = new Set(words);
  const scored = COMPILED.map(({ form, patterns }) => {
    const best = Math.max(
      ...patterns.map((p) => {
        const keys = new Set(
          p.keywords.filter(
            (k) => !['a', 'an', 'the', '.', '(', ')', 'to', 'on', 'in', 'of', 'from', 'for', 'with', 'and', 'is', 'be', 'should', 'must', 'will'].includes(k),
          ),
        );
        const shared = [...keys].filter((k) => said.has(k)).length;
        const first = p.source.split(/\s+/)[0]!.replace(/[[\]]/g, '').split('|');
        const opener = words[0] !== undefined && first.some((f) => !f.startsWith('{') && levenshtein(f, words[0]!) <= Math.min(2, Math.floor(f.length / 3)));
        return shared / Math.sqrt(keys.size || 1) + (opener ? 1 : 0);
      }),
    );
    // And the words it shares with the form's example: `ad colmn email (text) to customers` is the add-column one.
    const example = new Set(form.example.toLowerCase().match(/[a-z_]+/g) ?? []);
    const overlap = [...said].filter((w) => example.has(w) && !STOP.has(w)).length / Math.sqrt(example.size || 1);
    // A destructive form is suggested only to a sentence that says drop.
    const destructive = form.id.startsWith('drop') && !said.has('drop');
    return { example: form.example, best: (best + overlap) * (destructive ? 0.5 : 1) };
  });
  const ranked = scored.filter((s) => s.best > 0).sort((a, b) => b.best - a.best);
  return [...new Set((ranked.length ? ranked : scored).map((s) => s.example))].slice(0, count);
}

export { FORMS, type SentenceForm } from './forms.ts';
export { type SentenceSchema, sentenceSchema } from './schema.ts';
export { SentenceError } from './tokens.ts';
