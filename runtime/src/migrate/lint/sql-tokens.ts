import type { SqlLexicon } from '../../dialects/migration-dialect.ts';

/** A token of compiled DDL: a bare word, a quoted name, a string literal, a number or one punctuation mark. */
export interface Token {
  type: 'word' | 'name' | 'string' | 'number' | 'punct';
  /** Quoted names and strings unquoted; words as written. */
  text: string;
  /** Where the token starts in the text (UTF-16 index). */
  start: number;
}

/** The quoting of all three dialects at once ("name", [name], `name`, 'string'), for compiled statements. */
export const ANY_DIALECT: SqlLexicon = {
  dollarQuotes: false,
  escapeStrings: false,
  nestedComments: false,
  bracketNames: 'doubled',
  backtickNames: true,
  lineCommentEndsAtCr: false,
};

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/**
 * Splits SQL into tokens, skipping whitespace and comments, with the quoting and comments of `lexicon` (by default
 * all three dialects' quoting), so a hostile name or a string never reads as a keyword.
 */
export function tokenize(sqlText: string, lexicon: SqlLexicon = ANY_DIALECT): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sqlText.length;
  const quoted = (type: 'name' | 'string', close: string, doubled: boolean, backslash: boolean, from: number) => {
    let text = '';
    let j = from;
    while (j < n) {
      const c = sqlText[j]!;
      if (backslash && c === '\\' && j + 1 < n) {
        text += sqlText[j + 1];
        j += 2;
        continue;
      }
      if (c === close) {
        if (doubled && sqlText[j + 1] === close) {
          text += close;
          j += 2;
          continue;
        }
        break;
      }
      text += c;
      j++;
    }
    tokens.push({ type, text, start: i });
    i = j + 1;
  };
  while (i < n) {
    const ch = sqlText[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sqlText[i + 1] === '-') {
      let j = i + 2;
      while (j < n && sqlText[j] !== '\n' && !(lexicon.lineCommentEndsAtCr && sqlText[j] === '\r')) j++;
      i = j + 1;
    } else if (ch === '/' && sqlText[i + 1] === '*') {
      i = blockCommentEnd(sqlText, i, lexicon.nestedComments);
    } else if (ch === "'") {
      quoted('string', "'", true, false, i + 1);
    } else if (ch === '"') {
      quoted('name', '"', true, false, i + 1);
    } else if (ch === '`' && lexicon.backtickNames) {
      quoted('name', '`', true, false, i + 1);
    } else if (ch === '[' && lexicon.bracketNames !== 'none') {
      quoted('name', ']', lexicon.bracketNames === 'doubled', false, i + 1);
    } else if (ch === '$' && lexicon.dollarQuotes && dollarTag(sqlText, i)) {
      const tag = dollarTag(sqlText, i)!;
      const close = sqlText.indexOf(tag, i + tag.length);
      tokens.push({ type: 'string', text: sqlText.slice(i + tag.length, close < 0 ? n : close), start: i });
      i = close < 0 ? n : close + tag.length;
    } else if (WORD_START.test(ch)) {
      let j = i + 1;
      while (j < n && WORD_CHAR.test(sqlText[j]!)) j++;
      if (lexicon.escapeStrings && j === i + 1 && (ch === 'E' || ch === 'e') && sqlText[j] === "'") {
        quoted('string', "'", true, true, j + 1);
        continue;
      }
      tokens.push({ type: 'word', text: sqlText.slice(i, j), start: i });
      i = j;
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(sqlText[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[0-9.]/.test(sqlText[j]!)) j++;
      tokens.push({ type: 'number', text: sqlText.slice(i, j), start: i });
      i = j;
    } else {
      tokens.push({ type: 'punct', text: ch, start: i });
      i++;
    }
  }
  return tokens;
}

/** The `$tag$` (or `$$`) opening a dollar-quoted string at `at`, or null (`$1` is a parameter). */
function dollarTag(sqlText: string, at: number): string | null {
  DOLLAR_TAG.lastIndex = at;
  return DOLLAR_TAG.test(sqlText) ? sqlText.slice(at, DOLLAR_TAG.lastIndex) : null;
}

