import type { ColumnDefault } from '../../contracts/migration-op.ts';
import type { ReadContext, SlotReader, SlotReading } from './match.ts';
import {
  type Action,
  asList,
  type ColRef,
  readActions,
  readCol,
  readName,
  readNameList,
  readNames,
  readParenthesized,
  readTarget,
  readTyped,
  type Target,
} from './slots.ts';
import { bare, isKeyword, type SentenceToken } from './tokens.ts';
import type { TypeReading } from './types.ts';
import { readValue } from './types.ts';

/** What may be said of a column: `required`, `unique`, `primary key`, `default 0`, `references customers(id)`… */
export interface Modifiers {
  nullable?: boolean;
  unique?: boolean;
  primaryKey?: boolean;
  identity?: boolean;
  /** null: `default null`, no default. */
  default?: ColumnDefault | null;
  references?: Target & { onDelete?: Action; onUpdate?: Action };
  index?: boolean;
  /** `check (quantity > 0)`: a check on the column, as written. */
  check?: string;
}

/** A column as a sentence describes it; the type is absent when the sentence gave none. */
export interface ColumnPhrase {
  name: string;
  type?: TypeReading;
  mods: Modifiers;
  /** `customers.email` as the column's name says its table. */
  table?: string;
}

/** Words that only join a modifier to what came before: `, and`, `with`, `that is`, `make it`. */
const JOINERS = [
  [','],
  ['and'],
  ['with'],
  ['as'],
  ['which'],
  ['that'],
  ['which', 'will'],
  ['that', 'will'],
  ['that', 'is'],
  ['which', 'is'],
  ['make', 'it'],
  ['making', 'it'],
  ['it', 'is'],
  ['it', 'should', 'be'],
  ['should', 'be'],
  ['must', 'be'],
  ['is'],
  ['be'],
  ['set', 'to'],
  ['and', 'make', 'it'],
  ['and', 'is'],
  ['but'],
];

/** One modifier at `i`, or null. */
function readModifier(tokens: SentenceToken[], i: number, ctx: ReadContext): { mods: Modifiers; end: number } | null {
  const w = bare(tokens[i]);
  const k = (offset: number, word: string) => isKeyword(tokens[i + offset], word);
  if (w === 'required') return { mods: { nullable: false }, end: i + 1 };
  if (w === 'optional' || w === 'nullable' || w === 'null') return { mods: { nullable: true }, end: i + 1 };
  if (w === 'unique') return { mods: { unique: true }, end: i + (k(1, 'key') ? 2 : 1) };
  if (w === 'primary' && k(1, 'key')) return { mods: { primaryKey: true }, end: i + 2 };
  if (w === 'indexed') return { mods: { index: true }, end: i + 1 };
  if (['identity', 'autoincrement', 'auto_increment', 'auto-increment', 'autoincrementing', 'auto-incrementing', 'autonumber'].includes(w))
    return { mods: { identity: true }, end: i + 1 };
  if (w === 'auto' && (k(1, 'increment') || k(1, 'incrementing') || k(1, 'increments') || k(1, 'number'))) return { mods: { identity: true }, end: i + 2 };
  if (w === 'generated' && (k(1, 'always') || k(1, 'by'))) {
    let j = i + 2;
    if (k(1, 'by')) j++;
    if (isKeyword(tokens[j], 'as') && isKeyword(tokens[j + 1], 'identity')) return { mods: { identity: true }, end: j + 2 };
  }
  if (w === 'default' || (w === '=' && i > 0)) {
    let d = i + 1;
    if (isKeyword(tokens[d], 'is') || isKeyword(tokens[d], 'as') || isKeyword(tokens[d], 'to') || isKeyword(tokens[d], '=')) d++;
    if (isKeyword(tokens[d], 'null') || isKeyword(tokens[d], 'optional')) return { mods: { default: null }, end: d + 1 };
    const v = readValue(tokens, d);
    return v ? { mods: { default: v.value }, end: v.end } : null;
  }
  if (w === 'by' && k(1, 'default')) {
    const v = readValue(tokens, i + 2);
    if (v) return { mods: { default: v.value }, end: v.end };
  }
  // `'new' as default`, `a random uuid as the default`, `0 by default`.
  const value = readValue(tokens, i);
  if (value && (isKeyword(tokens[value.end], 'as') || isKeyword(tokens[value.end], 'by')) && isKeyword(tokens[value.end + 1], 'default')) {
    return { mods: { default: value.value }, end: value.end + 2 };
  }
  if (w === 'check' && k(1, '(')) {
    const expr = readParenthesized(tokens, i + 1, ctx);
    return expr ? { mods: { check: expr.value as string }, end: expr.end } : null;
  }
  let r = -1;
  if (w === 'references' || isKeyword(tokens[i], '->')) r = i + 1;
  else if (w === 'foreign' && k(1, 'key')) r = k(2, 'references') || k(2, 'to') ? i + 3 : -1;
  if (r < 0) return null;
  const target = asList(readTarget(tokens, r, ctx)).find((t) => {
    const v = t.value as Target;
    return v.column !== undefined || t.end === r + 1 || isKeyword(tokens[r + 1], 'table');
  });
  if (!target) return null;
  const actions = readActions(tokens, target.end);
  return { mods: { references: { ...(target.value as Target), ...actions.value } }, end: actions.end };
}

