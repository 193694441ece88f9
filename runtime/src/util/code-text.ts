/**
 * The one way user-supplied text (a sentence, a table, column or enum name read from a database, a comment, a tenant
 * name) enters generated code: migration files, the connection kit, generated types. JSON.stringify is not enough:
 * it leaves U+2028 and U+2029 as they are, which end a `//` comment (what follows runs when the file is loaded) and
 * which TypeScript refuses inside a string literal.
 */

/** Where the text goes: the body of a double-quoted string literal, or inside a line or block comment. */
export type CodeContext = 'string' | 'comment';

/**
 * Characters never written as they are. Line terminators (LF, CR, U+2028, U+2029) would end a `//` comment or a
 * string; other control characters, and the bidirectional controls that make code read differently from how it runs
 * ("Trojan Source", CVE-2021-42574), are shown escaped; a lone surrogate cannot be written as UTF-8 at all.
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const hex = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Escapes `text` for `context`. In both: every line terminator and control character becomes a visible escape
 * (`\n`, `\u2028`), and a slash after a star gets a backslash, so neither a `//` line nor a block comment can be
 * ended early. For a string it also escapes the backslash and the double quote, so the literal evaluates back to
 * exactly `text` (backticks and `${` are plain characters in a double-quoted string). A string literal's text is
 * safe in a comment too.
 */
export function escapeForCode(text: string, context: CodeContext): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    // A surrogate pair is one character: keep it whole.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && /[\udc00-\udfff]/.test(text[i + 1]!)) {
      out += ch + text[++i];
    } else if (UNSAFE.test(ch)) {
      out += NAMED[ch] ?? hex(ch);
    } else if (context === 'string' && (ch === '\\' || ch === '"')) {
      out += `\\${ch}`;
    } else if (ch === '/' && text[i - 1] === '*') {
      out += '\\/';
    } else {
      out += ch;
    }
  }
  return out;
}

/** A double-quoted TypeScript string literal holding exactly `text`. */
export function stringLiteral(text: string): string {
  return `"${escapeForCode(text, 'string')}"`;
}

/** Text that stays inside the comment it is written into. */
export function commentText(text: string): string {
  return escapeForCode(text, 'comment');
}

/** `["a",1]`: strings and numbers on one line, as JSON.stringify lays them out. */
export function arrayLiteral(values: readonly (string | number)[]): string {
  return `[${values.map((v) => dataLiteral(v)).join(',')}]`;
}

/**
 * JSON-like data (objects, arrays, strings, finite numbers, booleans, null) as a TypeScript expression laid out as
 * `JSON.stringify(value, null, 2)` would, with every string, key included, written by stringLiteral.
 */
export function dataLiteral(value: unknown, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as data`);
    return JSON.stringify(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => `${inner}${dataLiteral(v ?? null, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (!entries.length) return '{}';
    // `"__proto__": v` in an object literal sets the prototype instead of making a key (a column of that name would
    // vanish); a computed key makes an own property, as JSON.parse does.
    const key = (k: string) => (k === '__proto__' ? `[${stringLiteral(k)}]` : stringLiteral(k));
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${dataLiteral(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  throw new Error(`cannot write a ${typeof value} as data`);
}