/** Where the block comment opening at `from` ends (just past its `*\/`, or the end of the text when unclosed). */
function blockCommentEnd(sqlText: string, from: number, nested: boolean): number {
  let depth = 0;
  let i = from;
  while (i < sqlText.length) {
    if (sqlText.startsWith('/*', i) && (nested || depth === 0)) {
      depth++;
      i += 2;
    } else if (sqlText.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sqlText.length;
}

/**
 * Splits tokens into statements at `;`, as psql and sqlite3_complete() do: inside `CREATE [OR REPLACE] FUNCTION`,
 * `PROCEDURE` or `TRIGGER`, a BEGIN (or CASE within it) opens a body that only its END closes, so the `;` of a
 * SQLite trigger body or a Postgres `BEGIN ATOMIC` body does not end the statement.
 */
export function splitStatements(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let body = 0;
  for (const t of tokens) {
    const current = parts[parts.length - 1]!;
    if (t.type === 'punct' && t.text === ';' && body === 0) {
      parts.push([]);
      continue;
    }
    current.push(t);
    if (t.type !== 'word' || !definesRoutine(current)) continue;
    const word = t.text.toLowerCase();
    if (word === 'begin') body++;
    else if (word === 'case' && body > 0) body++;
    else if (word === 'end' && body > 0) body--;
  }
  return parts.filter((p) => p.length > 0);
}

const ROUTINES = new Set(['function', 'procedure', 'trigger']);

/** `CREATE [OR REPLACE] [TEMP|TEMPORARY] FUNCTION|PROCEDURE|TRIGGER …`. */
function definesRoutine(statement: Token[]): boolean {
  if (!isWord(statement[0], 'create')) return false;
  for (const t of statement.slice(1, 5)) {
    if (t.type !== 'word') return false;
    const word = t.text.toLowerCase();
    if (ROUTINES.has(word)) return true;
    if (!['or', 'replace', 'temp', 'temporary'].includes(word)) return false;
  }
  return false;
}

/** A cursor over tokens with keyword matching that ignores case and never matches a quoted name. */
export class TokenCursor {
  readonly tokens: Token[];
  pos = 0;
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  /** True when the next tokens are these keywords (or punctuation); consumes them. */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      if (!isWord(this.tokens[this.pos + k], words[k]!)) return false;
    }
    this.pos += words.length;
    return true;
  }
  /** Reads a possibly qualified name (`a.b."c"`) and returns its last part. */
  name(): string | null {
    const first = this.peek();
    if (!first || (first.type !== 'word' && first.type !== 'name')) return null;
    let last = first.text;
    this.pos++;
    while (isWord(this.peek(), '.') && (this.peek(1)?.type === 'word' || this.peek(1)?.type === 'name')) {
      last = this.peek(1)!.text;
      this.pos += 2;
    }
    return last;
  }
  /** The rest, split on commas at parenthesis depth 0. */
  restByComma(): Token[][] {
    const parts: Token[][] = [[]];
    let depth = 0;
    for (const t of this.tokens.slice(this.pos)) {
      if (t.type === 'punct' && t.text === '(') depth++;
      if (t.type === 'punct' && t.text === ')') depth--;
      if (t.type === 'punct' && t.text === ',' && depth === 0) parts.push([]);
      else if (!(t.type === 'punct' && t.text === ';' && depth === 0)) parts[parts.length - 1]!.push(t);
    }
    return parts.filter((p) => p.length > 0);
  }
}

export function isWord(token: Token | undefined, word: string): boolean {
  if (!token) return false;
  if (token.type === 'punct') return token.text === word;
  return token.type === 'word' && token.text.toLowerCase() === word.toLowerCase();
}

/** True when `words` appear consecutively anywhere in `tokens`. */
export function hasWords(tokens: Token[], ...words: string[]): boolean {
  for (let i = 0; i + words.length <= tokens.length; i++) {
    if (words.every((w, k) => isWord(tokens[i + k], w))) return true;
  }
  return false;
}
