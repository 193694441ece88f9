import { isWord, tokenize } from '../sql-text.ts';

/**
 * Splits SQL text into statements at top-level semicolons, as sqlite3_complete() would: a CREATE TRIGGER body
 * (BEGIN … END, with CASE … END inside it) is one statement. better-sqlite3 prepares one statement at a time, so
 * raw SQL with several must be split. Comments between statements are dropped; text inside strings and quoted
 * names is never split.
 */
export function splitSqliteStatements(text: string): string[] {
  const tokens = tokenize(text);
  const statements: string[] = [];
  let start = -1;
  let body = 0; // depth of BEGIN … END inside a CREATE TRIGGER
  let cases = 0;
  let trigger = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (start < 0) {
      if (t.kind === 'punct' && t.value === ';') continue;
      start = i;
      trigger = isWord(t, 'CREATE') && tokens.slice(i + 1, i + 4).some((n) => isWord(n, 'TRIGGER'));
    }
    if (trigger && isWord(t, 'BEGIN')) body++;
    else if (trigger && body > 0 && isWord(t, 'CASE')) cases++;
    else if (trigger && body > 0 && isWord(t, 'END')) {
      if (cases > 0) cases--;
      else body--;
    }
    if (t.kind === 'punct' && t.value === ';' && body === 0) {
      statements.push(text.slice(tokens[start]!.start, t.start).trim());
      start = -1;
      trigger = false;
    }
  }
  if (start >= 0) statements.push(text.slice(tokens[start]!.start).trim());
  return statements.filter((s) => s.length > 0);
}
