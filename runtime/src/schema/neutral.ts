import type { NeutralType, SchemaModel } from '../contracts/schema-model.ts';
import { compareText, groupBy } from '../util/collections.ts';

/**
 * The dialect-neutral projection of a SchemaModel: what two databases holding the same logical schema share,
 * whichever engine holds them.
 *
 * Compared, every name passed through `normalizeName`:
 * - tables and views by name (the default schema is dropped: `main`, `public` and `dbo` all mean "unqualified";
 *   any other schema stays as a qualifier);
 * - columns: name and ordinal order, neutral type (kind, length, precision, scale, enum name, array element),
 *   nullability, generated (stored or virtual), identity (present or not; see below);
 * - primary key columns in key order;
 * - foreign keys: columns, referenced table and columns, ON DELETE and ON UPDATE actions;
 * - unique constraints as column lists;
 * - other indexes: column lists, uniqueness, and whether partial;
 * - views: column names in order; enums: name and values.
 *
 * Not compared, because each engine or script spells them its own way: native type names (NVARCHAR vs VARCHAR,
 * INTEGER vs INT, DATETIME vs TIMESTAMP all land on the same neutral type), constraint and index names (Chinook's
 * `IFK_AlbumArtistId` vs `album_artist_id_idx`), default, CHECK and generated expressions, partial-index
 * predicates and expression-index parts (an expression part is compared as `<expression>`; `lower(email)` in
 * SQLite is `lower((email)::text)` in Postgres), view definitions and view column types (SQLite types a view column
 * by its declared source only), whether identity is ALWAYS or BY DEFAULT, domains (a column compares as its base
 * type), comments (SQLite has none). A unique constraint and a unique index are different things and compare as
 * different.
 *
 * Identity is compared unless `identity: false`. Turn it off to compare scripts that differ there on purpose:
 * SQLite makes every lone `INTEGER PRIMARY KEY` the rowid, which fills itself in, so SQLite's Chinook reports
 * identity on every single-column key while the Postgres script declares plain `INT` keys that do not.
 */
export interface NeutralOptions {
  /** Maps every table, view, column, schema and enum name before comparison (e.g. snakeCase). Default: unchanged. */
  normalizeName?: (name: string) => string;
  /** Compare whether a column is an identity / auto-increment column. Default true. */
  identity?: boolean;
  /**
   * Default true. False compares an enum column as `text` and leaves enum types out: for a database without native
   * enums (SQLite, SQL Server), where migrations store an enum column as text with a CHECK on its values, so its
   * model compares equal to a Postgres one with the native enum. The values themselves are then not compared (they
   * live in a CHECK expression there, and expressions are not part of the projection).
   */
  nativeEnums?: boolean;
}

export interface NeutralColumn {
  name: string;
  /** describeNeutralType of the column's type, enum names normalised. */
  type: string;
  nullable: boolean;
  generated: 'stored' | 'virtual' | null;
  /** Absent when identity is not compared. */
  identity?: boolean;
}

export interface NeutralForeignKey {
  columns: string[];
  /** `table(col, …)`. */
  references: string;
  onDelete: string;
  onUpdate: string;
}

export interface NeutralTable {
  name: string;
  columns: NeutralColumn[];
  primaryKey: string[];
  /** Sorted by columns. */
  foreignKeys: NeutralForeignKey[];
  /** `(a, b)`, sorted. */
  uniques: string[];
  /** `unique (a, <expression>) partial`, sorted. */
  indexes: string[];
}

export interface NeutralSchema {
  tables: NeutralTable[];
  views: { name: string; columns: string[] }[];
  /** `name(value, …)`, sorted. */
  enums: string[];
}

