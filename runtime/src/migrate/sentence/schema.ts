import type { MigrationOp } from '../../contracts/migration-op.ts';
import type { NeutralType, SchemaModel } from '../../contracts/schema-model.ts';
import { levenshtein } from './match.ts';
import { SentenceError } from './tokens.ts';

/** What the builder knows of the folder's schema: enough to tell which table a column or an index belongs to. */
export interface SentenceSchema {
  tables: SchemaTable[];
  enums: string[];
  /**
   * The schema may lack tables and columns that exist (the folder has raw SQL migrations, whose changes the implied
   * model does not follow): a name it lacks is then taken as written rather than refused.
   */
  partial?: boolean;
}

export interface SchemaTable {
  name: string;
  columns: string[];
  primaryKey?: string[];
  indexes: { name: string; columns: string[] }[];
  foreignKeys: { name: string; columns: string[]; references: string }[];
  uniques: { name: string; columns: string[] }[];
  checks: string[];
}

/** The schema the folder's migrations imply, reduced to names. */
export function sentenceSchema(model: SchemaModel, partial = false): SentenceSchema {
  return {
    partial,
    tables: model.tables.map((t) => ({
      name: t.name,
      columns: t.columns.map((c) => c.name),
      ...(t.primaryKey ? { primaryKey: t.primaryKey.columns } : {}),
      indexes: t.indexes.map((i) => ({ name: i.name, columns: i.columns })),
      foreignKeys: t.foreignKeys.flatMap((f) => (f.name ? [{ name: f.name, columns: f.columns, references: f.referencedTable }] : [])),
      uniques: t.uniques.flatMap((u) => (u.name ? [{ name: u.name, columns: u.columns }] : [])),
      checks: t.checks.flatMap((c) => (c.name ? [c.name] : [])),
    })),
    enums: model.enums.map((e) => e.name),
  };
}

/** The schema after ops a sentence's earlier clauses make, for the clauses after them to be read against. */
export function withOps(schema: SentenceSchema | null, ops: readonly MigrationOp[]): SentenceSchema | null {
  if (!schema) return null;
  const next: SentenceSchema = { ...schema, tables: schema.tables.map((t) => ({ ...t, columns: [...t.columns] })), enums: [...schema.enums] };
  const table = (name: string) => next.tables.find((t) => t.name === name);
  for (const op of ops) {
    if (op.op === 'createTable')
      next.tables.push({ name: op.table, columns: op.columns.map((c) => c.name), indexes: [], foreignKeys: [], uniques: [], checks: [] });
    else if (op.op === 'dropTable') next.tables = next.tables.filter((t) => t.name !== op.table);
    else if (op.op === 'renameTable' && table(op.from)) table(op.from)!.name = op.to;
    else if (op.op === 'addColumn') table(op.table)?.columns.push(op.column.name);
    else if (op.op === 'dropColumn' && table(op.table)) table(op.table)!.columns = table(op.table)!.columns.filter((c) => c !== op.column);
    else if (op.op === 'renameColumn' && table(op.table)) table(op.table)!.columns = table(op.table)!.columns.map((c) => (c === op.from ? op.to : c));
    else if (op.op === 'createEnum') next.enums.push(op.name);
  }
  return next;
}

/** A name as people vary it: case, spaces, hyphens, underscores and camelCase aside (`unit price` is `unit_price`). */
export const compact = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** `customer` for `customers`, `categories` for `category`: a table named in the singular or the plural. */
function numberVariants(key: string): string[] {
  const out = [`${key}s`, `${key}es`, key.replace(/y$/, 'ies'), key.replace(/ies$/, 'y'), key.replace(/es$/, ''), key.replace(/s$/, '')];
  return out.filter((v) => v !== key && v.length > 0);
}

/** The table `written` names: exactly, then written differently, then in the other number. */
export function findTable(schema: SentenceSchema | null, written: string): SchemaTable | undefined {
  if (!schema) return undefined;
  const exact = schema.tables.find((t) => t.name === written);
  if (exact) return exact;
  const key = compact(written);
  return (
    schema.tables.find((t) => compact(t.name) === key) ??
    schema.tables.find((t) => numberVariants(key).includes(compact(t.name))) ??
    misspelt(schema.tables, written, (t) => t.name)
  );
}

export function findColumn(table: SchemaTable | undefined, written: string): string | undefined {
  if (!table) return undefined;
  return table.columns.find((c) => c === written) ?? table.columns.find((c) => compact(c) === compact(written)) ?? misspelt(table.columns, written, (c) => c);
}

