/**
 * A small tokenizer and reader for the CREATE statements SQLite keeps in sqlite_schema. The pragmas give columns,
 * keys and indexes; only what they leave out is read from the text: CHECK constraints, generated-column
 * expressions, constraint names, `INTEGER PRIMARY KEY DESC` (which is not a rowid alias), partial-index
 * predicates and expression-index parts.
 */

export interface Token {
  /** `word` (keyword or bare identifier), `quoted` ("x", [x], `x`), `string` ('x'), `punct`. */
  kind: 'word' | 'quoted' | 'string' | 'punct';
  /** Identifier value with quoting removed; for punct the character. */
  value: string;
  start: number;
  end: number;
}

const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

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
      // A doubled quote character inside stands for itself.
      let j = i + 1;
      let value = '';
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] !== ch) break;
          value += ch;
          j += 2;
          continue;
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
    } else if (WORD_CHAR.test(ch)) {
      let j = i;
      while (j < sql.length && WORD_CHAR.test(sql[j]!)) j++;
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

function isPunct(token: Token | undefined, char: string): boolean {
  return token?.kind === 'punct' && token.value === char;
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
    if (isPunct(t, '(')) depth++;
    if (isPunct(t, ')')) depth--;
    if (depth === 0 && isPunct(t, ',')) {
      parts.push(current);
      current = [];
    } else {
      current.push(t);
    }
  }
  if (current.length) parts.push(current);
  return parts;
}

/** SQLite folds identifier case for ASCII letters only. */
export function foldIdentifier(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export interface ParsedCheck {
  name: string | null;
  expression: string;
}

export interface ParsedKey {
  name: string | null;
  columns: string[];
}

export interface ParsedForeignKey extends ParsedKey {
  /** The referenced table as the REFERENCES clause spells it. */
  table: string;
}

export interface ParsedTable {
  /** Column and table CHECKs, in the order written. */
  checks: ParsedCheck[];
  /** Column name → generated expression. */
  generated: Map<string, string>;
  primaryKey: ParsedKey | null;
  uniques: ParsedKey[];
  foreignKeys: ParsedForeignKey[];
  /** `x INTEGER PRIMARY KEY DESC` written on the column: SQLite's documented exception to the rowid alias. */
  descendingColumnPrimaryKey: boolean;
}

const TABLE_CONSTRAINT_START = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);
/** Column-constraint keywords that end a pending `CONSTRAINT name` this reader does not keep. */
const UNNAMED_KINDS = new Set(['NOT', 'NULL', 'DEFAULT', 'COLLATE', 'GENERATED']);

/** Reads CHECKs, generated-column expressions and key names from CREATE TABLE text. */
export function parseCreateTable(sql: string): ParsedTable {
  const tokens = tokenize(sql);
  const result: ParsedTable = { checks: [], generated: new Map(), primaryKey: null, uniques: [], foreignKeys: [], descendingColumnPrimaryKey: false };
  const open = tokens.findIndex((t) => isPunct(t, '('));
  if (open < 0) return result;
  const close = matchingParen(tokens, open);
  for (const def of splitTopLevel(tokens, open + 1, close)) {
    const first = def[0];
    if (!first) continue;
    const column = first.kind === 'word' && TABLE_CONSTRAINT_START.has(first.value.toUpperCase()) ? null : first.value;
    readDefinition(sql, def, column, result);
  }
  return result;
}

