import type { SchemaModel, Table } from '../contracts/schema-model.ts';
import type { TableRef } from '../dialects/copy-support.ts';

export type { TableRef } from '../dialects/copy-support.ts';

/*
 * How the CLI and the reports write a table (or column) name, and how `--table` reads one back. One syntax
 * everywhere (import, export, pii scan, introspect, types --include):
 *
 * - Parts are separated by a dot: `table`, `schema.table`, and for a column `table.column` / `schema.table.column`.
 * - A part that starts with a double quote is quoted: it runs to the closing quote, `""` inside stands for one `"`,
 *   and it may hold dots: `"a.b"`, `"Odd ""Schema"" ü".orders`. Any other part is bare: taken literally up to the
 *   next dot, quotes, spaces and case included (`We "ird" Ñame`, `x"; drop table victim; --`).
 * - Names are exact: never case-folded or trimmed (`Items` and `items` are two tables).
 * - A name without a schema is in the database's default schema (`public`, `main`, `dbo`); reports print default
 *   schema tables that way, so what a report prints is what `--table` takes back.
 *
 * Writing quotes a part only when it must (empty, starting with `"`, holding a dot) or when quoting shows what would
 * be invisible (leading or trailing white space, control characters).
 */

/** Table-name text that cannot be read, or a name no table has. */
export class TableNameError extends Error {
  override name = 'TableNameError';
}

/** Splits qualified-name text into its parts (see the syntax above); throws TableNameError on malformed text. */
export function parseNameParts(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    let part = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1) throw new TableNameError(`${JSON.stringify(text)}: a quoted name is not closed (write "" for a quote inside one)`);
        part += text.slice(i, close);
        i = close + 1;
        if (text[i] !== '"') break;
        part += '"';
        i++;
      }
      if (i < text.length && text[i] !== '.') {
        throw new TableNameError(
          `${JSON.stringify(text)}: a quoted name must be followed by a dot or the end (quote the whole name, doubling the quotes inside)`,
        );
      }
    } else {
      const dot = text.indexOf('.', i);
      part = text.slice(i, dot === -1 ? text.length : dot);
      i = dot === -1 ? text.length : dot;
    }
    if (part === '') throw new TableNameError(`${JSON.stringify(text)}: a name part is empty (a name holding a dot is quoted: "a.b")`);
    if (part.includes('\u0000')) throw new TableNameError(`${JSON.stringify(text)}: a name cannot hold a NUL character`);
    parts.push(part);
    if (i >= text.length) return parts;
    i++; // the dot
    if (i >= text.length) throw new TableNameError(`${JSON.stringify(text)}: a name part is empty (a name holding a dot is quoted: "a.b")`);
  }
}

/** `table` or `schema.table` → a reference; no schema means the default schema. */
export function parseTableName(text: string): TableRef {
  const parts = parseNameParts(text);
  if (parts.length > 2) {
    throw new TableNameError(
      `${JSON.stringify(text)} has ${parts.length} dotted parts: a table is NAME or SCHEMA.NAME, and a name holding a dot is quoted ("a.b")`,
    );
  }
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}

/** One part as the syntax writes it: bare when that reads back the same, else quoted. */
export function formatNamePart(part: string): string {
  const quote = part === '' || part.startsWith('"') || part.includes('.') || /^\s|\s$|\p{Cc}/u.test(part);
  return quote ? `"${part.replace(/"/g, '""')}"` : part;
}

/** A table's name as reports print it and `--table` takes it: bare in the default schema, else `schema.table`. */
export function formatTableName(table: { schema?: string | undefined; name: string }, defaultSchema: string): string {
  const name = formatNamePart(table.name);
  return table.schema === undefined || table.schema === defaultSchema ? name : `${formatNamePart(table.schema)}.${name}`;
}

/** A column as reports print it: `table.column`, or `schema.table.column` outside the default schema. */
export function formatColumnName(table: { schema?: string | undefined; name: string }, column: string, defaultSchema: string): string {
  return `${formatTableName(table, defaultSchema)}.${formatNamePart(column)}`;
}

/** Reads a table reference given as text (the syntax above) or already as `{ schema?, name }`. */
export function toTableRef(table: string | TableRef): TableRef {
  return typeof table === 'string' ? parseTableName(table) : table;
}

/** The model's table `ref` names (no schema: the default schema), or undefined. */
export function lookupTable(model: SchemaModel, ref: TableRef): Table | undefined {
  const schema = ref.schema ?? model.defaultSchema;
  return model.tables.find((t) => t.schema === schema && t.name === ref.name);
}

/** For a name no table has: ` (did you mean …?)` with the closest names the model has (another schema or case), or ''. */
export function nearTablesHint(model: SchemaModel, ref: TableRef): string {
  const wanted = formatTableName(ref, model.defaultSchema);
  const lower = ref.name.toLowerCase();
  // `a.b` meant as one name (it needs quotes), or the same name in another schema or case.
  const dotted = ref.schema === undefined ? null : `${ref.schema}.${ref.name}`;
  const near = model.tables
    .filter((t) => t.name.toLowerCase() === lower || t.name === dotted)
    .map((t) => formatTableName(t, model.defaultSchema))
    .filter((n) => n !== wanted);
  return near.length ? ` (did you mean ${near.slice(0, 3).join(' or ')}?)` : '';
}

/** Why `ref` names no table: `table "x" does not exist`, with the likely alternatives. */
export function missingTableMessage(model: SchemaModel, ref: TableRef): string {
  return `table "${formatTableName(ref, model.defaultSchema)}" does not exist${nearTablesHint(model, ref)}`;
}

/** The table `ref` names; throws TableNameError, naming likely alternatives, when there is none. */
export function findTable(model: SchemaModel, ref: TableRef): Table {
  const found = lookupTable(model, ref);
  if (!found) throw new TableNameError(missingTableMessage(model, ref));
  return found;
}
