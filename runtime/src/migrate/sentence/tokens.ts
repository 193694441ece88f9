/**
 * A word of a plain-language sentence. `name` tokens were quoted ("…" or `…`) and are names whatever they spell;
 * `string` tokens were in single quotes (values, or names); `word` tokens are bare and may be keywords.
 */
export interface SentenceToken {
  type: 'word' | 'name' | 'string' | 'number' | 'punct';
  text: string;
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

export function tokenizeSentence(sentence: string): SentenceToken[] {
  const tokens: SentenceToken[] = [];
  let i = 0;
  const s = sentence;
  while (i < s.length) {
    const ch = s[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === '`' || ch === "'" || ch === '\u201c' || ch === '\u2018') {
      const close = ch === '\u201c' ? '\u201d' : ch === '\u2018' ? '\u2019' : ch;
      let j = i + 1;
      let text = '';
      while (j < s.length) {
        if (s[j] === close) {
          if (s[j + 1] === close) {
            text += close;
            j += 2;
            continue;
          }
          break;
        }
        text += s[j];
        j++;
      }
      if (j >= s.length) throw new SentenceError(`unclosed quote ${ch} starting at character ${i + 1}`);
      tokens.push({ type: ch === "'" || ch === '\u2018' ? 'string' : 'name', text });
      i = j + 1;
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(s[i + 1] ?? '') && !/[A-Za-z0-9_]/.test(s[i - 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(s.slice(i))!;
      tokens.push({ type: 'number', text: m[0] });
      i += m[0].length;
    } else if (/[\p{L}_]/u.test(ch)) {
      const m = /^[\p{L}_][\p{L}\p{N}_$]*(-[\p{L}\p{N}_$]+)*/u.exec(s.slice(i))!;
      tokens.push({ type: 'word', text: m[0] });
      i += m[0].length;
    } else {
      tokens.push({ type: 'punct', text: ch });
      i++;
    }
  }
  // A closing full stop is punctuation of the sentence, not part of it; so is a leading "please".
  while (tokens.length && tokens[tokens.length - 1]!.type === 'punct' && /^[.!;]$/.test(tokens[tokens.length - 1]!.text)) tokens.pop();
  if (tokens[0]?.type === 'word' && tokens[0].text.toLowerCase() === 'please') tokens.shift();
  return tokens;
}

/** True for a bare word spelling `word` (case-insensitive), or punctuation equal to it. Quoted names never match. */
export function isKeyword(token: SentenceToken | undefined, word: string): boolean {
  if (!token) return false;
  if (token.type === 'punct') return token.text === word;
  return token.type === 'word' && token.text.toLowerCase() === word;
}
