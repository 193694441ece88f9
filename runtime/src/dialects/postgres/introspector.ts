import { type Kysely, sql } from 'kysely';
import type { Column, Extension, ForeignKey, NamedObject, NeutralType, SchemaModel, Table, View } from '../../contracts/schema-model.ts';
import { machineryIn } from '../../machinery.ts';
import type { IntrospectOptions } from '../dialect.ts';
import type { NativeKind } from '../native-schema.ts';
import {
  COLUMNS,
  type ColumnRow,
  CONSTRAINTS,
  type ConstraintRow,
  DOMAINS,
  type DomainRow,
  ENUMS,
  type EnumRow,
  EXTENSIONS,
  INDEXES,
  type IndexRow,
  PARTITIONS,
  type PartitionRow,
  RELATIONS,
  type RelationRow,
  SCHEMAS,
  SEQUENCES,
  type SequenceRow,
  type TypeRow,
} from './introspection-queries.ts';
import { readPostgresSchema } from './native/index.ts';
import { postgresNeutralType } from './types.ts';
import { compareText, groupBy } from '../../util/collections.ts';

export const POSTGRES_DEFAULT_SCHEMA = 'public';

const ACTIONS: Record<string, ForeignKey['onDelete']> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

const qualify = (schema: string, name: string) => (schema === POSTGRES_DEFAULT_SCHEMA ? name : `${schema}.${name}`);

/**
 * `CHECK ((price > 0))` → `(price > 0)`. The trailing flags (NO INHERIT, NOT VALID, NOT ENFORCED) are dropped: they
 * say where and when the rule is checked, not what it is.
 */
function checkExpression(definition: string): string {
  return definition
    .replace(/^CHECK\s*/i, '')
    .replace(/(\s+(NO INHERIT|NOT VALID|NOT ENFORCED))+$/i, '')
    .replace(/^\((.*)\)$/s, '$1');
}

/**
 * Kinds of native object without a neutral form, listed in SchemaModel.objects with their definitions. Tables,
 * views, types, keys and indexes are already in the neutral parts; sequences, schemas and extensions have lists.
 */
const OBJECT_KINDS = new Set<NativeKind>([
  'function',
  'procedure',
  'aggregate',
  'trigger',
  'rule',
  'policy',
  'row-security',
  'cast',
  'exclusion-constraint',
  'statistics',
  'foreign-table',
  'foreign-server',
  'composite-type',
  'range-type',
  'grant',
  'default-privileges',
]);

export async function introspectPostgres(db: Kysely<any>, options: IntrospectOptions = {}): Promise<SchemaModel> {
  const rows = async <T>(text: string) => (await sql.raw<T>(text).execute(db)).rows;
  const [relations, columns, constraints, indexes, enums, domains, partitions, schemas, extensions, sequences, native] = await Promise.all([
    rows<RelationRow>(RELATIONS),
    rows<ColumnRow>(COLUMNS),
    rows<ConstraintRow>(CONSTRAINTS),
    rows<IndexRow>(INDEXES),
    rows<EnumRow>(ENUMS),
    rows<DomainRow>(DOMAINS),
    rows<PartitionRow>(PARTITIONS),
    rows<{ name: string; comment: string | null }>(SCHEMAS),
    rows<Extension>(EXTENSIONS),
    rows<SequenceRow>(SEQUENCES),
    options.objects === false ? { units: [] } : readPostgresSchema(db, { ...machineryIn(POSTGRES_DEFAULT_SCHEMA), positions: false }),
  ]);
  const objects = native.units
    .filter((u) => OBJECT_KINDS.has(u.kind))
    .map((u) => ({ kind: u.kind, name: u.name, table: u.table, definition: `${u.sql.join(';\n')};` }));
  return assemblePostgresSchema({ relations, columns, constraints, indexes, enums, domains, partitions, schemas, extensions, sequences, objects });
}

export interface PostgresCatalog {
  relations: RelationRow[];
  columns: ColumnRow[];
  constraints: ConstraintRow[];
  indexes: IndexRow[];
  enums: EnumRow[];
  domains: DomainRow[];
  partitions?: PartitionRow[];
  schemas?: { name: string; comment: string | null }[];
  extensions?: Extension[];
  sequences?: SequenceRow[];
  objects?: NamedObject[];
}

