import type { NeutralType, SchemaModel } from '../contracts/schema-model.ts';

/**
 * The dialect-neutral projection of a SchemaModel: what two databases with the same logical schema share
 * whatever engine holds them.
 *
 * Compared: table and view names, column names in order, neutral types (kind, length, precision, scale, array
 * element), nullability, generated or not, primary-key columns, foreign keys (columns, referenced table and
 * columns, actions), unique column sets, indexes (columns, uniqueness, partial or not), enum values.
 *
 * Not compared: native type spelling (NVARCHAR vs VARCHAR), constraint and index names (each script names
 * them its own way), default and CHECK expression text (each dialect prints expressions differently), schema
 * names (`main` vs `public` vs `dbo` for the default schema), comments, view definitions.
 *
 * Identity is compared unless `identity: false`: SQLite makes every single-column INTEGER PRIMARY KEY a rowid
 * that fills itself in, so a SQLite database reports identity where a Postgres copy of the same tables may not.
 */
export interface NeutralOptions {
  /** Maps every table, view and column name before comparison (e.g. snakeCase). Default: unchanged. */
  normalizeName?: (name: string) => string;
  /** Compare identity / auto-increment. Default true. */
  identity?: boolean;
}

export interface NeutralColumn {
  name: string;
  type: string;
  nullable: boolean;
  generated: boolean;
  identity?: boolean;
}

export interface NeutralTable {
  name: string;
  columns: NeutralColumn[];
  primaryKey: string[];
  foreignKeys: string[];
  uniques: string[];
  indexes: string[];
}

export interface NeutralSchema {
  tables: NeutralTable[];
  views: { name: string; columns: string[] }[];
  enums: string[];
}

/** `InvoiceLineId` → `invoice_line_id`, `invoice_line` unchanged, `HTTPStatus` → `http_status`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

export function describeNeutralType(type: NeutralType): string {
  if (type.kind === 'array') return `${type.element ? describeNeutralType(type.element) : 'unknown'}[]`;
  if (type.kind === 'enum') return `enum`;
  const args = type.length !== undefined ? [type.length] : type.precision !== undefined ? [type.precision, ...(type.scale !== undefined ? [type.scale] : [])] : [];
  return args.length ? `${type.kind}(${args.join(',')})` : type.kind;
}

export function neutralSchema(model: SchemaModel, options: NeutralOptions = {}): NeutralSchema {
  const n = options.normalizeName ?? ((name: string) => name);
  const qualify = (schema: string, name: string) => (schema === model.defaultSchema ? n(name) : `${n(schema)}.${n(name)}`);
  const list = (columns: string[]) => columns.map(n).join(',');
  const tables = model.tables.map((table) => ({
    name: qualify(table.schema, table.name),
    columns: table.columns.map((c) => ({
      name: n(c.name),
      type: describeNeutralType(c.type),
      nullable: c.nullable,
      generated: c.generated !== null,
      ...(options.identity === false ? {} : { identity: c.identity !== null }),
    })),
    primaryKey: (table.primaryKey?.columns ?? []).map(n),
    foreignKeys: table.foreignKeys
      .map((fk) => `(${list(fk.columns)}) -> ${qualify(fk.referencedSchema, fk.referencedTable)}(${list(fk.referencedColumns)}) on delete ${fk.onDelete} on update ${fk.onUpdate}`)
      .sort(),
    uniques: table.uniques.map((u) => `(${list(u.columns)})`).sort(),
    indexes: table.indexes.map((i) => `${i.unique ? 'unique ' : ''}(${list(i.columns)})${i.where ? ' partial' : ''}`).sort(),
  }));
  return {
    tables: tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    views: model.views.map((v) => ({ name: qualify(v.schema, v.name), columns: v.columns.map((c) => n(c.name)) })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    enums: model.enums.map((e) => `${qualify(e.schema, e.name)}(${e.values.join(',')})`).sort(),
  };
}

/**
 * Differences between two schemas on their neutral parts, one line each, naming where they are:
 * `invoice_line.unit_price: type decimal(10,2) vs double`. Empty when they compare equal.
 */
export function diffNeutral(left: SchemaModel, right: SchemaModel, options: NeutralOptions = {}): string[] {
  const a = neutralSchema(left, options);
  const b = neutralSchema(right, options);
  const out: string[] = [];
  const byName = <T extends { name: string }>(items: T[]) => new Map(items.map((i) => [i.name, i]));
  const ta = byName(a.tables);
  const tb = byName(b.tables);
  for (const name of new Set([...ta.keys(), ...tb.keys()])) {
    const x = ta.get(name);
    const y = tb.get(name);
    if (!x || !y) {
      out.push(`${name}: table only on the ${x ? 'left' : 'right'}`);
      continue;
    }
    const ca = byName(x.columns);
    const cb = byName(y.columns);
    for (const col of new Set([...ca.keys(), ...cb.keys()])) {
      const p = ca.get(col);
      const q = cb.get(col);
      if (!p || !q) {
        out.push(`${name}.${col}: column only on the ${p ? 'left' : 'right'}`);
        continue;
      }
      for (const key of ['type', 'nullable', 'generated', 'identity'] as const) {
        if (p[key] !== q[key]) out.push(`${name}.${col}: ${key} ${String(p[key])} vs ${String(q[key])}`);
      }
    }
    if (x.columns.map((c) => c.name).join() !== y.columns.map((c) => c.name).join() && ca.size === cb.size) {
      out.push(`${name}: column order differs`);
    }
    for (const key of ['primaryKey', 'foreignKeys', 'uniques', 'indexes'] as const) {
      const left = x[key].join('; ');
      const right = y[key].join('; ');
      if (left !== right) out.push(`${name}: ${key} [${left}] vs [${right}]`);
    }
  }
  const va = byName(a.views);
  const vb = byName(b.views);
  for (const name of new Set([...va.keys(), ...vb.keys()])) {
    const x = va.get(name);
    const y = vb.get(name);
    if (!x || !y) out.push(`${name}: view only on the ${x ? 'left' : 'right'}`);
    else if (x.columns.join() !== y.columns.join()) out.push(`${name}: view columns [${x.columns}] vs [${y.columns}]`);
  }
  if (a.enums.join() !== b.enums.join()) out.push(`enums: [${a.enums.join('; ')}] vs [${b.enums.join('; ')}]`);
  return out;
}