/** `InvoiceLineId` → `invoice_line_id`, `invoice_line` unchanged, `HTTPStatus` → `http_status`, `with space` → `with_space`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

/** `varchar(40)`, `decimal(10,2)`, `integer[]`, `enum(mood)`. */
export function describeNeutralType(type: NeutralType, normalizeName: (name: string) => string = (name) => name): string {
  if (type.kind === 'array') return `${type.element ? describeNeutralType(type.element, normalizeName) : 'unknown'}[]`;
  if (type.kind === 'enum') return `enum(${normalizeName(type.enumName ?? '')})`;
  const args =
    type.length !== undefined ? [type.length] : type.precision !== undefined ? [type.precision, ...(type.scale !== undefined ? [type.scale] : [])] : [];
  return args.length ? `${type.kind}(${args.join(',')})` : type.kind;
}

/** Projects a SchemaModel onto its neutral parts (see NeutralOptions for what is kept and what is dropped). */
export function neutralSchema(model: SchemaModel, options: NeutralOptions = {}): NeutralSchema {
  const n = options.normalizeName ?? ((name: string) => name);
  const qualify = (schema: string, name: string) => (schema === model.defaultSchema ? n(name) : `${n(schema)}.${n(name)}`);
  const list = (columns: string[]) => `(${columns.join(', ')})`;
  const nativeEnums = options.nativeEnums !== false;
  const tables = model.tables.map(
    (table): NeutralTable => ({
      name: qualify(table.schema, table.name),
      columns: table.columns.map((c) => ({
        name: n(c.name),
        type: describeNeutralType(nativeEnums ? c.type : enumAsText(c.type), n),
        nullable: c.nullable,
        generated: c.generated?.kind ?? null,
        ...(options.identity === false ? {} : { identity: c.identity !== null }),
      })),
      primaryKey: (table.primaryKey?.columns ?? []).map(n),
      foreignKeys: table.foreignKeys
        .map((fk) => ({
          columns: fk.columns.map(n),
          references: `${qualify(fk.referencedSchema, fk.referencedTable)}${list(fk.referencedColumns.map(n))}`,
          onDelete: fk.onDelete,
          onUpdate: fk.onUpdate,
        }))
        .sort((a, b) => compareText(describeForeignKey(a), describeForeignKey(b))),
      uniques: table.uniques.map((u) => list(u.columns.map(n))).sort(compareText),
      indexes: table.indexes
        .map((i) => {
          const parts = i.columns.map((c) => (c.startsWith('(') ? '<expression>' : n(c)));
          return `${i.unique ? 'unique ' : ''}${list(parts)}${i.where === null ? '' : ' partial'}`;
        })
        .sort(compareText),
    }),
  );
  return {
    tables: tables.sort((a, b) => compareText(a.name, b.name)),
    views: model.views.map((v) => ({ name: qualify(v.schema, v.name), columns: v.columns.map((c) => n(c.name)) })).sort((a, b) => compareText(a.name, b.name)),
    enums: nativeEnums ? model.enums.map((e) => `${qualify(e.schema, e.name)}(${e.values.join(', ')})`).sort(compareText) : [],
  };
}

function enumAsText(type: NeutralType): NeutralType {
  if (type.kind === 'enum') return { kind: 'text' };
  if (type.kind === 'array' && type.element) return { ...type, element: enumAsText(type.element) };
  return type;
}

/**
 * Differences between two schemas on their neutral parts, one line each, naming where and what, left value first:
 * `customer.email: type varchar(120) vs varchar(200)`, `track: index (genre_id) only on the left`. Empty when
 * they compare equal.
 */
export function diffNeutral(left: SchemaModel, right: SchemaModel, options: NeutralOptions = {}): string[] {
  const a = neutralSchema(left, options);
  const b = neutralSchema(right, options);
  const out: string[] = [];
  for (const [name, x, y] of pair(a.tables, b.tables, (t) => t.name)) {
    if (!x || !y) {
      out.push(`${name}: table only on the ${x ? 'left' : 'right'}`);
      continue;
    }
    diffTable(name, x, y, out);
  }
  for (const [name, x, y] of pair(a.views, b.views, (v) => v.name)) {
    if (!x || !y) out.push(`${name}: view only on the ${x ? 'left' : 'right'}`);
    else if (x.columns.join() !== y.columns.join()) out.push(`${name}: view columns [${x.columns.join(', ')}] vs [${y.columns.join(', ')}]`);
  }
  for (const [side, only] of onlyOnEachSide(a.enums, b.enums)) out.push(`enum ${only}: only on the ${side}`);
  return out;
}

