/** Identifier helpers for generated TypeScript: every database name is data, never code. */
import { stringLiteral } from '../util/code-text.ts';

const RESERVED = new Set([
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'let',
  'static',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
  'await',
  'any',
  'boolean',
  'number',
  'string',
  'symbol',
  'never',
  'unknown',
  'object',
  'type',
]);

/** A property key: bare when it is a plain identifier, else a quoted string literal. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : stringLiteral(name);
}

/**
 * `invoice_line` / `InvoiceLine` / `Größe "x"` → `InvoiceLine` / `InvoiceLine` / `GrößeX`: a safe type name. Words are
 * split at anything a TypeScript identifier cannot hold and at underscores; a schema-qualified name is one name
 * (`app.orders` → `AppOrders`), as kysely-codegen does. A name that cannot start an identifier gets a `T` in front.
 */
export function pascalCase(name: string): string {
  const words = name.split(/[^\p{ID_Continue}]+|_+/u).filter(Boolean);
  let out = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (!out) out = 'Unnamed';
  if (!/^\p{ID_Start}/u.test(out)) out = `T${out}`;
  return RESERVED.has(out) ? `${out}Type` : out;
}

/** Kysely's CamelCasePlugin mapping: `invoice_line_id` → `invoiceLineId`; names without underscores stay. */
export function camelCase(name: string): string {
  return name.replace(/_+([^_])/g, (_m, c: string) => c.toUpperCase());
}

/** Names the generated file declares or imports itself: no table, view or enum may take them. */
const FIXED_NAMES = ['DB', 'JsonValue', 'JsonInsert', 'PostgresInterval', 'ColumnType', 'Generated', 'GeneratedAlways'];

/** The names a table's, a view's and an enum's base name is extended with (whether or not this run emits them all). */
export const TABLE_SUFFIXES = ['Row', 'Insert', 'Update', 'Relationships', 'Table', 'RowSchema', 'InsertSchema'] as const;
export const VIEW_SUFFIXES = ['Row', 'Table', 'RowSchema'] as const;
export const ENUM_SUFFIXES = ['', 'Values'] as const;

/**
 * Hands out type names the way kysely-codegen does: the PascalCase of the (schema-qualified) name, and on a clash
 * the same with `2`, `3`, … appended, first come first served in the model's order (enums, tables, views, each
 * sorted by schema then name). `Items` and `items` become `Items` and `Items2`; `public.orders` and `app.orders`
 * `Orders` and `AppOrders`. A base is free only when every name derived from it (`<base>Row`, `<base>Values`, …)
 * is, so `order` and `order_row` can never both declare `OrderRow`.
 */
export class TypeNames {
  private readonly used = new Set<string>(FIXED_NAMES);
  take(base: string, suffixes: readonly string[] = ['']): string {
    let name = base;
    for (let i = 2; suffixes.some((s) => this.used.has(name + s)); i++) name = `${base}${i}`;
    for (const s of suffixes) this.used.add(name + s);
    return name;
  }
}

/**
 * Turns globs (`audit.*`, `*_log`; `*` any run of characters, dots included, `?` one) into an anchored matcher over
 * a relation's qualified name: `table` in the default schema, else `schema.table`.
 */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  const patterns = globs.map(
    (g) =>
      new RegExp(
        `^${g
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ),
  );
  return (name) => patterns.some((p) => p.test(name));
}