/** Walks one column definition (after its name) or one run of table constraints. */
function readDefinition(sql: string, def: Token[], column: string | null, out: ParsedTable): void {
  let name: string | null = null;
  let pendingColumns: string[] | null = null; // FOREIGN KEY (cols) waiting for its REFERENCES
  for (let i = column === null ? 0 : 1; i < def.length; i++) {
    const t = def[i]!;
    const listAt = (at: number) => (isPunct(def[at], '(') ? readList(def, at) : null);
    if (isWord(t, 'CONSTRAINT')) {
      name = def[i + 1]?.value ?? null;
      i++;
    } else if (isWord(t, 'PRIMARY') && isWord(def[i + 1], 'KEY')) {
      i++;
      const list = column === null ? listAt(i + 1) : null;
      if (list) i = list.end;
      else if (isWord(def[i + 1], 'DESC')) out.descendingColumnPrimaryKey = true;
      out.primaryKey = { name, columns: list ? list.columns : [column ?? ''] };
      name = null;
    } else if (isWord(t, 'UNIQUE')) {
      const list = column === null ? listAt(i + 1) : null;
      if (list) i = list.end;
      out.uniques.push({ name, columns: list ? list.columns : [column ?? ''] });
      name = null;
    } else if (isWord(t, 'FOREIGN') && isWord(def[i + 1], 'KEY')) {
      const list = listAt(i + 2);
      pendingColumns = list?.columns ?? [];
      i = list ? list.end : i + 1;
    } else if (isWord(t, 'REFERENCES') && def[i + 1]) {
      out.foreignKeys.push({ name, columns: pendingColumns ?? [column ?? ''], table: def[i + 1]!.value });
      pendingColumns = null;
      name = null;
      i++;
    } else if ((isWord(t, 'CHECK') || isWord(t, 'AS')) && isPunct(def[i + 1], '(')) {
      const end = matchingParen(def, i + 1);
      const expression = sql.slice(def[i + 1]!.end, def[end]!.start).trim();
      if (isWord(t, 'CHECK')) out.checks.push({ name, expression });
      else if (column !== null) out.generated.set(column, expression);
      name = null;
      i = end;
    } else if (isPunct(t, '(')) {
      i = matchingParen(def, i); // a type's arguments, a DEFAULT expression, a REFERENCES column list
    } else if (t.kind === 'word' && UNNAMED_KINDS.has(t.value.toUpperCase())) {
      name = null;
    }
  }
}

/** The identifiers of `( a COLLATE x DESC, "b" )` starting at `open`; `end` is the closing paren. */
function readList(tokens: Token[], open: number): { columns: string[]; end: number } {
  const end = matchingParen(tokens, open);
  return { columns: splitTopLevel(tokens, open + 1, end).map((part) => part[0]?.value ?? ''), end };
}

export interface ParsedIndex {
  /** Text of each indexed part, in order, without its COLLATE and ASC/DESC. */
  parts: string[];
  where: string | null;
}

/** Reads the indexed parts and the WHERE predicate of a CREATE INDEX statement. */
export function parseCreateIndex(sql: string): ParsedIndex {
  const tokens = tokenize(sql);
  const on = tokens.findIndex((t) => isWord(t, 'ON'));
  const open = tokens.findIndex((t, i) => i > on && isPunct(t, '('));
  if (on < 0 || open < 0) throw new Error(`not a CREATE INDEX statement: ${sql.slice(0, 80)}`);
  const close = matchingParen(tokens, open);
  const parts = splitTopLevel(tokens, open + 1, close).map((part) => {
    let last = part.length - 1;
    if (isWord(part[last], 'ASC') || isWord(part[last], 'DESC')) last--;
    if (last >= 2 && isWord(part[last - 1], 'COLLATE')) last -= 2;
    return sql.slice(part[0]!.start, part[Math.max(last, 0)]!.end).trim();
  });
  const whereAt = tokens.findIndex((t, i) => i > close && isWord(t, 'WHERE'));
  return { parts, where: whereAt < 0 ? null : sql.slice(tokens[whereAt]!.end).trim() };
}

/** The SELECT of a CREATE VIEW statement. */
export function viewDefinition(sql: string): string {
  const tokens = tokenize(sql);
  const as = tokens.findIndex((t) => isWord(t, 'AS'));
  return as < 0 ? sql : sql.slice(tokens[as]!.end).trim();
}
