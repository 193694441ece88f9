import type { Column, Domain, EnumType, SchemaModel, Table, View } from '../contracts/schema-model.ts';
import { driverValues, type ValueShape } from '../dialects/value-shape.ts';
import { type CheckRule, parseCheck } from './checks.ts';
import { formatTableName } from '../schema/table-names.ts';
import { camelCase, ENUM_SUFFIXES, pascalCase, TABLE_SUFFIXES, TypeNames, VIEW_SUFFIXES } from './names.ts';

/** Options of `generateTypes` / `byos types`. */
export interface TypegenOptions {
  /** Emit Zod schemas for every Row and Insert. */
  zod?: boolean;
  /** Emit the Kysely `DB` interface (Generated<>, ColumnType<>). */
  kysely?: boolean;
  /** Column and table keys in camelCase, for Kysely's CamelCasePlugin. Default: as the database spells them. */
  camelCase?: boolean;
  /**
   * Only tables/views whose qualified name matches one of these globs: `name` in the default schema, else
   * `schema.name`, as the DB interface keys it or as `byos introspect` prints it (parts holding a dot quoted).
   */
  include?: string[];
  exclude?: string[];
  /**
   * What the application configured the driver to return for 64-bit integers (pg: a type parser for int8;
   * better-sqlite3: safeIntegers, which covers every INTEGER column). Default: the driver's default.
   */
  bigintAs?: 'string' | 'number' | 'bigint';
  /** What exact decimals come back as. Default: the driver's default (string for Postgres). */
  decimalAs?: 'string' | 'number';
  /** Emit `const <Enum>Values = [...] as const` next to each enum's union type. Default true. */
  enumConstants?: boolean;
}

/** One column, decided: its key, TypeScript types, writability and Zod constraints. */
export interface ColumnPlan {
  key: string;
  column: Column;
  shape: ValueShape;
  /** Enum union type name, when the column (or its array's element) is an enum. */
  enumType?: string;
  enumValues?: string[];
  nullable: boolean;
  insert: 'required' | 'optional' | 'never';
  updatable: boolean;
  /** Client-side rules: from the column's CHECKs and its domain's. */
  rules: CheckRule[];
}

export interface RelationPlan {
  typeName: string;
  /** Key in the Kysely DB interface: the name, schema-qualified outside the default schema. */
  dbKey: string;
  source: Table | View;
  isView: boolean;
  columns: ColumnPlan[];
}

export interface EnumPlan {
  typeName: string;
  values: string[];
  source: EnumType;
}

export interface GenerationPlan {
  model: SchemaModel;
  enums: EnumPlan[];
  relations: RelationPlan[];
  enforcesDeclaredTypes: boolean;
}

/** `name` in the default schema, else `schema.name`: kysely-codegen's DB key, which Kysely reads back as schema and table. */
function qualified(model: SchemaModel, schema: string, name: string): string {
  return schema === model.defaultSchema ? name : `${schema}.${name}`;
}

