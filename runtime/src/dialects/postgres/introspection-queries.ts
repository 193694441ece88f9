/** Catalog queries of the Postgres introspector: one per kind of object for the whole database. */

/** User objects only: no system schemas, nothing an extension installed. */
const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'`;
const NOT_FROM_EXTENSION = (oid: string) => `not exists (select 1 from pg_depend dep where dep.objid = ${oid} and dep.deptype = 'e')`;

export const RELATIONS = `
select c.oid::int8::text as oid, n.nspname as schema, c.relname as name, c.relkind as kind,
  obj_description(c.oid, 'pg_class') as comment,
  case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid, true) end as definition,
  case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_by
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition and ${USER_SCHEMA} and ${NOT_FROM_EXTENSION('c.oid')}`;

/** Partitions, with their parent and bound (their columns are the parent's; what is declared on them comes below). */
export const PARTITIONS = `
select c.oid::int8::text as oid, n.nspname as schema, c.relname as name, pn.nspname as parent_schema, pc.relname as parent_name,
  pg_get_expr(c.relpartbound, c.oid) as bound, case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_by
from pg_class c join pg_namespace n on n.oid = c.relnamespace
join pg_inherits i on i.inhrelid = c.oid join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
where c.relispartition and c.relkind in ('r', 'p') and ${USER_SCHEMA} and ${NOT_FROM_EXTENSION('c.oid')}`;

export const SCHEMAS = `
select n.nspname as name, obj_description(n.oid, 'pg_namespace') as comment from pg_namespace n
where ${USER_SCHEMA} and not exists (select 1 from pg_depend dep where dep.objid = n.oid and dep.deptype = 'e')`;

export const EXTENSIONS = `
select e.extname as name, n.nspname as schema, e.extversion as version from pg_extension e join pg_namespace n on n.oid = e.extnamespace`;

/** Sequences of the user schemas; identity columns' own sequences are part of their column and left out. */
export const SEQUENCES = `
select n.nspname as schema, c.relname as name, tn.nspname as owner_schema, tc.relname as owner_table, ta.attname as owner_column
from pg_class c join pg_namespace n on n.oid = c.relnamespace
left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refclassid = 'pg_class'::regclass and d.deptype = 'a'
left join pg_class tc on tc.oid = d.refobjid left join pg_namespace tn on tn.oid = tc.relnamespace
left join pg_attribute ta on ta.attrelid = tc.oid and ta.attnum = d.refobjsubid
where c.relkind = 'S' and ${USER_SCHEMA} and ${NOT_FROM_EXTENSION('c.oid')}
  and not exists (select 1 from pg_depend i where i.classid = 'pg_class'::regclass and i.objid = c.oid and i.deptype = 'i')`;

/**
 * Every domain (of any schema: a user domain may sit on another one) with the type at the bottom of its chain, the
 * typmod that applies (the outermost explicit one) and whether any level is NOT NULL. `create domain d2 as d1` and
 * `create domain ids as int[]` resolve to varchar(10) and int4[] here, in one query for the whole database.
 */
const DOMAIN_CHAIN = `
domain_step(oid, base, typmod, not_null) as (
  select t.oid, t.typbasetype, t.typtypmod, t.typnotnull from pg_type t where t.typtype = 'd'
  union all
  select s.oid, b.typbasetype, case when s.typmod >= 0 then s.typmod else b.typtypmod end, s.not_null or b.typnotnull
  from domain_step s join pg_type b on b.oid = s.base and b.typtype = 'd'
),
domain_base as (
  select s.oid, s.base, s.typmod, s.not_null from domain_step s join pg_type b on b.oid = s.base where b.typtype <> 'd'
)`;

/**
 * The resolved type of `${alias}` (a pg_type row): its base after every domain (`<p>_bt`), that base's array element
 * (`<p>_et`) and the element's own base after its domains (`<p>_ebt`), with their namespaces.
 */