export function assemblePostgresSchema(catalog: PostgresCatalog): SchemaModel {
  const columnsOf = groupBy(catalog.columns, (c) => c.oid);
  const constraintsOf = groupBy(catalog.constraints, (c) => c.oid);
  const indexesOf = groupBy(catalog.indexes, (i) => i.oid);
  const tables: Table[] = [];
  const views: View[] = [];
  for (const relation of catalog.relations) {
    const cols = (columnsOf.get(relation.oid) ?? []).sort((a, b) => a.position - b.position).map(toColumn);
    if (relation.kind === 'v' || relation.kind === 'm') {
      views.push({
        schema: relation.schema,
        name: relation.name,
        columns: cols,
        definition: (relation.definition ?? '').trim(),
        materialized: relation.kind === 'm',
        comment: relation.comment,
      });
      continue;
    }
    const cons = constraintsOf.get(relation.oid) ?? [];
    const pk = cons.find((c) => c.kind === 'p');
    tables.push({
      partitionBy: relation.partition_by ?? null,
      schema: relation.schema,
      name: relation.name,
      columns: cols,
      primaryKey: pk ? { name: pk.name, columns: pk.columns ?? [] } : null,
      foreignKeys: foreignKeysOf(cons),
      uniques: cons
        .filter((c) => c.kind === 'u')
        .map((c) => ({ name: c.name, columns: c.columns ?? [] }))
        .sort((a, b) => compareText(a.name ?? '', b.name ?? '')),
      indexes: indexesFrom(indexesOf.get(relation.oid) ?? []),
      checks: checksOf(cons),
      comment: relation.comment,
    });
  }
  const bySchemaName = (a: { schema: string; name: string }, b: { schema: string; name: string }) =>
    compareText(a.schema, b.schema) || compareText(a.name, b.name);
  // What a partition declares itself: its own foreign keys (not the parent's clones), indexes and checks.
  const partitions = (catalog.partitions ?? []).map((p) => {
    const cons = constraintsOf.get(p.oid) ?? [];
    return {
      schema: p.schema,
      name: p.name,
      parent: { schema: p.parent_schema, name: p.parent_name },
      bound: p.bound,
      partitionBy: p.partition_by,
      foreignKeys: foreignKeysOf(cons.filter((c) => !c.inherited)),
      indexes: indexesFrom((indexesOf.get(p.oid) ?? []).filter((i) => !i.attached)),
      checks: checksOf(cons.filter((c) => c.local)),
    };
  });
  return {
    dialect: 'postgres',
    defaultSchema: POSTGRES_DEFAULT_SCHEMA,
    tables: tables.sort(bySchemaName),
    views: views.sort(bySchemaName),
    enums: catalog.enums.map((e) => ({ schema: e.schema, name: e.name, values: e.values })).sort(bySchemaName),
    domains: catalog.domains
      .map((d) => ({
        schema: d.schema,
        name: d.name,
        // `domain` is set when this domain is declared over another one.
        type: neutralType(d),
        nativeType: d.native_type,
        nullable: !d.domain_not_null,
        default: d.default_expr,
        checks: d.checks.map((c) => ({ name: c.name, expression: checkExpression(c.definition) })),
      }))
      .sort(bySchemaName),
    schemas: (catalog.schemas ?? [{ name: POSTGRES_DEFAULT_SCHEMA, comment: null }])
      .map((s) => ({ name: s.name, comment: s.comment }))
      .sort((a, b) => compareText(a.name, b.name)),
    partitions: partitions.sort(bySchemaName),
    sequences: (catalog.sequences ?? [])
      .map((s) => ({
        schema: s.schema,
        name: s.name,
        ownedBy: s.owner_table ? { schema: s.owner_schema!, table: s.owner_table, column: s.owner_column! } : null,
      }))
      .sort(bySchemaName),
    extensions: (catalog.extensions ?? []).map((e) => ({ name: e.name, schema: e.schema, version: e.version })).sort((a, b) => compareText(a.name, b.name)),
    objects: catalog.objects ?? [],
  };
}

function foreignKeysOf(cons: ConstraintRow[]): ForeignKey[] {
  return cons
    .filter((c) => c.kind === 'f')
    .map((c) => ({
      name: c.name,
      columns: c.columns ?? [],
      referencedSchema: c.ref_schema ?? POSTGRES_DEFAULT_SCHEMA,
      referencedTable: c.ref_table ?? '',
      referencedColumns: c.ref_columns ?? [],
      onDelete: ACTIONS[c.on_delete] ?? 'no action',
      onUpdate: ACTIONS[c.on_update] ?? 'no action',
    }))
    .sort((a, b) => compareText(a.name, b.name));
}

function indexesFrom(rows: IndexRow[]) {
  return rows.map((i) => ({ name: i.name, columns: i.columns, unique: i.unique, where: i.predicate })).sort((a, b) => compareText(a.name, b.name));
}

function checksOf(cons: ConstraintRow[]) {
  return cons
    .filter((c) => c.kind === 'c')
    .map((c) => ({ name: c.name, expression: checkExpression(c.definition) }))
    .sort((a, b) => compareText(a.name ?? '', b.name ?? ''));
}

/** The neutral type of a resolved catalog type: the kind of the base under every domain, `domain` naming the declared one. */
function neutralType(row: TypeRow): NeutralType {
  const isDomain = row.type_kind === 'd';
  // A domain declared with a length (create domain code as varchar(8)) keeps its typmod on the domain.
  const typmod = row.typmod >= 0 ? row.typmod : (row.domain_typmod ?? -1);
  // An array's typmod belongs to its elements (varchar(5)[]); an array of a domain gets it from the element domain.
  const elementTypmod = typmod >= 0 ? typmod : (row.element_typmod ?? -1);
  const element = row.element_name
    ? { name: row.element_name, kind: row.element_kind ?? 'b', typmod: elementTypmod, enumName: qualify(row.element_schema ?? '', row.element_name) }
    : undefined;
  const type = postgresNeutralType({
    name: row.base_name,
    kind: row.base_kind,
    typmod,
    enumName: qualify(row.base_schema, row.base_name),
    ...(element ? { element } : {}),
  });
  if (isDomain) type.domain = qualify(row.type_schema, row.type_name);
  if (type.element && row.element_domain) type.element.domain = qualify(row.element_domain_schema ?? '', row.element_domain);
  return type;
}

function toColumn(row: ColumnRow): Column {
  const generated = row.generated === 's' || row.generated === 'v';
  const serial = row.default_expr?.startsWith('nextval(') ?? false;
  return {
    name: row.name,
    type: neutralType(row),
    nativeType: row.type_kind === 'd' ? qualify(row.type_schema, row.type_name) : row.native_type,
    // A NOT NULL domain (at any level of its chain) makes the column non-null too.
    nullable: row.nullable && !row.domain_not_null,
    default: generated ? null : row.default_expr,
    identity: row.identity === 'a' ? 'always' : row.identity === 'd' || serial ? 'by-default' : null,
    generated: generated ? { kind: row.generated === 's' ? 'stored' : 'virtual', expression: row.default_expr ?? '' } : null,
    comment: row.comment,
  };
}
