import type { ColumnDefault } from '../../contracts/migration-op.ts';
import type { NeutralType, REFERENTIAL_ACTIONS } from '../../contracts/schema-model.ts';
import { isKeyword, type SentenceToken } from './tokens.ts';
import { readType, readValue, TYPE_HELP } from './types.ts';

/** A slot reading: its value and where it ended, or a reason it could not read (kept for the error message). */
export type SlotResult = { value: unknown; end: number } | { fail: string } | null;
export type SlotReader = (tokens: SentenceToken[], pos: number) => SlotResult;

/** Structure words a bare name cannot be (quote a name to use one of them). */
const RESERVED = new Set(['to', 'on', 'in', 'of', 'from', 'with', 'and', 'references', 'a', 'an', 'the', 'as', 'named', 'called', 'into', 'for', 'column', 'columns', 'table', 'index', 'default', 'unique', 'required', 'optional', 'should', 'must', 'is', 'be', 'where']);

export type Action = (typeof REFERENTIAL_ACTIONS)[number];

/** What may follow a column: `required`, `unique`, `primary key`, `default 0`, `references customers(id)`… */
export interface Modifiers {
  nullable?: boolean;
  unique?: boolean;
  primaryKey?: boolean;
  identity?: boolean;
  default?: ColumnDefault;
  references?: { table: string; column?: string; onDelete?: Action };
}

export interface ColumnPhrase {
  name: string;
  type: NeutralType;
  mods: Modifiers;
}

export function readName(tokens: SentenceToken[], pos: number): { value: string; end: number } | null {
  const t = tokens[pos];
  if (!t) return null;
  if (t.type === 'name' || t.type === 'string') return t.text === '' ? null : { value: t.text, end: pos + 1 };
  if (t.type === 'word' && !RESERVED.has(t.text.toLowerCase())) return { value: t.text, end: pos + 1 };
  return null;
}

/** `customers.email` */
export function readRef(tokens: SentenceToken[], pos: number): { value: { table: string; column: string }; end: number } | null {
  const table = readName(tokens, pos);
  if (!table || !isKeyword(tokens[table.end], '.')) return null;
  const column = readName(tokens, table.end + 1);
  return column ? { value: { table: table.value, column: column.value }, end: column.end } : null;
}

/** `customers` or `customers.id` or `customers(id)`. */
export function readTarget(tokens: SentenceToken[], pos: number): { value: { table: string; column?: string }; end: number } | null {
  const ref = readRef(tokens, pos);
  if (ref) return ref;
  const table = readName(tokens, pos);
  if (!table) return null;
  if (isKeyword(tokens[table.end], '(')) {
    const column = readName(tokens, table.end + 1);
    if (column && isKeyword(tokens[column.end], ')')) return { value: { table: table.value, column: column.value }, end: column.end + 1 };
  }
  return { value: { table: table.value }, end: table.end };
}

/** A type, bare or in parentheses, or after `as`, `of type`, `:`. */
export const readTyped: SlotReader = (tokens, pos) => {
  let i = pos;
  if (isKeyword(tokens[i], 'as') || isKeyword(tokens[i], ':')) i++;
  else if (isKeyword(tokens[i], 'of') && isKeyword(tokens[i + 1], 'type')) i += 2;
  else if (isKeyword(tokens[i], 'type')) i++;
  while (isKeyword(tokens[i], 'a') || isKeyword(tokens[i], 'an')) i++;
  if (isKeyword(tokens[i], '(')) {
    const inner = readType(tokens, i + 1);
    if (inner && isKeyword(tokens[inner.end], ')')) return { value: inner.type, end: inner.end + 1 };
    const word = tokens[i + 1];
    if (word && isKeyword(tokens[i + 2], ')')) return { fail: `unknown type "${word.text}" (types: ${TYPE_HELP})` };
    return null;
  }
  const bare = readType(tokens, i);
  return bare ? { value: bare.type, end: bare.end } : null;
};

export function readAction(tokens: SentenceToken[], pos: number): { value: Action; end: number } | null {
  const two = (a: string, b: string) => isKeyword(tokens[pos], a) && isKeyword(tokens[pos + 1], b);
  if (isKeyword(tokens[pos], 'cascade')) return { value: 'cascade', end: pos + 1 };
  if (isKeyword(tokens[pos], 'restrict')) return { value: 'restrict', end: pos + 1 };
  if (two('set', 'null')) return { value: 'set null', end: pos + 2 };
  if (two('set', 'default')) return { value: 'set default', end: pos + 2 };
  if (two('no', 'action')) return { value: 'no action', end: pos + 2 };
  return null;
}

