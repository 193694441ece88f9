import type { DialectName } from '../contracts/connection-profile.ts';
import type { ColumnDefault } from '../contracts/migration-op.ts';

/**
 * How a portable default is written into a model the migrations imply (Column.default is a string), and read back
 * when an inverse needs the ColumnDefault again (a dropped column is re-added with its default).
 *
 * The spelling is neutral, not the dialect's: a quoted literal `'it''s'`, a number `42`, `true`/`false`,
 * `CURRENT_TIMESTAMP` for `now`, `uuid()` for `uuid`, and an `sql` default as its text for the model's dialect.
 * Defaults are not part of the neutral comparison, so the implied model and the live one may spell them
 * differently. Text read from a live database that is none of these comes back as an `sql` default for that
 * dialect, so an inverse restores it verbatim.
 */
export function formatDefault(value: ColumnDefault, dialect: DialectName): string {
  switch (value.kind) {
    case 'value':
      return typeof value.value === 'string' ? `'${value.value.replaceAll("'", "''")}'` : String(value.value);
    case 'now':
      return 'CURRENT_TIMESTAMP';
    case 'uuid':
      return 'uuid()';
    case 'sql': {
      const text = value.sql[dialect];
      if (text === undefined) throw new Error(`the default has no SQL for ${dialect} (give sql.${dialect})`);
      return text;
    }
  }
}

/** Reads a default written by formatDefault (or a live database's default text) back into a ColumnDefault. */
export function parseDefault(text: string, dialect: DialectName): ColumnDefault {
  const literal = /^'((?:[^']|'')*)'$/.exec(text);
  if (literal) return { kind: 'value', value: literal[1]!.replaceAll("''", "'") };
  if (/^-?\d+(\.\d+)?$/.test(text) && Number.isFinite(Number(text)) && String(Number(text)) === text) return { kind: 'value', value: Number(text) };
  if (text === 'true' || text === 'false') return { kind: 'value', value: text === 'true' };
  if (text === 'CURRENT_TIMESTAMP') return { kind: 'now' };
  if (text === 'uuid()') return { kind: 'uuid' };
  return { kind: 'sql', sql: { [dialect]: text } };
}