/** `matches` is given a relation's qualified name and, when it differs, the name as `byos introspect` prints it. */
export function planGeneration(model: SchemaModel, options: TypegenOptions, matches: (names: readonly string[]) => boolean): GenerationPlan {
  const names = new TypeNames();
  const driver = driverValues(model.dialect);
  const key = (name: string) => (options.camelCase ? camelCase(name) : name);

  // Tables and views take their type names first (they are what an application names most), enums after them.
  const selected = (r: Table | View) => {
    const name = qualified(model, r.schema, r.name);
    const shown = formatTableName(r, model.defaultSchema);
    return matches(shown === name ? [name] : [name, shown]) ? name : null;
  };
  const chosen: { source: Table | View; isView: boolean; name: string; typeName: string }[] = [];
  for (const [list, isView] of [
    [model.tables, false],
    [model.views, true],
  ] as const) {
    for (const source of list) {
      const name = selected(source);
      if (name !== null) chosen.push({ source, isView, name, typeName: names.take(pascalCase(name), isView ? VIEW_SUFFIXES : TABLE_SUFFIXES) });
    }
  }

  // A column names its enum or domain bare in the default schema, else `schema.name`; that form wins a clash.
  const enumByName = new Map<string, EnumPlan>();
  const enums = model.enums.map((e) => {
    const plan = { typeName: names.take(pascalCase(qualified(model, e.schema, e.name)), ENUM_SUFFIXES), values: e.values, source: e };
    enumByName.set(qualified(model, e.schema, e.name), plan);
    return plan;
  });
  for (const plan of enums) if (!enumByName.has(`${plan.source.schema}.${plan.source.name}`)) enumByName.set(`${plan.source.schema}.${plan.source.name}`, plan);
  const domainByName = new Map<string, Domain>();
  for (const d of model.domains) domainByName.set(qualified(model, d.schema, d.name), d);
  for (const d of model.domains) if (!domainByName.has(`${d.schema}.${d.name}`)) domainByName.set(`${d.schema}.${d.name}`, d);

  // The application's own type parsers (pg.types.setTypeParser, safeIntegers) change what comes back.
  const override = (shape: ValueShape): ValueShape => {
    if (shape.kind === 'array' || shape.kind === 'array-text') return { ...shape, element: override(shape.element) };
    const int64 = shape.kind === 'integer-string' || (shape.kind === 'number' && shape.int64 === true);
    if (int64 && options.bigintAs === 'number') return { kind: 'number' };
    if (int64 && options.bigintAs === 'bigint') return { kind: 'bigint' };
    if (shape.kind === 'decimal-string' && options.decimalAs === 'number') return { kind: 'number' };
    return shape;
  };
  const shapeOf = (column: Column): ValueShape => override(driver.shapeOf(column.type));

  const planColumns = (columns: Column[], checks: Table['checks'], isView: boolean): ColumnPlan[] => {
    const rulesByColumn = new Map<string, CheckRule[]>();
    for (const check of checks) {
      const rules = parseCheck(check.expression);
      if (!rules || new Set(rules.map((r) => r.column)).size !== 1) continue; // multi-column or complex: database-side only
      const list = rulesByColumn.get(rules[0]!.column) ?? [];
      rulesByColumn.set(rules[0]!.column, [...list, ...rules]);
    }
    return columns.map((column) => {
      const domain = column.type.domain ? domainByName.get(column.type.domain) : undefined;
      const domainRules = (domain?.checks ?? [])
        .map((c) => parseCheck(c.expression))
        .filter((r): r is CheckRule[] => Array.isArray(r) && r.every((x) => x.column.toUpperCase() === 'VALUE'))
        .flat();
      const enumType = column.type.kind === 'array' ? column.type.element : column.type;
      const enumPlan = enumType?.kind === 'enum' && enumType.enumName ? enumByName.get(enumType.enumName) : undefined;
      const writable = !isView && column.generated === null && column.identity !== 'always';
      // A NOT NULL domain makes a table's column non-null (not a view's: an outer join still yields NULL there).
      const nullable = column.nullable && (isView || domain?.nullable !== false);
      return {
        key: key(column.name),
        column,
        shape: shapeOf(column),
        ...(enumPlan ? { enumType: enumPlan.typeName, enumValues: enumPlan.values } : {}),
        nullable,
        insert: !writable
          ? 'never'
          : nullable || column.default !== null || (domain?.default ?? null) !== null || column.identity !== null
            ? 'optional'
            : 'required',
        updatable: writable,
        rules: [...(rulesByColumn.get(column.name) ?? []), ...domainRules.map((r) => ({ ...r, column: column.name }))],
      };
    });
  };

  const relations: RelationPlan[] = chosen.map(({ source, isView, name, typeName }) => ({
    typeName,
    dbKey: key(name),
    source,
    isView,
    columns: planColumns(source.columns, isView ? [] : (source as Table).checks, isView),
  }));
  return { model, enums, relations, enforcesDeclaredTypes: driver.enforcesDeclaredTypes };
}
