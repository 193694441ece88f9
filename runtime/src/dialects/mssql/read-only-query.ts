import { InputError } from '../../util/document-file.ts';

const READ_ONLY_QUERY = 'an exported query must be one statement that only reads (SELECT or WITH … SELECT)';

/**
 * Words that start or are part of a statement that writes, changes the session or escapes the one SELECT: none may
 * appear as a bare word (reserved in T-SQL, so a column of that name is written [bracketed] and does not count).
 * `INTO` catches SELECT … INTO, `EXEC` procedures, `OPENROWSET` and friends reads and writes elsewhere.
 */
const FORBIDDEN = new Set([
  'insert',
  'update',
  'delete',
  'merge',
  'truncate',
  'drop',
  'create',
  'alter',
  'into',
  'exec',
  'execute',
  'sp_executesql',
  'begin',
  'commit',
  'rollback',
  'save',
  'transaction',
  'set',
  'declare',
  'use',
  'go',
  'grant',
  'revoke',
  'deny',
  'backup',
  'restore',
  'dbcc',
  'bulk',
  'openrowset',
  'opendatasource',
  'openquery',
  'openxml',
  'shutdown',
  'kill',
  'waitfor',
  'reconfigure',
  'raiserror',
  'throw',
  'print',
  'checkpoint',
  'writetext',
  'updatetext',
  'readtext',
  'enable',
  'disable',
  'revert',
  'setuser',
  'xp_cmdshell',
]);

/** Words after which a SELECT at the top level continues the same statement (a set operation). */
const SET_OPERATORS = new Set(['union', 'all', 'except', 'intersect']);

type Token = { kind: 'word' | 'symbol' | 'literal'; text: string };

/** T-SQL tokens outside comments (line comments and nested block comments): words, quoted names and strings as literals, symbols. */
function tokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const closing = (open: string, close: string) => {
    // '…' and [ … ] and " … " escape their closing character by doubling it.
    let j = i + open.length;
    for (;;) {
      const at = sql.indexOf(close, j);
      if (at < 0) throw new InputError(`${READ_ONLY_QUERY}; a quoted part is not closed`);
      if (sql[at + 1] === close) {
        j = at + 2;
        continue;
      }
      return at + 1;
    }
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      let depth = 0;
      do {
        if (sql.startsWith('/*', i)) depth++, (i += 2);
        else if (sql.startsWith('*/', i)) depth--, (i += 2);
        else if (i >= sql.length) throw new InputError(`${READ_ONLY_QUERY}; a comment is not closed`);
        else i++;
      } while (depth > 0);
    } else if (c === "'" || ((c === 'N' || c === 'n') && sql[i + 1] === "'")) {
      const start = c === "'" ? i : ++i;
      i = start;
      const end = closing("'", "'");
      out.push({ kind: 'literal', text: sql.slice(start, end) });
      i = end;
    } else if (c === '[') {
      const end = closing('[', ']');
      out.push({ kind: 'literal', text: sql.slice(i, end) });
      i = end;
    } else if (c === '"') {
      const end = closing('"', '"');
      out.push({ kind: 'literal', text: sql.slice(i, end) });
      i = end;
    } else if (/[\p{L}_@#]/u.test(c)) {
      const m = /^[\p{L}\p{N}_@#$]+/u.exec(sql.slice(i))!;
      out.push({ kind: 'word', text: m[0].toLowerCase() });
      i += m[0].length;
    } else if (/\d/.test(c)) {
      const m = /^[\d.]+(e[+-]?\d+)?/i.exec(sql.slice(i))!;
      out.push({ kind: 'literal', text: m[0] });
      i += m[0].length;
    } else {
      out.push({ kind: 'symbol', text: c });
      i++;
    }
  }
  return out;
}

/**
 * Refuses (InputError) T-SQL that is not one statement that only reads. SQL Server has no read-only transaction
 * and runs every statement of a batch, with or without semicolons (`select 1 delete from t` is two), so the text is
 * checked before it is sent: it must start with SELECT or WITH, hold no word of a statement that writes or changes
 * the session (FORBIDDEN), no `;` but a last one, and no second top-level SELECT except after UNION / EXCEPT /
 * INTERSECT or as the body of its WITH. Functions a SELECT can call cannot write in SQL Server.
 */
export function assertReadOnlyTsql(sql: string): void {
  const list = tokens(sql);
  while (list.length && list[list.length - 1]!.text === ';') list.pop();
  const first = list[0];
  if (first?.kind !== 'word' || (first.text !== 'select' && first.text !== 'with')) {
    throw new InputError(`${READ_ONLY_QUERY}; it starts with ${first ? JSON.stringify(first.text) : 'nothing'}`);
  }
  let depth = 0;
  let withBody = first.text === 'with';
  for (let k = 0; k < list.length; k++) {
    const token = list[k]!;
    if (token.kind === 'symbol') {
      if (token.text === ';') throw new InputError(`${READ_ONLY_QUERY}; it holds several statements`);
      if (token.text === '(') depth++;
      if (token.text === ')') depth--;
      continue;
    }
    if (token.kind !== 'word') continue;
    if (FORBIDDEN.has(token.text)) throw new InputError(`${READ_ONLY_QUERY}; it uses ${token.text.toUpperCase()}`);
    if (token.text !== 'select' || depth > 0 || k === 0) continue;
    const before = list[k - 1]!;
    if (before.kind === 'word' && SET_OPERATORS.has(before.text)) continue;
    // WITH a AS (…), b AS (…) SELECT …: the one top-level SELECT after the last CTE closes.
    if (withBody && before.text === ')') {
      withBody = false;
      continue;
    }
    throw new InputError(`${READ_ONLY_QUERY}; it holds several statements`);
  }
}
