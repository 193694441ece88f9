import type { REFERENTIAL_ACTIONS } from '../../contracts/schema-model.ts';
import type { ReadContext, SlotReader, SlotReading } from './match.ts';
import { findColumn, findTable } from './schema.ts';
import { bare, isKeyword, type SentenceToken } from './tokens.ts';
import { readType, readValue, TYPE_HELP } from './types.ts';

/** Structure words a bare name cannot be (quote a name to use one of them). */
export const RESERVED = new Set([
  'to',
  'on',
  'in',
  'of',
  'from',
  'with',
  'and',
  'or',
  'by',
  'for',
  'into',
  'as',
  'named',
  'called',
  'references',
  'column',
  'columns',
  'table',
  'tables',
  'index',
  'default',
  'unique',
  'required',
  'optional',
  'should',
  'must',
  'is',
  'be',
  'are',
  'where',
  'not',
  'null',
  'primary',
  'foreign',
  'constraint',
  'check',
  'drop',
  'add',
  'create',
  'rename',
  'change',
  'make',
  'set',
  'then',
  'it',
  'its',
  'using',
  'within',
  'having',
  'that',
  'which',
  'enum',
  'after',
  'before',
  'instead',
  'so',
  'now',
  'all',
  'every',
  'each',
  'everything',
  'any',
  'no',
  'yes',
  'if',
  'exists',
]);

export type Action = (typeof REFERENTIAL_ACTIONS)[number];
export type ColRef = { table?: string; column: string };
export type ColSet = { table?: string; columns: string[] };
export type Target = { table: string; column?: string };

const reading = (value: unknown, end: number): SlotReading => ({ value, end });

/** One token that can be a name: quoted, or a bare word that is not a structure word. */
export function readName(tokens: SentenceToken[], pos: number): { value: string; end: number } | null {
  const t = tokens[pos];
  if (!t) return null;
  if (t.type === 'name' || t.type === 'string') return t.text === '' ? null : { value: t.text, end: pos + 1 };
  if (t.type === 'word' && !RESERVED.has(t.text.toLowerCase())) return { value: t.text, end: pos + 1 };
  return null;
}

/** A bare word that can be part of a name written in words (`unit price`): not a structure word, not a type. */
const nameWord = (t: SentenceToken | undefined) => t?.type === 'word' && !RESERVED.has(t.text.toLowerCase());

/**
 * A name: one token, or two or three bare words meaning one name (`unit price` → unit_price, `order items` →
 * order_items). Every reading is offered; the schema and the rest of the sentence decide.
 */
export const readNames: SlotReader = (tokens, pos) => {
  const one = readName(tokens, pos);
  if (!one) return null;
  const out: SlotReading[] = [one];
  let words = [tokens[pos]!];
  for (let i = pos + 1; i < pos + 3 && tokens[pos]!.type === 'word' && nameWord(tokens[i]) && !readType(tokens, i); i++) {
    words = [...words, tokens[i]!];
    out.push(reading(words.map((w) => w.text.toLowerCase()).join('_'), i + 1));
  }
  return out;
};

/** A name the schema knows as a table (`customers`, `customer`, `order items`). */
export const readKnownTable: SlotReader = (tokens, pos, ctx) => {
  const names = asList(readNames(tokens, pos, ctx));
  const known = names.filter((n) => findTable(ctx.schema, n.value as string));
  return known.length ? known : null;
};

export const asList = (r: ReturnType<SlotReader>): SlotReading[] => (r === null || 'fail' in r ? [] : Array.isArray(r) ? r : [r]);

const TABLE_OF = ['of', 'in', 'on', 'from', 'for', 'within', 'inside'];

/** `of|in|on|from [table] customers [table]`: where a column is. */
function tableClause(tokens: SentenceToken[], pos: number, ctx: ReadContext): SlotReading[] {
  if (!TABLE_OF.some((w) => isKeyword(tokens[pos], w))) return [];
  let i = pos + 1;
  if (isKeyword(tokens[i], 'table')) i++;
  // `for each customer`, `on every order`: the rows name their table.
  else if (isKeyword(tokens[i], 'every') || isKeyword(tokens[i], 'each')) i++;
  return asList(readNames(tokens, i, ctx)).flatMap((t) => [t, ...(isKeyword(tokens[t.end], 'table') ? [reading(t.value, t.end + 1)] : [])]);
}