/** One modifier at `i`, directly or after a joiner (`, unique`, `and make it required`). */
function readJoinedModifier(tokens: SentenceToken[], i: number, ctx: ReadContext): { mods: Modifiers; end: number } | null {
  const direct = readModifier(tokens, i, ctx);
  if (direct) return direct;
  for (const joiner of JOINERS) {
    if (joiner.every((w, k) => isKeyword(tokens[i + k], w))) {
      const next = readModifier(tokens, i + joiner.length, ctx);
      if (next) return next;
    }
  }
  // `, with a random uuid as default`, `, and required`: a comma before another joiner.
  if (isKeyword(tokens[i], ',') && !isKeyword(tokens[i + 1], ',')) return readJoinedModifier(tokens, i + 1, ctx);
  return null;
}

/** Zero or more modifiers, joined by nothing, commas, `and`, `with`, `make it`… (a joiner must lead to a modifier). */
export function readModifiers(tokens: SentenceToken[], pos: number, ctx: ReadContext): { value: Modifiers; end: number } {
  const mods: Modifiers = {};
  let i = pos;
  for (let next = readJoinedModifier(tokens, i, ctx); next; next = readJoinedModifier(tokens, i, ctx)) {
    Object.assign(mods, next.mods);
    i = next.end;
  }
  return { value: mods, end: i };
}

export const readModifiersSlot: SlotReader = (tokens, pos, ctx) => readModifiers(tokens, pos, ctx);

/** What may still be said of a column after its table: `… to order_items as decimal 5,2, required`. */
export const readPhraseTail: SlotReader = (tokens, pos, ctx) => {
  // `… to orders (string, optional)`: the same, in parentheses.
  if (isKeyword(tokens[pos], '(')) {
    const inner = readBareTail(tokens, pos + 1, ctx);
    if (inner.end > pos + 1 && isKeyword(tokens[inner.end], ')')) return [{ value: inner.value, end: inner.end + 1 }, readBareTail(tokens, pos, ctx)];
  }
  return readBareTail(tokens, pos, ctx);
};

function readBareTail(tokens: SentenceToken[], pos: number, ctx: ReadContext): SlotReading {
  let type: TypeReading | undefined;
  const mods: Modifiers = {};
  let i = pos;
  for (;;) {
    let at = i;
    if (!type && (isKeyword(tokens[at], ',') || isKeyword(tokens[at], 'and'))) at++;
    const typed = type ? undefined : asList(readTyped(tokens, at, ctx))[0];
    if (typed) {
      type = typed.value as TypeReading;
      i = typed.end;
      continue;
    }
    const mod = readJoinedModifier(tokens, i, ctx);
    if (!mod) {
      // `… as a text column`: the noun after the type is part of saying it.
      if (type && isKeyword(tokens[i], 'column')) i++;
      break;
    }
    Object.assign(mods, mod.mods);
    i = mod.end;
  }
  return { value: { type, mods }, end: i };
}

interface PhraseState {
  name?: string;
  table?: string;
  type?: TypeReading;
  /** The type's words, kept for `add a date column` (a column named after its type). */
  typeWords?: string;
  mods: Modifiers;
  column: boolean;
}

/**
 * One column in any order of its parts: `email text required`, `required text column email`, `a nullable text
 * column called notes`, `customers.email (varchar(80)) unique`, `a date column`. Offers every reading; a reading
 * needs a name (or a type to name the column after).
 */
