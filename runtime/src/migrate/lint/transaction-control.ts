import type { RawSqlSyntax } from '../../dialects/migration-dialect.ts';
import { isWord, splitStatements, type Token, tokenize } from './sql-tokens.ts';

/** A statement of raw SQL that controls the transaction (or cannot run inside one). */
export interface TransactionControl {
  /** Its leading words as written: `COMMIT`, `START TRANSACTION`, `VACUUM`. */
  statement: string;
  /** 1-based line in the text. */
  line: number;
}

/**
 * The statements of raw SQL that would open, end or change the runner's transaction, or cannot run inside one. The
 * runner wraps each migration in one transaction and rolls it back on failure; a COMMIT inside would make what ran
 * before it permanent while the runner reports a rollback. Read with the dialect's own tokenizing (strings,
 * comments, quoted names, `$$` bodies hide words) and statement splitting (a trigger's or `BEGIN ATOMIC` body's
 * `BEGIN … END` is not a transaction).
 */
export function findTransactionControl(text: string, syntax: RawSqlSyntax): TransactionControl[] {
  const forms = syntax.transactionStatements.map((form) => form.split(' '));
  const found: TransactionControl[] = [];
  const report = (tokens: Token[], at: number, offset: number) => {
    const form = forms.find((words) => words.every((word, k) => isWord(tokens[at + k], word)));
    if (!form) return;
    const start = offset + tokens[at]!.start;
    found.push({
      statement: tokens
        .slice(at, at + form.length)
        .map((t) => t.text)
        .join(' '),
      line: lineAt(text, start),
    });
  };
  for (const { batch, offset } of batches(text, syntax.batchSeparator)) {
    const tokens = tokenize(batch, syntax.lexicon);
    if (!syntax.statementsNeedNoSemicolon) {
      for (const statement of splitStatements(tokens)) {
        report(statement, 0, offset);
      }
      continue;
    }
    // T-SQL: a procedure, function or trigger body runs when called, not now; it extends to the end of its batch.
    if (definesModule(tokens)) continue;
    for (let at = 0; at < tokens.length; at++) report(tokens, at, offset);
  }
  return found;
}

function* batches(text: string, separator: RegExp | null): Generator<{ batch: string; offset: number }> {
  if (!separator) {
    yield { batch: text, offset: 0 };
    return;
  }
  let offset = 0;
  for (const match of text.matchAll(new RegExp(separator.source, separator.flags.includes('g') ? separator.flags : `${separator.flags}g`))) {
    yield { batch: text.slice(offset, match.index), offset };
    offset = match.index + match[0].length;
  }
  yield { batch: text.slice(offset), offset };
}

/** `CREATE [OR ALTER] PROC|PROCEDURE|FUNCTION|TRIGGER`, or `ALTER` of one. */
function definesModule(tokens: Token[]): boolean {
  let at = 0;
  if (isWord(tokens[at], 'create')) {
    at++;
    if (isWord(tokens[at], 'or') && isWord(tokens[at + 1], 'alter')) at += 2;
  } else if (isWord(tokens[at], 'alter')) {
    at++;
  } else {
    return false;
  }
  return ['proc', 'procedure', 'function', 'trigger'].some((word) => isWord(tokens[at], word));
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
