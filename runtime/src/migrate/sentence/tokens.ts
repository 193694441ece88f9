/**
 * A word of a plain-language sentence. `name` tokens were quoted ("…" or `…`) and are names whatever they spell;
 * `string` tokens were in single quotes (values, or names); `word` tokens are bare and may be keywords.
 * `start`/`end` are character offsets in the sentence, so a raw expression (a check) can be taken as written.
 */
export interface SentenceToken {
  type: 'word' | 'name' | 'string' | 'number' | 'punct';
  text: string;
  start: number;
  end: number;
}

export class SentenceError extends Error {
  override name = 'SentenceError';
  /** The closest forms understood, as example sentences. */
  readonly suggestions: string[];
  constructor(message: string, suggestions: string[] = []) {
    super(suggestions.length ? `${message}\nClosest forms understood:\n${suggestions.map((s) => `  ${s}`).join('\n')}` : message);
    this.suggestions = suggestions;
  }
}

const OPEN_QUOTES: Record<string, string> = { '"': '"', '`': '`', "'": "'", '\u201c': '\u201d', '\u2018': '\u2019', '[': ']' };
const LETTER = /[\p{L}\p{N}_]/u;

export function tokenizeSentence(sentence: string): SentenceToken[] {
  const tokens: SentenceToken[] = [];
  let i = 0;
  const s = sentence;
  const push = (type: SentenceToken['type'], text: string, start: number, end: number) => tokens.push({ type, text, start, end });
  while (i < s.length) {
    const ch = s[i]!;
    // `[name]` is SQL Server's quoting; elsewhere `[` is punctuation.
    const quote = ch === '[' ? (/^\[[^\]\s(),]+( [^\]\s(),]+)*\]/.test(s.slice(i)) && !/^\[\d/.test(s.slice(i)) ? ']' : undefined) : OPEN_QUOTES[ch];
    if (/\s/.test(ch)) {
      i++;
    } else if (quote && !(ch === "'" && LETTER.test(s[i - 1] ?? ''))) {
      let j = i + 1;
      let text = '';
      while (j < s.length) {
        if (s[j] === quote) {
          if (s[j + 1] === quote && quote !== ']') {
            text += quote;
            j += 2;
            continue;
          }
          break;
        }
        text += s[j];
        j++;
      }
      if (j >= s.length) throw new SentenceError(`unclosed quote ${ch} starting at character ${i + 1}`);
      // `middle_name varchar(50)` in backticks is code, as Markdown writes it, not one name: read what is inside.
      if (ch === '`' && /[\s(]/.test(text.trim())) {
        for (const t of tokenizeSentence(text)) tokens.push({ ...t, start: t.start + i + 1, end: t.end + i + 1 });
        i = j + 1;
        continue;
      }
      push(ch === "'" || ch === '\u2018' ? 'string' : 'name', text, i, j + 1);
      i = j + 1;
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(s[i + 1] ?? '') && !/[A-Za-z0-9_]/.test(s[i - 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(s.slice(i))!;
      push('number', m[0], i, i + m[0].length);
      i += m[0].length;
    } else if (/[\p{L}_]/u.test(ch)) {
      const m = /^[\p{L}_][\p{L}\p{N}_$]*(-[\p{L}\p{N}_$]+)*/u.exec(s.slice(i))!;
      i = word(s, i, m[0], push);
    } else if (s.startsWith('->', i) || s.startsWith('=>', i) || ch === '\u2192') {
      // An arrow: `customer_id int -> customers.id` (a reference), `rename a -> b` (to).
      push('punct', '->', i, i + (ch === '\u2192' ? 1 : 2));
      i += ch === '\u2192' ? 1 : 2;
    } else if (ch === "'" || ch === '\u2019') {
      // An apostrophe after a letter: `customers'` (a plural's possessive) or a stray one.
      push('punct', "'s", i, i + 1);
      i++;
    } else {
      push('punct', ch, i, i + 1);
      i++;
    }
  }
  // A closing full stop (or question mark) is punctuation of the sentence, not part of it.
  while (tokens.length && tokens[tokens.length - 1]!.type === 'punct' && /^[.!;?]$/.test(tokens[tokens.length - 1]!.text)) tokens.pop();
  return tokens;
}

const CONTRACTED: Record<string, string> = { d: 'would', ll: 'will', ve: 'have', re: 'are', m: 'am' };

/**
 * A bare word, with what English glues onto it: `customer's` is `customer` and a possessive mark, `can't` is
 * `can not` (`won't` is `will not`), `let's` is `let`, `I'd` is `I would`. Returns where the word ends.
 */
function word(s: string, at: number, text: string, push: (type: SentenceToken['type'], text: string, start: number, end: number) => void): number {
  let end = at + text.length;
  const glued = /^['\u2019]([A-Za-z]+)/.exec(s.slice(end));
  if (!glued) {
    push('word', text, at, end);
    return end;
  }
  const tail = glued[1]!.toLowerCase();
  if (tail === 't' && /n$/i.test(text)) {
    const base = text.slice(0, -1).toLowerCase();
    push('word', base === 'wo' ? 'will' : base === 'ca' ? 'can' : base, at, end - 1);
    push('word', 'not', end - 1, end + 2);
    return end + 2;
  }
  push('word', text, at, end);
  end += 1 + tail.length;
  if (tail === 's') push('punct', "'s", end - 2, end);
  // `I'd like`, `we'll need`, `we've got`, `they're`: the word the contraction stands for.
  const spelled = CONTRACTED[tail];
  if (spelled) push('word', spelled, end - tail.length - 1, end);
  return end;
}

/** True for a bare word spelling `word` (case-insensitive), or punctuation equal to it. Quoted names never match. */
export function isKeyword(token: SentenceToken | undefined, word: string): boolean {
  if (!token) return false;
  if (token.type === 'punct') return token.text === word;
  return token.type === 'word' && token.text.toLowerCase() === word;
}

/** The lower-cased text of a bare word, or '' for anything else. */
export function bare(token: SentenceToken | undefined): string {
  return token?.type === 'word' ? token.text.toLowerCase() : '';
}

/** A word the sentence did not contain as such: what a phrase was rewritten to (see normalize.ts). */
export function synthetic(text: string, from: SentenceToken): SentenceToken {
  return { type: 'word', text, start: from.start, end: from.end };
}