const RESOLVE_TYPE = (alias: string, p: string) => `
left join domain_base ${p}_db on ${p}_db.oid = ${alias}.oid
join pg_type ${p}_bt on ${p}_bt.oid = coalesce(${p}_db.base, ${alias}.oid)
join pg_namespace ${p}_bn on ${p}_bn.oid = ${p}_bt.typnamespace
left join pg_type ${p}_et on ${p}_bt.typcategory = 'A' and ${p}_et.oid = ${p}_bt.typelem
left join pg_namespace ${p}_en on ${p}_en.oid = ${p}_et.typnamespace
left join domain_base ${p}_edb on ${p}_edb.oid = ${p}_et.oid
left join pg_type ${p}_ebt on ${p}_ebt.oid = coalesce(${p}_edb.base, ${p}_et.oid)
left join pg_namespace ${p}_ebn on ${p}_ebn.oid = ${p}_ebt.typnamespace`;

/** The columns RESOLVE_TYPE adds, under the names TypeRow gives them. */
const RESOLVED_COLUMNS = (p: string) => `
  ${p}_bt.typname as base_name, ${p}_bt.typtype as base_kind, ${p}_bn.nspname as base_schema, ${p}_db.typmod as domain_typmod,
  coalesce(${p}_db.not_null, false) as domain_not_null,
  ${p}_ebt.typname as element_name, ${p}_ebt.typtype as element_kind, ${p}_ebn.nspname as element_schema,
  case when ${p}_et.typtype = 'd' then ${p}_et.typname end as element_domain,
  case when ${p}_et.typtype = 'd' then ${p}_en.nspname end as element_domain_schema, ${p}_edb.typmod as element_typmod`;

export const COLUMNS = `
with recursive ${DOMAIN_CHAIN}
select a.attrelid::int8::text as oid, a.attnum as position, a.attname as name, format_type(a.atttypid, a.atttypmod) as native_type,
  not a.attnotnull as nullable, pg_get_expr(d.adbin, d.adrelid) as default_expr, a.attidentity as identity,
  a.attgenerated as generated, col_description(a.attrelid, a.attnum) as comment, a.atttypmod as typmod,
  t.typname as type_name, t.typtype as type_kind, tn.nspname as type_schema, ${RESOLVED_COLUMNS('r')}
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
join pg_namespace tn on tn.oid = t.typnamespace ${RESOLVE_TYPE('t', 'r')}
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm') and ${USER_SCHEMA}`;

export const CONSTRAINTS = `
select con.conrelid::int8::text as oid, con.conname as name, con.contype as kind, fn.nspname as ref_schema, fc.relname as ref_table,
  con.confupdtype as on_update, con.confdeltype as on_delete, pg_get_constraintdef(con.oid, true) as definition,
  con.conparentid <> 0 as inherited, con.conislocal as local,
  (select array_agg(a.attname::text order by k.ord) from unnest(con.conkey) with ordinality k(attnum, ord)
    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as columns,
  (select array_agg(a.attname::text order by k.ord) from unnest(con.confkey) with ordinality k(attnum, ord)
    join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as ref_columns
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class fc on fc.oid = con.confrelid
left join pg_namespace fn on fn.oid = fc.relnamespace
where con.contype in ('p', 'u', 'f', 'c') and ${USER_SCHEMA}`;

export const INDEXES = `
select i.indrelid::int8::text as oid, ic.relname as name, i.indisunique as unique, pg_get_expr(i.indpred, i.indrelid, true) as predicate,
  exists (select 1 from pg_inherits h where h.inhrelid = i.indexrelid) as attached,
  (select array_agg(case when i.indkey[k.ord - 1] <> 0
       then (select a.attname::text from pg_attribute a where a.attrelid = i.indrelid and a.attnum = i.indkey[k.ord - 1])
       else '(' || pg_get_indexdef(i.indexrelid, k.ord, true) || ')' end order by k.ord)
    from generate_series(1, i.indnkeyatts::int) k(ord)) as columns
from pg_index i
join pg_class ic on ic.oid = i.indexrelid
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
where ${USER_SCHEMA} and c.relkind in ('r', 'p', 'm')
  and not exists (select 1 from pg_constraint con where con.conindid = i.indexrelid and con.contype in ('p', 'u', 'x'))`;