/** Zero or more modifiers, separated by nothing, commas or `and` (a separator must be followed by a modifier). */
export const readModifiers: SlotReader = (tokens, pos) => {
  const mods: Modifiers = {};
  let i = pos;
  for (;;) {
    let j = i;
    if (isKeyword(tokens[j], ',') || isKeyword(tokens[j], 'and')) j++;
    if (isKeyword(tokens[j], 'and')) j++;
    if ((isKeyword(tokens[j], 'make') || isKeyword(tokens[j], 'making')) && isKeyword(tokens[j + 1], 'it')) j += 2;
    if (isKeyword(tokens[j], 'is') || isKeyword(tokens[j], 'a') || isKeyword(tokens[j], 'an')) j++;
    const next = readModifier(tokens, j, mods);
    if (next === null) break;
    i = next;
  }
  return { value: mods, end: i };
};

function readModifier(tokens: SentenceToken[], i: number, mods: Modifiers): number | null {
  const k = (offset: number, word: string) => isKeyword(tokens[i + offset], word);
  const w = tokens[i]?.type === 'word' ? tokens[i]!.text.toLowerCase() : '';
  if (['required', 'mandatory', 'non-null', 'non-nullable', 'non-optional'].includes(w)) return set(mods, { nullable: false }, i + 1);
  if ((w === 'not' || w === 'non') && k(1, 'null')) return set(mods, { nullable: false }, i + 2);
  if (['optional', 'nullable', 'null'].includes(w)) return set(mods, { nullable: true }, i + 1);
  if (w === 'unique') return set(mods, { unique: true }, i + 1);
  if ((w === 'primary' && k(1, 'key')) || w === 'pk') return set(mods, { primaryKey: true }, i + (w === 'pk' ? 1 : 2));
  if (['identity', 'autoincrement', 'auto-increment', 'serial'].includes(w)) return set(mods, { identity: true }, i + 1);
  if (w === 'auto' && (k(1, 'increment') || k(1, 'incrementing'))) return set(mods, { identity: true }, i + 2);
  let d = -1;
  if (w === 'default') d = i + 1;
  else if ((w === 'defaults' || w === 'defaulting') && k(1, 'to')) d = i + 2;
  else if (w === 'with' && k(1, 'default')) d = i + 2;
  else if (w === 'with' && (k(1, 'a') || k(1, 'the')) && k(2, 'default')) d = i + 3;
  if (d >= 0) {
    if (isKeyword(tokens[d], 'of') || isKeyword(tokens[d], 'value') || isKeyword(tokens[d], 'to')) d++;
    if (isKeyword(tokens[d], 'of')) d++;
    const v = readValue(tokens, d);
    return v ? set(mods, { default: v.value }, v.end) : null;
  }
  if (w === 'references' || (w === 'referencing') || ((w === 'refers' || w === 'points') && k(1, 'to'))) {
    const start = w === 'refers' || w === 'points' ? i + 2 : i + 1;
    const target = readTarget(tokens, start);
    if (!target) return null;
    let end = target.end;
    let onDelete: Action | undefined;
    if (isKeyword(tokens[end], 'on') && isKeyword(tokens[end + 1], 'delete')) {
      const action = readAction(tokens, end + 2);
      if (!action) return null;
      onDelete = action.value;
      end = action.end;
    }
    return set(mods, { references: { ...target.value, ...(onDelete ? { onDelete } : {}) } }, end);
  }
  return null;
}

function set(mods: Modifiers, add: Modifiers, end: number): number {
  Object.assign(mods, add);
  return end;
}

/** `id (integer) primary key, email (text) required and name (varchar(80))`, optionally in parentheses. */
export const readColumnPhrases: SlotReader = (tokens, pos) => {
  let i = pos;
  const wrapped = isKeyword(tokens[i], '(');
  if (wrapped) i++;
  const columns: ColumnPhrase[] = [];
  for (;;) {
    const name = readName(tokens, i);
    if (!name) return columns.length && !wrapped ? { value: columns, end: i } : null;
    const typed = readTyped(tokens, name.end);
    if (typed === null) return { fail: `column ${name.value} needs a type, as in ${name.value} (text)` };
    if ('fail' in typed) return typed;
    const mods = readModifiers(tokens, typed.end) as { value: Modifiers; end: number };
    columns.push({ name: name.value, type: typed.value as NeutralType, mods: mods.value });
    i = mods.end;
    const comma = isKeyword(tokens[i], ',');
    if (comma) i++;
    if (isKeyword(tokens[i], 'and')) i++;
    else if (!comma) break;
  }
  if (wrapped) {
    if (!isKeyword(tokens[i], ')')) return null;
    i++;
  }
  return { value: columns, end: i };
};

/** `(a, b)` or `a, b and c`. */
export const readColumnList: SlotReader = (tokens, pos) => {
  let i = pos;
  const wrapped = isKeyword(tokens[i], '(');
  if (wrapped) i++;
  const names: string[] = [];
  for (;;) {
    const name = readName(tokens, i);
    if (!name) return null;
    names.push(name.value);
    i = name.end;
    if (isKeyword(tokens[i], ',')) i++;
    else if (isKeyword(tokens[i], 'and')) i++;
    else break;
    if (isKeyword(tokens[i], 'and')) i++;
  }
  if (wrapped) {
    if (!isKeyword(tokens[i], ')')) return null;
    i++;
  }
  return { value: names, end: i };
};