/**
 * A column: `customers.email`, `customers(email)`, `customer's email`, `[column] email [of|in|on|from customers]`,
 * `customers email` when the schema has that table with that column, or a bare `email` (its table then comes from
 * the sentence or the schema).
 */
export const readCol: SlotReader = (tokens, pos, ctx) => {
  const out: SlotReading[] = [];
  const table = readName(tokens, pos);
  if (table && isKeyword(tokens[table.end], '.')) {
    const column = readName(tokens, table.end + 1);
    if (column) out.push(...withColumnWord(tokens, { table: table.value, column: column.value }, column.end));
  }
  if (table && isKeyword(tokens[table.end], '(')) {
    const column = readName(tokens, table.end + 1);
    if (column && isKeyword(tokens[column.end], ')')) out.push(...withColumnWord(tokens, { table: table.value, column: column.value }, column.end + 1));
  }
  for (const t of asList(readNames(tokens, pos, ctx))) {
    if (isKeyword(tokens[t.end], "'s"))
      for (const c of asList(readNames(tokens, t.end + 1, ctx)))
        out.push(...withColumnWord(tokens, { table: t.value as string, column: c.value as string }, c.end));
    // `customers email`, `the orders status column`: only when the schema says so.
    const known = findTable(ctx.schema, t.value as string);
    if (known)
      for (const c of asList(readNames(tokens, t.end, ctx)))
        if (findColumn(known, c.value as string)) out.push(...withColumnWord(tokens, { table: t.value as string, column: c.value as string }, c.end));
  }
  let i = pos;
  if (isKeyword(tokens[i], 'column')) i++;
  for (const c of asList(readNames(tokens, i, ctx))) {
    for (const after of withColumnWord(tokens, { column: c.value as string }, c.end)) {
      out.push(after);
      for (const t of tableClause(tokens, after.end, ctx)) out.push(reading({ table: t.value, column: c.value }, t.end));
    }
  }
  return out.length ? out : null;
};

/** A reading, and the same one with a `column` word after it (`the email column`). */
function withColumnWord(tokens: SentenceToken[], value: ColRef, end: number): SlotReading[] {
  return isKeyword(tokens[end], 'column') ? [reading(value, end), reading(value, end + 1)] : [reading(value, end)];
}

/** `(a, b)`, `a, b and c`, `a and b`, `a + b`: names in a list. */
export function readNameList(tokens: SentenceToken[], pos: number, ctx: ReadContext): SlotReading[] {
  const wrapped = isKeyword(tokens[pos], '(');
  const out: SlotReading[] = [];
  const walk = (i: number, names: string[]) => {
    for (const n of asList(readNames(tokens, i, ctx))) {
      const list = [...names, n.value as string];
      let j = n.end;
      if (wrapped ? isKeyword(tokens[j], ')') : true) out.push(reading(list, wrapped ? j + 1 : j));
      if (isKeyword(tokens[j], ',')) j++;
      if (isKeyword(tokens[j], 'and') || isKeyword(tokens[j], '&') || isKeyword(tokens[j], '+')) j++;
      if (j > n.end) walk(j, list);
    }
  };
  walk(wrapped ? pos + 1 : pos, []);
  return out;
}

/**
 * Columns of one table: any single column reading, `customers (email, name)`, `email and name [of customers]`,
 * `customers on|by email and name`, `(email, name) [on customers]`.
 */
