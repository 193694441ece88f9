/**
 * A small tokenizer for the CREATE statements SQLite keeps in sqlite_schema. The pragmas give columns, keys and
 * indexes; only CHECK constraints, generated-column expressions, AUTOINCREMENT, partial-index predicates and
 * expression-index parts have to be read from the text.
 */

export interface Token {
  /** `word` (keyword or bare identifier), `quoted` ("x", [x], `x`), `string` ('x'), `punct`. */
  kind: 'word' | 'quoted' | 'string' | 'punct';
  /** Identifier value with quoting removed; for punct the character. */
  value: string;
  start: number;
  end: number;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (ch === '"' || ch === '`' || ch === "'") {
      let j = i + 1;
      let value = '';
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) {
            value += ch;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      tokens.push({ kind: ch === "'" ? 'string' : 'quoted', value, start: i, end: j + 1 });
      i = j + 1;
    } else if (ch === '[') {
      const close = sql.indexOf(']', i + 1);
      const end = close < 0 ? sql.length : close;
      tokens.push({ kind: 'quoted', value: sql.slice(i + 1, end), start: i, end: end + 1 });
      i = end + 1;
    } else if (/[A-Za-z0-9_$\u0080-\uffff]/.test(ch)) {
      let j = i;
      while (j < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j]!)) j++;
      tokens.push({ kind: 'word', value: sql.slice(i, j), start: i, end: j });
      i = j;
    } else {
      tokens.push({ kind: 'punct', value: ch, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

export function isWord(token: Token | undefined, word: string): boolean {
  return token?.kind === 'word' && token.value.toUpperCase() === word;
}

/** Index of the `)` matching the `(` at `open`. */
export function matchingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (t.value === '(') depth++;
    else if (t.value === ')' && --depth === 0) return i;
  }
  throw new Error('unbalanced parentheses in schema SQL');
}

/** Splits tokens[from..to) at top-level commas. */
export function splitTopLevel(tokens: Token[], from: number, to: number): Token[][] {
  const parts: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.value === '(') depth++;
    if (t.kind === 'punct' && t.value === ')') depth--;
    if (depth === 0 && t.kind === 'punct' && t.value === ',') {
      parts.push(current);
      current = [];
    } else {
      current.push(t);
    }
  }
  if (current.length) parts.push(current);
  return parts;
}

export interface ParsedCheck {
  name: string | null;
  expression: string;
}

export interface ParsedTable {
  checks: ParsedCheck[];
  /** Column name → generated expression. */
  generated: Map<string, string>;
  autoincrement: boolean;
}

const OTHER_CONSTRAINTS = new Set(['PRIMARY', 'UNIQUE', 'FOREIGN', 'NOT', 'NULL', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED']);
const TABLE_CONSTRAINT_START = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

/** Reads CHECKs (column and table level), generated-column expressions and AUTOINCREMENT from CREATE TABLE text. */
export function parseCreateTable(sql: string): ParsedTable {
  const tokens = tokenize(sql);
  const open = tokens.findIndex((t) => t.kind === 'punct' && t.value === '(');
  const result: ParsedTable = { checks: [], generated: new Map(), autoincrement: false };
  if (open < 0) return result;
  const close = matchingParen(tokens, open);
  for (const def of splitTopLevel(tokens, open + 1, close)) {
    const first = def[0];
    if (!first) continue;
    const isColumn = !(first.kind === 'word' && TABLE_CONSTRAINT_START.has(first.value.toUpperCase()));
    let pendingName: string | null = null;
    for (let i = isColumn ? 1 : 0; i < def.length; i++) {
      const t = def[i]!;
      if (isWord(t, 'CONSTRAINT')) {
        pendingName = def[i + 1]?.value ?? null;
        i++;
      } else if (isWord(t, 'AUTOINCREMENT')) {
        result.autoincrement = true;
      } else if ((isWord(t, 'CHECK') || isWord(t, 'AS')) && def[i + 1]?.value === '(') {
        const end = matchingParen(def, i + 1);
        const expression = sql.slice(def[i + 1]!.end, def[end]!.start).trim();
        if (isWord(t, 'CHECK')) result.checks.push({ name: pendingName, expression });
        else if (isColumn) result.generated.set(first.value, expression);
        pendingName = null;
        i = end;
      } else if (t.kind === 'word' && OTHER_CONSTRAINTS.has(t.value.toUpperCase())) {
        pendingName = null; // `CONSTRAINT x` named some other constraint
      }
    }
  }
  return result;
}

export interface ParsedIndex {
  /** Raw text of each indexed part, in order. */
  parts: string[];
  where: string | null;
}

/** Reads the indexed parts and the WHERE predicate of a CREATE INDEX statement. */
export function parseCreateIndex(sql: string): ParsedIndex {
  const tokens = tokenize(sql);
  const on = tokens.findIndex((t) => isWord(t, 'ON'));
  const open = tokens.findIndex((t, i) => i > on && t.kind === 'punct' && t.value === '(');
  const close = matchingParen(tokens, open);
  const parts = splitTopLevel(tokens, open + 1, close).map((part) => sql.slice(part[0]!.start, part[part.length - 1]!.end).trim());
  const whereAt = tokens.findIndex((t, i) => i > close && isWord(t, 'WHERE'));
  return { parts, where: whereAt < 0 ? null : sql.slice(tokens[whereAt]!.end).trim() };
}

/** The SELECT of a CREATE VIEW statement. */
export function viewDefinition(sql: string): string {
  const tokens = tokenize(sql);
  const as = tokens.findIndex((t) => isWord(t, 'AS'));
  return as < 0 ? sql : sql.slice(tokens[as]!.end).trim();
}