export const ENUMS = `
select n.nspname as schema, t.typname as name, array_agg(e.enumlabel::text order by e.enumsortorder) as values
from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
where ${USER_SCHEMA} and ${NOT_FROM_EXTENSION('t.oid')}
group by n.nspname, t.typname`;

export const DOMAINS = `
with recursive ${DOMAIN_CHAIN}
select n.nspname as schema, t.typname as name, format_type(t.typbasetype, t.typtypmod) as native_type, t.typdefault as default_expr,
  -1 as typmod, ut.typname as type_name, ut.typtype as type_kind, un.nspname as type_schema, ${RESOLVED_COLUMNS('r')},
  coalesce((select json_agg(json_build_object('name', con.conname, 'definition', pg_get_constraintdef(con.oid, true)) order by con.conname)
    from pg_constraint con where con.contypid = t.oid and con.contype = 'c'), '[]'::json) as checks
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
join pg_type ut on ut.oid = t.typbasetype
join pg_namespace un on un.oid = ut.typnamespace ${RESOLVE_TYPE('t', 'r')}
where t.typtype = 'd' and ${USER_SCHEMA} and ${NOT_FROM_EXTENSION('t.oid')}`;

export interface RelationRow {
  oid: string;
  schema: string;
  name: string;
  kind: string;
  comment: string | null;
  definition: string | null;
  partition_by: string | null;
}
export interface PartitionRow {
  oid: string;
  schema: string;
  name: string;
  parent_schema: string;
  parent_name: string;
  bound: string;
  partition_by: string | null;
}
export interface SequenceRow {
  schema: string;
  name: string;
  owner_schema: string | null;
  owner_table: string | null;
  owner_column: string | null;
}
/**
 * A type as the introspection queries resolve it: the declared type (`type_*`, perhaps a domain), the base under all
 * its domains (`base_*`), and for an array the element's base (`element_*`) and the domain declared on the element.
 */
export interface TypeRow {
  typmod: number;
  type_name: string;
  type_kind: string;
  type_schema: string;
  base_name: string;
  base_kind: string;
  base_schema: string;
  /** Typmod a domain chain carries (`create domain code as varchar(8)`); null for a type that is not a domain. */
  domain_typmod: number | null;
  /** Some domain in the chain is NOT NULL. */
  domain_not_null: boolean;
  element_name: string | null;
  element_kind: string | null;
  element_schema: string | null;
  element_domain: string | null;
  element_domain_schema: string | null;
  element_typmod: number | null;
}
export interface ColumnRow extends TypeRow {
  oid: string;
  position: number;
  name: string;
  native_type: string;
  nullable: boolean;
  default_expr: string | null;
  identity: string;
  generated: string;
  comment: string | null;
}
export interface ConstraintRow {
  oid: string;
  name: string;
  kind: string;
  ref_schema: string | null;
  ref_table: string | null;
  on_update: string;
  on_delete: string;
  definition: string;
  columns: string[] | null;
  ref_columns: string[] | null;
  /** Cloned from the parent's (a partition's copy of a foreign key). */
  inherited: boolean;
  local: boolean;
}
export interface IndexRow {
  oid: string;
  name: string;
  unique: boolean;
  predicate: string | null;
  columns: string[];
  attached: boolean;
}
export interface EnumRow {
  schema: string;
  name: string;
  values: string[];
}
/** For a domain, `type_*` is the type it is declared over (maybe another domain) and `base_*` the one at the bottom. */
export interface DomainRow extends TypeRow {
  schema: string;
  name: string;
  native_type: string;
  default_expr: string | null;
  checks: { name: string; definition: string }[];
}