export const readColumnPhrase: SlotReader = (tokens, pos, ctx) => {
  const out: SlotReading[] = [];
  const seen = new Set<string>();
  const emit = (s: PhraseState, end: number) => {
    const name = s.name ?? s.typeWords;
    if (!name || end === pos) return;
    const phrase: ColumnPhrase = { name, ...(s.name ? { type: s.type } : { type: s.type }), mods: s.mods, ...(s.table ? { table: s.table } : {}) };
    const key = `${end}:${JSON.stringify(phrase)}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ value: phrase, end });
    }
  };
  const walk = (s: PhraseState, i: number, depth: number) => {
    emit(s, i);
    if (depth > 12 || out.length > 64) return;
    if (!s.column && isKeyword(tokens[i], 'column')) walk({ ...s, column: true }, i + 1, depth + 1);
    // `a foreign key column referrer_id … referencing customers`: what it references comes later.
    if (!s.column && isKeyword(tokens[i], 'foreign') && isKeyword(tokens[i + 1], 'key') && isKeyword(tokens[i + 2], 'column'))
      walk({ ...s, column: true }, i + 3, depth + 1);
    if (!s.name && (isKeyword(tokens[i], 'called') || isKeyword(tokens[i], 'named'))) {
      for (const n of asList(readNames(tokens, i + 1, ctx))) walk({ ...s, name: n.value as string }, n.end, depth + 1);
    }
    if (!s.type) {
      // `an api_key column, uuid, …`, `a weight column of decimal(6,3)`: the type after a comma or `of`, once the
      // phrase has said `column` (in a bare list, `id int, name, date` is three columns, the last named date).
      const at =
        s.name && s.column && isKeyword(tokens[i], ',') ? i + 1 : s.column && isKeyword(tokens[i], 'of') && !isKeyword(tokens[i + 1], 'type') ? i + 1 : i;
      for (const t of asList(readTyped(tokens, at, ctx))) {
        const type = t.value as TypeReading;
        const words = tokens
          .slice(i, type.end)
          .filter((x) => x.type === 'word')
          .map((x) => x.text.toLowerCase());
        walk({ ...s, type, typeWords: words.join('_'), mods: type.identity ? { ...s.mods, identity: true } : s.mods }, t.end, depth + 1);
      }
    }
    // One modifier at a time: `id int primary key, primary key (a, b)` must be able to stop before the second.
    const mod = readJoinedModifier(tokens, i, ctx);
    if (mod) walk({ ...s, mods: { ...s.mods, ...mod.mods } }, mod.end, depth + 1);
    // `title (varchar 100, required)`: the type and modifiers in parentheses after the name.
    if (s.name && !s.type && isKeyword(tokens[i], '(')) {
      const inner = readBareTail(tokens, i + 1, ctx);
      const tail = inner.value as { type?: TypeReading; mods: Modifiers };
      if (inner.end > i + 1 && isKeyword(tokens[inner.end], ')')) {
        walk({ ...s, type: tail.type, mods: { ...s.mods, ...tail.mods, ...(tail.type?.identity ? { identity: true } : {}) } }, inner.end + 1, depth + 1);
      }
    }
    if (!s.name) {
      const ref = asList(readCol(tokens, i, ctx)).find((r) => isKeyword(tokens[i + 1], '.') && (r.value as ColRef).table);
      if (ref) walk({ ...s, name: (ref.value as ColRef).column, table: (ref.value as ColRef).table }, ref.end, depth + 1);
      for (const n of asList(readNames(tokens, i, ctx))) if (!isKeyword(tokens[n.end], '.')) walk({ ...s, name: n.value as string }, n.end, depth + 1);
    }
  };
  walk({ mods: {}, column: false }, pos, 0);
  return out.length ? out : null;
};

/** Columns in a list: `id int primary key, email text and name text`. */
export const readColumnPhrases: SlotReader = (tokens, pos, ctx) => {
  const lists = readList<ColumnPhrase[]>(tokens, pos, [], (i, list) =>
    bestPerEnd(asList(readColumnPhrase(tokens, i, ctx))).map((p) => ({ value: [...list, p.value as ColumnPhrase], end: p.end })),
  );
  return lists.length ? lists : null;
};

/**
 * A list read forward, one reading per place it can end (so a long list costs its length, not its readings'
 * product): `next` extends a list at a position; items are separated by `,`, `;` and `and`.
 */
function readList<T>(tokens: SentenceToken[], pos: number, empty: T, next: (at: number, list: T) => { value: T; end: number }[]): SlotReading[] {
  const at = new Map<number, T>([[pos, empty]]);
  const ends = new Map<number, T>();
  for (let i = pos; i <= tokens.length; i++) {
    const list = at.get(i);
    if (list === undefined) continue;
    for (const item of next(i, list)) {
      if (!ends.has(item.end)) ends.set(item.end, item.value);
      let j = item.end;
      if (isKeyword(tokens[j], ',') || isKeyword(tokens[j], ';')) j++;
      if (isKeyword(tokens[j], 'and')) j++;
      if (j > item.end && !at.has(j)) at.set(j, item.value);
    }
  }
  return [...ends].map(([end, value]) => ({ value, end }));
}

/** Of the phrase readings ending at the same place, the one that says most (a type over none). */
function bestPerEnd(readings: SlotReading[]): SlotReading[] {
  const byEnd = new Map<number, SlotReading>();
  const score = (r: SlotReading) => {
    const p = r.value as ColumnPhrase;
    return (p.type ? 2 : 0) + (p.name.includes('_') ? 0 : 1);
  };
  for (const r of readings) {
    const best = byEnd.get(r.end);
    if (!best || score(r) > score(best)) byEnd.set(r.end, r);
  }
  return [...byEnd.values()];
}

export interface TableBody {
  columns: ColumnPhrase[];
  primaryKey?: { name?: string; columns: string[] };
  uniques: { name?: string; columns: string[] }[];
  foreignKeys: { name?: string; columns: string[]; references: Target; onDelete?: Action; onUpdate?: Action }[];
  checks: { name?: string; expression: string }[];
}

/** A table constraint of a column list: `[constraint n] primary key (a, b)`, `unique (a)`, `foreign key (a) references t(b)`, `check (…)`. */
function readTableConstraint(tokens: SentenceToken[], pos: number, ctx: ReadContext, body: TableBody): number | null {
  let i = pos;
  let name: string | undefined;
  if (isKeyword(tokens[i], 'constraint')) {
    const n = readName(tokens, i + 1);
    if (!n) return null;
    name = n.value;
    i = n.end;
  }
  const named = name ? { name } : {};
  const list = (at: number) => (isKeyword(tokens[at], '(') ? readNameList(tokens, at, ctx)[0] : undefined);
  if (isKeyword(tokens[i], 'primary') && isKeyword(tokens[i + 1], 'key')) {
    const cols = list(i + 2);
    if (!cols) return null;
    body.primaryKey = { ...named, columns: cols.value as string[] };
    return cols.end;
  }
  if (isKeyword(tokens[i], 'unique')) {
    const cols = list(i + 1);
    if (!cols) return null;
    body.uniques.push({ ...named, columns: cols.value as string[] });
    return cols.end;
  }
  if (isKeyword(tokens[i], 'foreign') && isKeyword(tokens[i + 1], 'key')) {
    const cols = list(i + 2);
    if (!cols || !isKeyword(tokens[cols.end], 'references')) return null;
    const target = asList(readTarget(tokens, cols.end + 1, ctx))[0];
    if (!target) return null;
    const actions = readActions(tokens, target.end);
    body.foreignKeys.push({ ...named, columns: cols.value as string[], references: target.value as Target, ...actions.value });
    return actions.end;
  }
  if (isKeyword(tokens[i], 'check') && isKeyword(tokens[i + 1], '(')) {
    const expr = readParenthesized(tokens, i + 1, ctx);
    if (!expr) return null;
    body.checks.push({ ...named, expression: expr.value as string });
    return expr.end;
  }
  return null;
}

/** A new table's contents: column phrases and table constraints, optionally in parentheses. */
export const readTableBody: SlotReader = (tokens, pos, ctx) => {
  const wrapped = isKeyword(tokens[pos], '(');
  const empty: TableBody = { columns: [], uniques: [], foreignKeys: [], checks: [] };
  const bodies = readList<TableBody>(tokens, wrapped ? pos + 1 : pos, empty, (i, body) => {
    const constrained: TableBody = { ...body, uniques: [...body.uniques], foreignKeys: [...body.foreignKeys], checks: [...body.checks] };
    const c = readTableConstraint(tokens, i, ctx, constrained);
    if (c !== null) return [{ value: constrained, end: c }];
    return bestPerEnd(asList(readColumnPhrase(tokens, i, ctx))).map((p) => ({
      value: { ...body, columns: [...body.columns, p.value as ColumnPhrase] },
      end: p.end,
    }));
  }).filter((b) => (b.value as TableBody).columns.length && (!wrapped || isKeyword(tokens[b.end], ')')));
  const out = wrapped ? bodies.map((b) => ({ value: b.value, end: b.end + 1 })) : bodies;
  return out.length ? out : null;
};
