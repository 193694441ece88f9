import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { commentText, dataLiteral, escapeForCode, stringLiteral } from '@byos/runtime';
import { cases } from '../helpers/thorough.ts';

/** Text an attacker would put in a name, a sentence or a comment: every line terminator, quote and comment marker. */
const HOSTILE = [
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  '"',
  "'",
  '`',
  '\\',
  '*/',
  '/*',
  '//',
  '${',
  '}',
  '\u0000',
  '\u202e',
  '\ud800',
  '\udfff',
  '😀',
  '<!--',
  '-->',
  'globalThis.hit = 1;',
];
const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 12 })
  .map((parts) => parts.join(''));

/** Syntax errors TypeScript reports for a module. */
function syntaxErrors(source: string): string[] {
  const out = ts.transpileModule(source, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

describe('escapeForCode: the one escaping of user text in generated code', () => {
  it(`a string literal evaluates back to exactly the text, compiles, and holds no line terminator or */ (${cases(300, 5000)} cases)`, () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const literal = stringLiteral(text);
        expect(literal).not.toMatch(LINE_TERMINATOR);
        expect(literal).not.toContain('*/');
        expect(runInNewContext(literal)).toBe(text);
        expect(syntaxErrors(`export const x = ${literal};\n// ${literal}\n/* ${literal} */\n`)).toEqual([]);
      }),
      { numRuns: cases(300, 5000) },
    );
  });

  it(`comment text stays in its // line or block comment: nothing after it runs (${cases(300, 5000)} cases)`, () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const comment = commentText(text);
        expect(comment).not.toMatch(LINE_TERMINATOR);
        expect(comment).not.toContain('*/');
        const source = `// ${comment}\n/* ${comment} */\n/** ${comment} */\nresult = 1;\n`;
        const sandbox: Record<string, unknown> = {};
        runInNewContext(source, sandbox);
        expect(sandbox).toEqual({ result: 1 });
        expect(syntaxErrors(source)).toEqual([]);
      }),
      { numRuns: cases(300, 5000) },
    );
  });

  it('data literals (keys too) evaluate back to the same data and lay out like JSON.stringify(…, null, 2)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(hostileText, hostileText), (value, hostile) => {
        const data = { value, hostile };
        expect(runInNewContext(`(${dataLiteral(data)})`)).toEqual(JSON.parse(JSON.stringify(data)));
        expect(dataLiteral(data)).not.toMatch(/[\r\u2028\u2029]/); // only the layout's own line feeds
      }),
      { numRuns: cases(200, 3000) },
    );
    // A key named __proto__ (a column, a profile field) stays a key, as JSON.parse makes it.
    const proto = JSON.parse('{"__proto__": {"x": 1}, "a": [{"__proto__": ""}]}');
    expect(runInNewContext(`(${dataLiteral(proto)})`)).toEqual(proto);
    expect(Object.keys(runInNewContext(`(${dataLiteral(proto)})`))).toEqual(['__proto__', 'a']);
    const plain = { op: 'addColumn', table: 'customers', column: { name: 'email', nullable: true, n: 1.5, tags: [] } };
    expect(dataLiteral(plain)).toBe(JSON.stringify(plain, null, 2));
  });

  it('shows what it escaped', () => {
    expect(stringLiteral('a\u2028b"c\\d`${e}*/')).toBe('"a\\u2028b\\"c\\\\d`${e}*\\/"');
    expect(commentText('line\nnext\u2029 */ "q"')).toBe('line\\nnext\\u2029 *\\/ "q"');
    expect(escapeForCode('\u202eevil', 'comment')).toBe('\\u202eevil');
  });
});