export const readColSet: SlotReader = (tokens, pos, ctx) => {
  const out: SlotReading[] = asList(readCol(tokens, pos, ctx)).map((r) => {
    const ref = r.value as ColRef;
    return reading({ table: ref.table, columns: [ref.column] }, r.end);
  });
  let start = pos;
  if (isKeyword(tokens[start], 'columns') || isKeyword(tokens[start], 'column')) start++;
  for (const list of readNameList(tokens, start, ctx)) {
    const value = list.value as string[];
    if (value.length === 1 && !isKeyword(tokens[start], '(')) continue;
    let end = list.end;
    if (isKeyword(tokens[end], 'columns') || isKeyword(tokens[end], 'column')) end++;
    out.push(reading({ columns: value }, end));
    for (const t of tableClause(tokens, end, ctx)) out.push(reading({ table: t.value, columns: value }, t.end));
  }
  let t0 = pos;
  if (isKeyword(tokens[t0], 'table')) t0++;
  for (const t of asList(readNames(tokens, t0, ctx))) {
    let i = t.end;
    if (isKeyword(tokens[i], 'table')) i++;
    // `on table orders placed, day`: the word table says which name is the table.
    if (t0 > pos) for (const list of readNameList(tokens, i, ctx)) out.push(reading({ table: t.value, columns: list.value }, list.end));
    if (isKeyword(tokens[i], '(')) for (const list of readNameList(tokens, i, ctx)) out.push(reading({ table: t.value, columns: list.value }, list.end));
    if (['on', 'by', 'using', 'for', 'over'].some((w) => isKeyword(tokens[i], w))) {
      let j = i + 1;
      if (isKeyword(tokens[j], 'columns') || isKeyword(tokens[j], 'column')) j++;
      for (const list of readNameList(tokens, j, ctx)) out.push(reading({ table: t.value, columns: list.value }, list.end));
    }
  }
  return out.length ? out : null;
};

/** What a foreign key points at: `customers`, `customers.id`, `customers(id)`, `customer's id`, `id of customers`. */
export const readTarget: SlotReader = (tokens, pos, ctx) => {
  const out: SlotReading[] = [];
  let i = pos;
  if (isKeyword(tokens[i], 'table')) i++;
  for (const r of asList(readCol(tokens, i, ctx))) {
    const ref = r.value as ColRef;
    out.push(reading(ref.table ? { table: ref.table, column: ref.column } : { table: ref.column }, r.end));
  }
  return out.flatMap((r) => (isKeyword(tokens[r.end], 'table') ? [r, reading(r.value, r.end + 1)] : [r]));
};

/** A type, bare or in parentheses, or after `as`, `of type`, `type`, `:`. Its value is the TypeReading. */
export const readTyped: SlotReader = (tokens, pos, ctx) => {
  let i = pos;
  if (isKeyword(tokens[i], 'as') || isKeyword(tokens[i], ':')) i++;
  else if ((isKeyword(tokens[i], 'of') || isKeyword(tokens[i], 'with')) && (isKeyword(tokens[i + 1], 'type') || isKeyword(tokens[i + 1], 'data'))) i += 2;
  else if (isKeyword(tokens[i], 'type')) i++;
  if (isKeyword(tokens[i], 'type')) i++;
  if (isKeyword(tokens[i], '(')) {
    const inner = readType(tokens, i + 1);
    if (inner && isKeyword(tokens[inner.end], ')')) return reading(inner, inner.end + 1);
    const word = tokens[i + 1];
    if (word && word.type === 'word' && isKeyword(tokens[i + 2], ')'))
      ctx.fails.push({ pos: i + 1, reason: `unknown type "${word.text}" (types: ${TYPE_HELP})` });
    return null;
  }
  const t = readType(tokens, i);
  if (!t) return null;
  // `varchar(20) type`, `a text column`: the noun after the type is part of saying it.
  return isKeyword(tokens[t.end], 'type') ? [reading(t, t.end), reading(t, t.end + 1)] : reading(t, t.end);
};

export function readAction(tokens: SentenceToken[], pos: number): { value: Action; end: number } | null {
  const two = (a: string, b: string) => isKeyword(tokens[pos], a) && isKeyword(tokens[pos + 1], b);
  if (isKeyword(tokens[pos], 'cascade') || isKeyword(tokens[pos], 'cascades') || isKeyword(tokens[pos], 'cascading')) return { value: 'cascade', end: pos + 1 };
  if (isKeyword(tokens[pos], 'restrict')) return { value: 'restrict', end: pos + 1 };
  if (two('set', 'null') || two('set', 'optional')) return { value: 'set null', end: pos + 2 };
  if (two('set', 'default')) return { value: 'set default', end: pos + 2 };
  if (two('no', 'action')) return { value: 'no action', end: pos + 2 };
  return null;
}

