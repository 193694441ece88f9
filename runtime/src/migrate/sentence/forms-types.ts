import { derivedName } from './build.ts';
import type { SentenceForm } from './forms.ts';
import type { Captures } from './match.ts';
import { compact, findTable, type Resolver } from './schema.ts';
import type { ColRef } from './slots.ts';
import { SentenceError } from './tokens.ts';

/** The check's name: the one given, or Postgres's `table_column_check` for the columns its expression names. */
function checkName(c: Captures, table: string, expression: string, r: Resolver): string {
  if (c.name !== undefined) return c.name as string;
  const words = new Set((expression.match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? []).map(compact));
  const columns = findTable(r.schema, table)?.columns.filter((col) => words.has(compact(col))) ?? [];
  return derivedName(table, columns.slice(0, 1), 'check');
}

/**
 * The table a check is on: the one the sentence names, or the one its expression's columns belong to
 * (`products.price >= 0` is on products, and reads `price >= 0` there).
 */
function checkTable(c: Captures, r: Resolver): { table: string; expression: string } {
  const expression = c.expr as string;
  if (c.table !== undefined || r.contextTable) return { table: r.table(c.table as string | undefined), expression };
  const qualified = [...expression.matchAll(/([\p{L}_][\p{L}\p{N}_]*)\.([\p{L}_][\p{L}\p{N}_]*)/gu)].map((m) => ({
    table: m[1]!,
    found: findTable(r.schema, m[1]!),
  }));
  const named = qualified.find((q) => q.found) ?? qualified[0];
  if (named) return { table: r.table(named.table), expression: expression.replaceAll(`${named.table}.`, '') };
  const identifiers = [...new Set(expression.match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? [])].filter((w) =>
    r.schema?.tables.some((t) => t.columns.some((col) => compact(col) === compact(w))),
  );
  if (!identifiers.length) throw new SentenceError('say which table the check is on, as in add a check on products (price > 0)');
  return { table: r.columns(undefined, identifiers).table, expression };
}

/** An enum's name must not be a table's or a column's: `add 1 to quantity` is not about an enum. */
function notTableOrColumn(name: string, r: Resolver): string {
  const key = compact(name);
  const clash = r.schema?.tables.find((t) => compact(t.name) === key || t.columns.some((col) => compact(col) === key));
  if (clash) throw new SentenceError(`${name} is ${compact(clash.name) === key ? 'a table' : `a column of ${clash.name}`}, not an enum`);
  return name;
}

/** `price must be positive`: the few comparisons people say in words, as SQL. */
export const COMPARISONS: [string, string][] = [
  ['positive|greater than zero|above zero|more than zero', '> 0'],
  ['non-negative|not negative|not be negative|never be negative|never negative|zero or more|at least zero', '>= 0'],
  ['negative|less than zero|below zero', '< 0'],
];

/** Enums and checks. */
export const TYPE_FORMS: SentenceForm[] = [
  {
    id: 'create-enum',
    example: "create enum order_status with values 'new', 'paid', 'shipped'",
    patterns: [
      'create|add enum [called|named] {name:name} [enum] [with|having|of|containing|:|as] [values|value|options] [of] [:] {values:values}',
      'create {name:name} enum [with|having|of|containing|:] [values|value|options] [of] [:] {values:values}',
      'create type {name:name} as enum [with|having|of|containing|:] [values|value|options] [of] [:] {values:values}',
      '{name:name} [is|should|will] [be] enum [with|having|of|containing|:] [values|value|options] [of] [:] {values:values}',
    ],
    build: (c, r) => [{ op: 'createEnum', name: notTableOrColumn(c.name as string, r), values: c.values as string[] }],
  },
  {
    id: 'drop-enum',
    example: 'drop enum order_status',
    patterns: ['drop enum [called|named] {name:name} [enum]', 'drop type {name:name}', 'drop {name:name} enum'],
    build: (c, r) => [{ op: 'dropEnum', name: notTableOrColumn(c.name as string, r) }],
  },
  {
    id: 'add-enum-value',
    example: "add value 'refunded' to enum order_status",
    patterns: [
      'add|put [value|values|option|options] {values:values} to|into [enum|type] {enum:name} [enum|type] [{where:position} {other:name}]',
      'change enum|type {enum:name} [enum] add [value|values|option|options] {values:values} [{where:position} {other:name}]',
      'change [enum] {enum:name} [enum] with [value|values|option|options] {values:values} [{where:position} {other:name}]',
      '{enum:name} [enum] [should|must|can|will] [also] allow|include|accept|get|have|needs|need|requires [value|values|option|options] {values:values} [{where:position} {other:name}]',
    ],
    build: (c, r) => {
      const values = c.values as string[];
      notTableOrColumn(c.enum as string, r);
      if (r.schema && !r.schema.enums.includes(c.enum as string)) r.misfits++;
      const at = c.where as 'before' | 'after' | undefined;
      return values.map((value, i) => ({
        op: 'addEnumValue' as const,
        enum: c.enum as string,
        value,
        // `add 'a', 'b' after 'x'`: in the order given, each after the one before.
        ...(at === 'after' ? { after: i === 0 ? (c.other as string) : values[i - 1]! } : at === 'before' ? { before: c.other as string } : {}),
      }));
    },
  },
  {
    id: 'add-check',
    example: 'add a check on products (price > 0)',
    patterns: [
      'add check [named|called] {name:name} on|to|for [table] {table:name} [table] [that|:|requiring|ensuring|where|so] {expr:expr}',
      'add check on|to|for [table] {table:name} [table] [that|:|requiring|ensuring|where|so] {expr:expr}',
      'add check [named|called] [{name:name}] [that|:|requiring|ensuring|where] {expr:expr} on|to|for [table] {table:name} [table]',
      'add constraint {name:name} check {expr:expr} on|to|for [table] {table:name} [table]',
      'add [constraint {name:name}] check [named|called] [{name:name}] [that|:|requiring|ensuring|where] {expr:expr}',
      'make|ensure|require|check [that] [column] {col:col} [to] [be|is|are|always] {comparison:comparison}',
      '[column] {col:col} should|must|will|has|shall|can [to] [be|is|are|always] {comparison:comparison}',
    ],
    build: (c, r) => {
      if (c.col) {
        const { table, column } = r.column(c.col as ColRef);
        const expression = `${column} ${c.comparison as string}`;
        return [{ op: 'addCheck', table, check: { name: (c.name as string | undefined) ?? derivedName(table, [column], 'check'), expression } }];
      }
      const { table, expression } = checkTable(c, r);
      return [{ op: 'addCheck', table, check: { name: checkName(c, table, expression, r), expression } }];
    },
  },
  {
    id: 'drop-check',
    example: 'drop check products_price_check on products',
    patterns: [
      'drop check [named|called] {name:name} [on|from|of [table] {table:name} [table]]',
      'drop {name:name} check [on|from|of [table] {table:name} [table]]',
    ],
    build: (c, r) => {
      const table = c.table !== undefined ? r.table(c.table as string) : r.ownerOf(c.name as string, 'checks');
      if (!table) throw new SentenceError(`say which table check ${c.name as string} is on: drop check ${c.name as string} on <table>`);
      return [{ op: 'dropCheck', table, name: c.name as string }];
    },
  },
];
