/**
 * Reads simple CHECK constraints so the generated Zod schemas can enforce them: comparisons of one column with a
 * number (`price > 0`, `qty BETWEEN 1 AND 10`, `(qty >= 0) AND (qty <= 100)`) and membership in a list
 * (`status IN ('a', 'b')`, Postgres's `status = ANY (ARRAY['a'::text, 'b'::text])`). Casts (`::numeric`) and
 * redundant parentheses as each dialect prints them are tolerated. Anything else returns null and stays
 * unenforced on the client: the database still enforces it.
 */

export type CheckRule = { column: string; op: '>' | '>=' | '<' | '<=' | '=' | '<>'; value: number } | { column: string; op: 'in'; values: (string | number)[] };

type Tok = { t: 'id' | 'num' | 'str' | 'op' | 'p'; v: string };

function lex(text: string): Tok[] | null {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\s+/.exec(rest))) {
      i += m[0].length;
    } else if ((m = /^::\s*(?:"[^"]*"|[A-Za-z_]\w*(?:\s+(?:varying|precision|with(?:out)? time zone))?)(?:\s*\(\d+(?:\s*,\s*\d+)?\))?(?:\[\])*/i.exec(rest))) {
      i += m[0].length; // a cast: the value is what matters
    } else if ((m = /^"((?:[^"]|"")*)"/.exec(rest))) {
      out.push({ t: 'id', v: m[1]!.replace(/""/g, '"') });
      i += m[0].length;
    } else if ((m = /^\[([^\]]*)\](?!\s*\))/.exec(rest)) && out.at(-1)?.v !== 'ARRAY') {
      out.push({ t: 'id', v: m[1]! });
      i += m[0].length;
    } else if ((m = /^`([^`]*)`/.exec(rest))) {
      out.push({ t: 'id', v: m[1]! });
      i += m[0].length;
    } else if ((m = /^'((?:[^']|'')*)'/.exec(rest))) {
      out.push({ t: 'str', v: m[1]!.replace(/''/g, "'") });
      i += m[0].length;
    } else if ((m = /^\d+(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(rest))) {
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if ((m = /^(>=|<=|<>|!=|=|>|<)/.exec(rest))) {
      out.push({ t: 'op', v: m[1] === '!=' ? '<>' : m[1]! });
      i += m[0].length;
    } else if ((m = /^[()[\],-]/.exec(rest))) {
      out.push({ t: 'p', v: m[0] });
      i += 1;
    } else if ((m = /^[A-Za-z_][\w$]*/.exec(rest))) {
      const upper = m[0].toUpperCase();
      out.push(['AND', 'IN', 'ANY', 'ARRAY', 'BETWEEN', 'CHECK'].includes(upper) ? { t: 'op', v: upper } : { t: 'id', v: m[0] });
      i += m[0].length;
    } else {
      return null;
    }
  }
  return out;
}

type Comparison = '>' | '>=' | '<' | '<=' | '=' | '<>';
const FLIP: Record<string, Comparison> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=', '=': '=', '<>': '<>' };

class Reader {
  i = 0;
  toks: Tok[];
  constructor(toks: Tok[]) {
    this.toks = toks;
  }
  peek(offset = 0) {
    return this.toks[this.i + offset];
  }
  eat(v: string) {
    if (this.peek()?.v === v) {
      this.i++;
      return true;
    }
    return false;
  }
  expect(v: string) {
    if (!this.eat(v)) throw new Error(`expected ${v}`);
  }
}

/** Splits a check into rules, or null when any part of it is not a simple form. */
export function parseCheck(expression: string): CheckRule[] | null {
  const toks = lex(expression);
  if (!toks) return null;
  const r = new Reader(toks);
  r.eat('CHECK');
  try {
    const rules = conjunction(r);
    return r.i === toks.length ? rules : null;
  } catch {
    return null;
  }
}

function conjunction(r: Reader): CheckRule[] {
  const rules = [...term(r)];
  while (r.eat('AND')) rules.push(...term(r));
  return rules;
}

function term(r: Reader): CheckRule[] {
  // `( expr )` — but `(qty) >= 0` puts a parenthesised operand first, so try the group and fall back.
  if (r.peek()?.v === '(') {
    const save = r.i;
    r.i++;
    try {
      const inner = conjunction(r);
      r.expect(')');
      return inner;
    } catch {
      r.i = save;
    }
  }
  const left = operand(r);
  const op = r.peek();
  if (op?.t !== 'op') throw new Error('operator expected');
  r.i++;
  if (op.v === 'IN') {
    if (left.kind !== 'column') throw new Error('IN needs a column');
    r.expect('(');
    const values = list(r, ')');
    return [{ column: left.name, op: 'in', values }];
  }
  if (op.v === 'BETWEEN') {
    const low = operand(r);
    r.expect('AND');
    const high = operand(r);
    if (left.kind !== 'column' || low.kind !== 'number' || high.kind !== 'number') throw new Error('BETWEEN form');
    return [
      { column: left.name, op: '>=', value: low.value },
      { column: left.name, op: '<=', value: high.value },
    ];
  }
  if (op.v === '=' && r.peek()?.v === 'ANY') {
    r.i++;
    r.expect('(');
    let opened = 1;
    while (r.eat('(')) opened++; // ((ARRAY[...])::text[])
    r.expect('ARRAY');
    r.expect('[');
    const values = list(r, ']');
    for (; opened > 0; opened--) r.expect(')');
    if (left.kind !== 'column') throw new Error('ANY needs a column');
    return [{ column: left.name, op: 'in', values }];
  }
  if (!(op.v in FLIP)) throw new Error('comparison expected');
  const right = operand(r);
  if (left.kind === 'column' && right.kind === 'number') return [{ column: left.name, op: op.v as Comparison, value: right.value }];
  if (left.kind === 'number' && right.kind === 'column') return [{ column: right.name, op: FLIP[op.v]!, value: left.value }];
  throw new Error('column compared with a number expected');
}

type Operand = { kind: 'column'; name: string } | { kind: 'number'; value: number } | { kind: 'string'; value: string };

function operand(r: Reader): Operand {
  if (r.eat('(')) {
    const inner = operand(r);
    r.expect(')');
    return inner;
  }
  const negative = r.eat('-');
  const tok = r.peek();
  if (!tok) throw new Error('operand expected');
  r.i++;
  if (tok.t === 'num') return { kind: 'number', value: Number(tok.v) * (negative ? -1 : 1) };
  if (negative) throw new Error('negative non-number');
  if (tok.t === 'id') return { kind: 'column', name: tok.v };
  if (tok.t === 'str') return { kind: 'string', value: tok.v };
  throw new Error('operand expected');
}

function list(r: Reader, close: string): (string | number)[] {
  const values: (string | number)[] = [];
  do {
    const item = operand(r);
    if (item.kind === 'column') throw new Error('literal expected');
    values.push(item.value);
  } while (r.eat(','));
  r.expect(close);
  return values;
}
