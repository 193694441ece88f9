import type { CompiledStatement } from '../../dialects/migration-dialect.ts';
import type { Change } from './rule.ts';
import { hasWords, isWord, splitStatements, type Token, TokenCursor, tokenize } from './sql-tokens.ts';
import { volatileCall } from './volatile.ts';

type Base = { where: string; newTable: boolean; strongLock: boolean; lockGuarded: boolean };

/**
 * What the dialect will run: the compiled statements read back into changes, so the mechanics rules see whether an
 * index is built concurrently, a constraint added NOT VALID, a lock wait bounded, a table rebuilt. Statements this
 * reader does not know (INSERT ... SELECT, PRAGMA, EXEC sp_rename) yield nothing.
 */
export function changesFromStatements(statements: CompiledStatement[]): Change[] {
  const created = new Set<string>();
  const changes: Change[] = [];
  statements.forEach((statement, i) => {
    const where = `statement ${i + 1}`;
    // Raw SQL ops hand over several statements in one text.
    for (const part of splitStatements(tokenize(statement.sql))) {
      for (const change of classify(part, where, created)) changes.push({ ...change, lockGuarded: Boolean(statement.strongLock) } as Change);
    }
  });
  return changes;
}

function classify(tokens: Token[], where: string, created: Set<string>): Change[] {
  const c = new TokenCursor(tokens);
  const base = (table: string | null, strongLock: boolean): Base => {
    const newTable = table !== null && created.has(table);
    return { where, newTable, strongLock: strongLock && !newTable, lockGuarded: false };
  };
  if (c.accept('set')) {
    c.accept('local') || c.accept('session');
    if (!c.accept('lock_timeout')) return [];
    c.accept('=') || c.accept('to');
    const value = c.peek()?.text.trim().toLowerCase() ?? '';
    return [{ ...base(null, false), kind: 'set-lock-timeout', enabled: !['0', '-1', 'default', '0s', '0ms'].includes(value) }];
  }
  if (c.accept('create')) {
    const unique = c.accept('unique');
    c.accept('clustered') || c.accept('nonclustered');
    if (c.accept('index')) {
      const concurrently = c.accept('concurrently') || hasOnline(tokens);
      c.accept('if', 'not', 'exists');
      const name = isWord(c.peek(), 'on') ? '' : (c.name() ?? '');
      if (!c.accept('on')) return [];
      c.accept('only');
      const table = c.name() ?? '';
      return [{ ...base(table, !concurrently), kind: 'create-index', table, name, unique, concurrently }];
    }
    c.accept('temporary') || c.accept('temp');
    if (!c.accept('table')) return [];
    c.accept('if', 'not', 'exists');
    const table = c.name() ?? '';
    created.add(table);
    return [{ ...base(table, false), kind: 'create-table', table }];
  }
  if (c.accept('drop', 'index')) {
    const concurrently = c.accept('concurrently') || hasOnline(tokens);
    c.accept('if', 'exists');
    const name = c.name() ?? '';
    return [{ ...base(null, !concurrently), kind: 'drop-index', name, concurrently }];
  }
  if (c.accept('drop', 'table')) {
    c.accept('if', 'exists');
    // A temporary table is the session's own scratch space: no one else sees it or waits on it.
    if ((c.accept('temp', '.') || c.accept('temporary', '.')) && c.peek()) return [];
    const table = c.name() ?? '';
    const change: Change = { ...base(table, true), kind: 'drop-table', table };
    created.delete(table);
    return [change];
  }
  if (c.accept('alter', 'type')) {
    const name = c.name() ?? '';
    if (!c.accept('add', 'value')) return [];
    c.accept('if', 'not', 'exists');
    const value = c.peek()?.text ?? '';
    return [{ ...base(null, false), kind: 'add-enum-value', enum: name, value, positioned: hasWords(tokens, 'before') || hasWords(tokens, 'after') }];
  }
  if (c.accept('alter', 'table')) {
    c.accept('if', 'exists');
    c.accept('only');
    const table = c.name() ?? '';
    // SQL Server: ALTER TABLE t WITH NOCHECK ADD CONSTRAINT ... skips checking existing rows, like NOT VALID.
    const nocheck = c.accept('with', 'nocheck');
    c.accept('with', 'check');
    return c.restByComma().flatMap((action) => alterAction(action, table, nocheck, base, created));
  }
  return [];
}