function diffTable(name: string, x: NeutralTable, y: NeutralTable, out: string[]): void {
  for (const [column, p, q] of pair(x.columns, y.columns, (c) => c.name)) {
    if (!p || !q) {
      out.push(`${name}.${column}: column only on the ${p ? 'left' : 'right'}`);
      continue;
    }
    for (const key of ['type', 'nullable', 'generated', 'identity'] as const) {
      if (p[key] !== q[key]) out.push(`${name}.${column}: ${key} ${String(p[key] ?? 'none')} vs ${String(q[key] ?? 'none')}`);
    }
  }
  const shared = (cols: NeutralColumn[], other: NeutralColumn[]) => cols.map((c) => c.name).filter((c) => other.some((o) => o.name === c));
  const orderX = shared(x.columns, y.columns);
  const orderY = shared(y.columns, x.columns);
  if (orderX.join() !== orderY.join()) out.push(`${name}: column order [${orderX.join(', ')}] vs [${orderY.join(', ')}]`);
  if (x.primaryKey.join() !== y.primaryKey.join()) {
    const key = (cols: string[]) => (cols.length ? `(${cols.join(', ')})` : 'none');
    out.push(`${name}: primary key ${key(x.primaryKey)} vs ${key(y.primaryKey)}`);
  }
  // Foreign keys pair up by their columns, so a changed target or action reads as one line.
  const byColumns = (fks: NeutralForeignKey[]) => groupBy(fks, (fk) => fk.columns.join(', '));
  for (const [columns, p, q] of pair([...byColumns(x.foreignKeys)], [...byColumns(y.foreignKeys)], ([key]) => key)) {
    const lefts = p?.[1] ?? [];
    const rights = q?.[1] ?? [];
    if (lefts.length === 1 && rights.length === 1) {
      const [l, r] = [lefts[0]!, rights[0]!];
      if (l.references !== r.references) out.push(`${name}: foreign key (${columns}) references ${l.references} vs ${r.references}`);
      if (l.onDelete !== r.onDelete) out.push(`${name}: foreign key (${columns}) on delete ${l.onDelete} vs ${r.onDelete}`);
      if (l.onUpdate !== r.onUpdate) out.push(`${name}: foreign key (${columns}) on update ${l.onUpdate} vs ${r.onUpdate}`);
      continue;
    }
    for (const [side, only] of onlyOnEachSide(lefts.map(describeForeignKey), rights.map(describeForeignKey))) {
      out.push(`${name}: foreign key ${only} only on the ${side}`);
    }
  }
  for (const [side, only] of onlyOnEachSide(x.uniques, y.uniques)) out.push(`${name}: unique ${only} only on the ${side}`);
  for (const [side, only] of onlyOnEachSide(x.indexes, y.indexes)) out.push(`${name}: index ${only} only on the ${side}`);
}

function describeForeignKey(fk: NeutralForeignKey): string {
  return `(${fk.columns.join(', ')}) references ${fk.references} on delete ${fk.onDelete} on update ${fk.onUpdate}`;
}

/** Matches items of two lists by key, in sorted key order; a key missing on one side gives undefined there. */
function pair<T>(left: T[], right: T[], key: (item: T) => string): [string, T | undefined, T | undefined][] {
  const a = new Map(left.map((item) => [key(item), item]));
  const b = new Map(right.map((item) => [key(item), item]));
  return [...new Set([...a.keys(), ...b.keys()])].sort(compareText).map((k) => [k, a.get(k), b.get(k)]);
}

/** Multiset difference both ways: each item of one list with no counterpart in the other. */
function onlyOnEachSide(left: string[], right: string[]): ['left' | 'right', string][] {
  const out: ['left' | 'right', string][] = [];
  const rest = [...right];
  for (const item of left) {
    const at = rest.indexOf(item);
    if (at < 0) out.push(['left', item]);
    else rest.splice(at, 1);
  }
  for (const item of rest) out.push(['right', item]);
  return out;
}
