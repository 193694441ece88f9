/** A token of compiled DDL: a bare word, a quoted name, a string literal, a number or one punctuation mark. */
export interface Token {
  type: 'word' | 'name' | 'string' | 'number' | 'punct';
  /** Quoted names and strings unquoted; words as written. */
  text: string;
}

/**
 * Splits DDL into tokens, skipping whitespace and comments. Understands the quoting of all three dialects
 * ("name", [name], `name`, 'string'), so a hostile name never reads as a keyword.
 */
export function tokenize(sqlText: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sqlText.length;
  while (i < n) {
    const ch = sqlText[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sqlText[i + 1] === '-') {
      const end = sqlText.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (ch === '/' && sqlText[i + 1] === '*') {
      const end = sqlText.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (ch === '"' || ch === '`' || ch === '[' || ch === "'") {
      const close = ch === '[' ? ']' : ch;
      let text = '';
      let j = i + 1;
      while (j < n) {
        if (sqlText[j] === close) {
          if (sqlText[j + 1] === close) {
            text += close;
            j += 2;
            continue;
          }
          break;
        }
        text += sqlText[j];
        j++;
      }
      tokens.push({ type: ch === "'" ? 'string' : 'name', text });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sqlText[j]!)) j++;
      tokens.push({ type: 'word', text: sqlText.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(sqlText[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[0-9.]/.test(sqlText[j]!)) j++;
      tokens.push({ type: 'number', text: sqlText.slice(i, j) });
      i = j;
    } else {
      tokens.push({ type: 'punct', text: ch });
      i++;
    }
  }
  return tokens;
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