function alterAction(tokens: Token[], table: string, nocheck: boolean, base: (table: string | null, strong: boolean) => Base, created: Set<string>): Change[] {
  const c = new TokenCursor(tokens);
  if (c.accept('validate', 'constraint')) return [{ ...base(table, false), kind: 'validate-constraint', table, name: c.name() ?? '' }];
  const b = base(table, true);
  if (c.accept('add')) {
    let name = '';
    if (c.accept('constraint')) name = c.name() ?? '';
    const kind = constraintKind(c);
    if (kind) {
      const notValid = nocheck || hasWords(tokens, 'not', 'valid');
      return [
        {
          ...b,
          kind: 'add-constraint',
          table,
          name,
          constraint: kind,
          notValid,
          usingIndex: hasWords(tokens, 'using', 'index'),
          notNullColumn: kind === 'check' ? notNullCheckColumn(c) : null,
        },
      ];
    }
    c.accept('column');
    c.accept('if', 'not', 'exists');
    const column = c.name() ?? '';
    const rest = tokens.slice(c.pos);
    const defaultAt = rest.findIndex((t) => isWord(t, 'default'));
    const defaultText =
      defaultAt < 0
        ? ''
        : rest
            .slice(defaultAt + 1)
            .map((t) => t.text)
            .join(' ');
    const identity = hasWords(rest, 'identity') || hasWords(rest, 'generated');
    return [
      {
        ...b,
        kind: 'add-column',
        table,
        column,
        required: hasWords(rest, 'not', 'null') || hasWords(rest, 'primary', 'key'),
        filled: defaultAt >= 0 || identity,
        volatileDefault: identity ? 'identity' : volatileCall(defaultText.replace(/ \(/g, '(')),
      },
    ];
  }
  if (c.accept('drop')) {
    if (isWord(c.peek(), 'constraint')) return [{ ...b, kind: 'alter-table', table, action: 'drop constraint' }];
    c.accept('column');
    c.accept('if', 'exists');
    return [{ ...b, kind: 'drop-column', table, column: c.name() ?? '' }];
  }
  if (c.accept('rename')) {
    if (c.accept('to')) {
      const to = c.name() ?? '';
      if (created.delete(table)) created.add(to);
      return [{ ...b, kind: 'rename-table', from: table, to }];
    }
    if (isWord(c.peek(), 'constraint')) return [{ ...b, kind: 'alter-table', table, action: 'rename constraint' }];
    c.accept('column');
    const from = c.name() ?? '';
    c.accept('to');
    return [{ ...b, kind: 'rename-column', table, from, to: c.name() ?? '' }];
  }
  if (c.accept('alter')) {
    c.accept('column');
    const column = c.name() ?? '';
    if (c.accept('set', 'not', 'null')) return [{ ...b, kind: 'set-not-null', table, column }];
    if (c.accept('set', 'data', 'type') || c.accept('type')) {
      return [{ ...b, kind: 'alter-type', table, column, from: null, to: null, toText: typeText(tokens.slice(c.pos)) }];
    }
    const next = c.peek();
    if (next && !['set', 'drop', 'add', 'restart', 'reset', 'options'].includes(next.text.toLowerCase())) {
      // SQL Server restates the whole column: ALTER COLUMN c NVARCHAR(80) NOT NULL.
      const rest = tokens.slice(c.pos);
      const out: Change[] = [{ ...b, kind: 'alter-type', table, column, from: null, to: null, toText: typeText(rest) }];
      if (hasWords(rest, 'not', 'null')) out.push({ ...b, kind: 'set-not-null', table, column });
      return out;
    }
  }
  return [
    {
      ...b,
      kind: 'alter-table',
      table,
      action: tokens
        .slice(0, 3)
        .map((t) => t.text)
        .join(' '),
    },
  ];
}

function constraintKind(c: TokenCursor): 'foreign-key' | 'check' | 'unique' | 'primary-key' | 'exclude' | null {
  if (c.accept('foreign', 'key')) return 'foreign-key';
  if (c.accept('check')) return 'check';
  if (c.accept('unique')) return 'unique';
  if (c.accept('primary', 'key')) return 'primary-key';
  if (c.accept('exclude')) return 'exclude';
  return null;
}

/** `CHECK ("col" IS NOT NULL)`: the column, else null. */
function notNullCheckColumn(c: TokenCursor): string | null {
  if (!c.accept('(')) return null;
  const column = c.name();
  return column !== null && c.accept('is', 'not', 'null', ')') ? column : null;
}

function hasOnline(tokens: Token[]): boolean {
  return hasWords(tokens, 'online', '=', 'on');
}

function typeText(tokens: Token[]): string {
  const stop = tokens.findIndex((t) => isWord(t, 'using') || isWord(t, 'not') || isWord(t, 'null') || isWord(t, 'collate'));
  return (stop < 0 ? tokens : tokens.slice(0, stop))
    .map((t) => t.text)
    .join('')
    .replace(/,/g, ', ');
}