/** The one name a letter away from `written` (wrong, missing or swapped: `custmers`, `emial`), for names of five letters or more. */
function misspelt<T>(items: T[], written: string, name: (item: T) => string): T | undefined {
  const key = compact(written);
  if (key.length < 5) return undefined;
  const near = items.filter((i) => {
    const k = compact(name(i));
    return k.length >= key.length && k.length <= key.length + 1 && levenshtein(k, key) === 1;
  });
  return near.length === 1 ? near[0] : undefined;
}

export type Expect = 'exists' | 'new' | 'any';

/**
 * Resolves the names of one reading of a sentence against the schema the folder implies. A table or column the
 * reading needs and the schema lacks (or adds and the schema has) makes the reading fail with that reason; what is
 * only unlikely (a guessed type, an enum the schema does not know) is counted, and of several readings the one
 * with the fewest such wins. Without a schema names are taken as written.
 */
export class Resolver {
  misfits = 0;
  /** What the builder chose for the user (a guessed type), said back to them. */
  readonly notes: string[] = [];
  schema: SentenceSchema | null;
  /** The table a sentence is about when it names it once up front (`alter table orders …`, `in orders, …`). */
  readonly contextTable?: string;
  /** The sentence says `column`: a name without a type is still a column. */
  readonly saysColumn: boolean;
  /** Names the sentence quoted: taken as written when the schema lacks them (a table it cannot know of). */
  readonly quoted: ReadonlySet<string>;
  constructor(schema: SentenceSchema | null, contextTable?: string, saysColumn = false, quoted: ReadonlySet<string> = new Set()) {
    this.schema = schema;
    this.contextTable = contextTable;
    this.saysColumn = saysColumn;
    this.quoted = quoted;
  }

  /** The table `written` names; a quoted name only as written. */
  private findTable(written: string): SchemaTable | undefined {
    return this.quoted.has(written) ? this.schema?.tables.find((t) => t.name === written) : findTable(this.schema, written);
  }

  /** A name the schema lacks: refused, unless the schema may be incomplete or the sentence quoted the name. */
  private missing(name: string, message: string): void {
    if (this.schema?.partial || this.quoted.has(name)) this.misfits++;
    else throw new SentenceError(message);
  }

  table(written: string | undefined, expect: Expect = 'exists'): string {
    if (written === undefined) {
      if (this.contextTable) return this.table(this.contextTable, expect);
      throw new SentenceError('say which table, as in "… to customers" or customers.email');
    }
    if (!this.schema) return written;
    const found = this.findTable(written);
    if (expect === 'exists' && !found)
      this.missing(
        written,
        `the folder's schema has no table ${written} (tables: ${this.schema.tables.map((t) => t.name).join(', ') || 'none yet'}; quote the name to use a table the migrations do not create)`,
      );
    if (expect === 'new' && found) throw new SentenceError(`table ${found.name} already exists`);
    // A new table is created as written; an existing one is the schema's, however it was spelled.
    return expect === 'new' ? written : (found?.name ?? written);
  }

  /** A table the sentence itself creates, for what refers to it (a self-referencing foreign key). */
  creating(table: SchemaTable): void {
    if (this.schema) this.schema = { ...this.schema, tables: [...this.schema.tables, table] };
  }

  /** A column, with its table given, implied by the sentence, or the one table of the schema that has it. */
  column(ref: { table?: string; column: string }, expect: Expect = 'exists'): { table: string; column: string } {
    const { table, columns } = this.columns(ref.table, [ref.column], expect);
    return { table, column: columns[0]! };
  }

  /** Columns of one table; without a table given, the table is the sentence's, or the one that has them all. */
  columns(written: string | undefined, columns: string[], expect: Expect = 'exists'): { table: string; columns: string[] } {
    const table = written !== undefined || this.contextTable ? this.table(written ?? this.contextTable) : this.owner(columns);
    const found = this.findTable(table);
    const resolved = columns.map((c) => {
      // A quoted name is exactly that name: "a b" and "a_b" are two columns, and no typo is corrected.
      const col = this.quoted.has(c) ? found?.columns.find((name) => name === c) : findColumn(found, c);
      if (found && expect === 'exists' && !col) this.missing(c, `${found.name} has no column ${c} (columns: ${found.columns.join(', ')})`);
      if (found && expect === 'new' && col) throw new SentenceError(`${found.name} already has a column ${col}`);
      return expect === 'new' ? c : (col ?? c);
    });
    return { table, columns: resolved };
  }