/** `on delete cascade [on update …]`, also `with cascade delete` / `cascading deletes`. */
export function readActions(tokens: SentenceToken[], pos: number): { value: { onDelete?: Action; onUpdate?: Action }; end: number } {
  const value: { onDelete?: Action; onUpdate?: Action } = {};
  let i = pos;
  for (;;) {
    if (isKeyword(tokens[i], ',') || isKeyword(tokens[i], 'and') || isKeyword(tokens[i], 'with')) {
      const next = readActions(tokens, i + 1);
      if (next.end > i + 1) return { value: { ...value, ...next.value }, end: next.end };
    }
    // `on delete` / `on update` arrive as `on drop` / `on change` (normalize.ts).
    if (isKeyword(tokens[i], 'on') && (isKeyword(tokens[i + 1], 'drop') || isKeyword(tokens[i + 1], 'change'))) {
      const action = readAction(tokens, i + 2);
      if (!action) break;
      value[isKeyword(tokens[i + 1], 'drop') ? 'onDelete' : 'onUpdate'] = action.value;
      i = action.end;
    } else if (['cascade', 'cascading'].includes(bare(tokens[i])) && ['drop', 'drops', 'deletes'].includes(bare(tokens[i + 1]))) {
      value.onDelete = 'cascade';
      i += 2;
    } else if (readAction(tokens, i) && isKeyword(tokens[readAction(tokens, i)!.end], 'on')) {
      // `cascade on delete`: the action first.
      const action = readAction(tokens, i)!;
      const on = bare(tokens[action.end + 1]);
      if (on !== 'drop' && on !== 'change') break;
      value[on === 'drop' ? 'onDelete' : 'onUpdate'] = action.value;
      i = action.end + 2;
    } else break;
  }
  return { value, end: i };
}

/** A default value; a bare word reads as text (`defaults to pending`). */
export const readValueSlot: SlotReader = (tokens, pos) => {
  const v = readValue(tokens, pos);
  if (v) return v;
  const t = tokens[pos];
  return t?.type === 'word' && !RESERVED.has(t.text.toLowerCase()) ? reading({ kind: 'value', value: t.text }, pos + 1) : null;
};

/** Values of an enum: `'a', 'b' and 'c'`, `(a, b, c)`, `a/b/c`. */
export const readValues: SlotReader = (tokens, pos) => {
  const wrapped = isKeyword(tokens[pos], '(');
  let i = wrapped ? pos + 1 : pos;
  const values: string[] = [];
  for (;;) {
    const t = tokens[i];
    if (!t || !(t.type === 'string' || t.type === 'name' || t.type === 'number' || (t.type === 'word' && !RESERVED.has(t.text.toLowerCase())))) return null;
    values.push(t.text);
    i++;
    if (isKeyword(tokens[i], ',') || isKeyword(tokens[i], '/')) i++;
    if (isKeyword(tokens[i], 'and') || isKeyword(tokens[i], 'or')) i++;
    else if (!isKeyword(tokens[i - 1], ',') && !isKeyword(tokens[i - 1], '/')) break;
  }
  if (wrapped) {
    if (!isKeyword(tokens[i], ')')) return null;
    i++;
  }
  return reading(values, i);
};

/** The text inside balanced parentheses at `pos`, as written. */
export function readParenthesized(tokens: SentenceToken[], pos: number, ctx: ReadContext): SlotReading | null {
  if (!isKeyword(tokens[pos], '(')) return null;
  let depth = 0;
  for (let i = pos; i < tokens.length; i++) {
    if (isKeyword(tokens[i], '(')) depth++;
    // Sliced between the parentheses of the sentence as written: the words inside are not rewritten.
    if (isKeyword(tokens[i], ')') && --depth === 0) {
      const text = ctx.text.slice(tokens[pos]!.end, tokens[i]!.start).trim();
      return text ? reading(text, i + 1) : null;
    }
  }
  return null;
}

/** A raw expression (a check's): the text inside parentheses, or the rest of the sentence, as written. */
export const readExpression: SlotReader = (tokens, pos, ctx) => {
  if (pos >= tokens.length) return null;
  const rest = reading(ctx.text.slice(tokens[pos]!.start, tokens[tokens.length - 1]!.end).trim(), tokens.length);
  const inner = readParenthesized(tokens, pos, ctx);
  // `(quantity > 0) to order_items`: what follows the parentheses is the sentence's, not the expression's.
  if (inner && ['to', 'on', 'for', 'in', 'into'].some((w) => isKeyword(tokens[inner.end], w))) return [inner];
  return inner ? [inner, rest] : [rest];
};
