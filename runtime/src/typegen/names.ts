/** Identifier helpers for generated TypeScript: every database name is data, never code. */

const RESERVED = new Set(['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'any', 'boolean', 'number', 'string', 'symbol', 'never', 'unknown', 'object', 'type']);

/** A property key: bare when it is a plain identifier, else a quoted string literal. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

/** `invoice_line` / `InvoiceLine` / `Größe "x"` → `InvoiceLine` / `InvoiceLine` / `GrößeX`: a safe type name. */
export function pascalCase(name: string): string {
  const words = name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  let out = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  if (!out) out = 'Unnamed';
  if (/^\p{N}/u.test(out)) out = `T${out}`;
  return RESERVED.has(out) ? `${out}Type` : out;
}

/** Kysely's CamelCasePlugin mapping: `invoice_line_id` → `invoiceLineId`; names without underscores stay. */
export function camelCase(name: string): string {
  return name.replace(/_+([^_])/g, (_m, c: string) => c.toUpperCase());
}

/** Hands out type names, suffixing duplicates (`Order`, `Order2`) so two tables never share a type. */
export class TypeNames {
  private readonly used = new Set<string>();
  take(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}${i}`;
    this.used.add(name);
    return name;
  }
}

/** Turns a glob (`audit.*`, `*_log`) into an anchored matcher over `table` or `schema.table`. */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  const patterns = globs.map((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => patterns.some((p) => p.test(name));
}