  /** The one table of the schema with all these columns; several or none is an error naming them. */
  private owner(columns: string[]): string {
    const said = columns.join(', ');
    if (!this.schema) throw new SentenceError(`say which table ${said} ${columns.length > 1 ? 'are' : 'is'} in, as in <table>.${columns[0]}`);
    const owners = this.schema.tables.filter((t) => columns.every((c) => findColumn(t, c)));
    if (owners.length === 1) return owners[0]!.name;
    if (owners.length > 1) {
      throw new AmbiguousName(
        `${said} could be in ${owners.map((t) => t.name).join(' or ')}: say which, as in ${owners.map((t) => `${t.name}.${columns[0]}`).join(' or ')}`,
      );
    }
    throw new SentenceError(
      `no table in the folder's schema has ${columns.length > 1 ? 'columns' : 'a column'} ${said}: say which table, as in <table>.${columns[0]}`,
    );
  }

  /** The table a named index or constraint is on, from the schema (or the sentence's table). */
  ownerOf(name: string, kind: 'indexes' | 'foreignKeys' | 'uniques' | 'checks'): string | undefined {
    if (this.contextTable) return this.table(this.contextTable);
    const has = (t: SchemaTable) => (kind === 'checks' ? t.checks.includes(name) : t[kind].some((c) => c.name === name));
    return this.schema?.tables.find(has)?.name;
  }

  /** The name a constraint on these columns has in the schema, if it has one. */
  constraintOn(table: string, columns: string[], kind: 'indexes' | 'foreignKeys' | 'uniques'): string | undefined {
    const t = findTable(this.schema, table);
    return t?.[kind].find((c) => c.columns.join() === columns.join())?.name;
  }

  /**
   * A type the sentence did not give, from the column's name; said back to the user. A name is only taken for a
   * new column when the sentence calls it a column or it is named like one (`is_gift`, `shipped_at`, `phone`):
   * `give users a raise` adds nothing.
   */
  guessType(column: string, listed = false): NeutralType {
    const guess = guessedType(column);
    if (!guess.recognized && !listed && !this.saysColumn) throw new SentenceError(`say what ${column} is: a column needs a type, as in "${column} (text)"`);
    this.misfits += 0.1;
    const type = guess.type;
    this.notes.push(
      `guessed type ${type.kind}${type.precision ? `(${type.precision},${type.scale})` : ''} for ${column}: give it as "${column} (type)" to choose another`,
    );
    return type;
  }
}

/** Ambiguity is the most useful thing to tell: it wins over other reasons a sentence was not understood. */
export class AmbiguousName extends SentenceError {}

/** Words that name what a column holds as text, when they end its name (`phone`, `billing_address`). */
const TEXT_WORDS =
  'name|title|description|notes|note|comment|comments|email|phone|mobile|fax|address|street|city|zip|zipcode|postcode|postal_code|country|state|region|url|website|slug|code|status|label|nickname|username|login|bio|summary|color|colour|language|locale|currency|timezone|iban|reference|token|password|hash|tag|tags|category|kind|source|channel|role|gender|remarks|message|body|content|text';

function guessedType(column: string): { type: NeutralType; recognized: boolean } {
  const n = column.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const is = (type: NeutralType) => ({ type, recognized: true });
  if (/(^|_)(id|fk|ref)$/.test(n)) return is({ kind: 'integer' });
  if (
    /^(is|has|can|should|allow|allows)_|^(active|enabled|disabled|verified|archived|deleted|visible|published|paid|confirmed|flagged|hidden|locked|approved)$/.test(
      n,
    )
  )
    return is({ kind: 'boolean' });
  if (/(_at|_time|timestamp)$|^(created|updated|deleted|modified)/.test(n)) return is({ kind: 'timestamp' });
  if (/(_on|date|birthday|dob)$/.test(n)) return is({ kind: 'date' });
  if (new RegExp(`(^|_)(${TEXT_WORDS})$`).test(n) || /^(phone|email)_/.test(n)) return is({ kind: 'text' });
  if (/(price|amount|total|cost|balance|fee|discount|tax|salary|rate)/.test(n)) return is({ kind: 'decimal', precision: 10, scale: 2 });
  if (/(count|quantity|qty|age|position|rank|stock|year|level|score|rating|number|num)$/.test(n)) return is({ kind: 'integer' });
  if (/(uuid|guid)$/.test(n)) return is({ kind: 'uuid' });
  if (/(json|payload|metadata|settings|config|attributes|preferences)$/.test(n)) return is({ kind: 'json' });
  return { type: { kind: 'text' }, recognized: false };
}
