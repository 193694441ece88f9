/** Catalog queries of the Postgres introspector: one per kind of object for the whole database. */

/** User objects only: no system schemas, nothing an extension installed. */
const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'`;
const NOT_FROM_EXTENSION = (oid: string) => `not exists (select 1 from pg_depend dep where dep.objid = ${oid} and dep.deptype = 'e')`;

export const RELATIONS = `
select c.oid::int8::text as oid, n.nspname as schema, c.relname as name, c.relkind as kind,
  obj_description(c.oid, 'pg_class') as comment,
  case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid, true) end as definition
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition and ${USER_SCHEMA} and ${NOT_FROM_EXTENSION('c.oid')}`;

export const COLUMNS = `
select a.attrelid::int8::text as oid, a.attnum as position, a.attname as name, format_type(a.atttypid, a.atttypmod) as native_type,
  not a.attnotnull and not (t.typtype = 'd' and t.typnotnull) as nullable, pg_get_expr(d.adbin, d.adrelid) as default_expr, a.attidentity as identity,
  a.attgenerated as generated, col_description(a.attrelid, a.attnum) as comment, a.atttypmod as typmod,
  t.typname as type_name, t.typtype as type_kind, tn.nspname as type_schema, t.typtypmod as domain_typmod,
  coalesce(bt.typname, t.typname) as base_name, coalesce(bt.typtype, t.typtype) as base_kind, coalesce(bn.nspname, tn.nspname) as base_schema,
  coalesce(ebt.typname, et.typname) as element_name, coalesce(ebt.typtype, et.typtype) as element_kind,
  coalesce(ebn.nspname, en.nspname) as element_schema, case when et.typtype = 'd' then et.typname end as element_domain,
  case when et.typtype = 'd' then en.nspname end as element_domain_schema, et.typtypmod as element_typmod
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
join pg_namespace tn on tn.oid = t.typnamespace
left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
left join pg_namespace bn on bn.oid = bt.typnamespace
left join pg_type et on et.oid = coalesce(bt.typelem, t.typelem) and coalesce(bt.typcategory, t.typcategory) = 'A'
left join pg_namespace en on en.oid = et.typnamespace
left join pg_type ebt on et.typtype = 'd' and ebt.oid = et.typbasetype
left join pg_namespace ebn on ebn.oid = ebt.typnamespace
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm') and ${USER_SCHEMA}`;

export const CONSTRAINTS = `
select con.conrelid::int8::text as oid, con.conname as name, con.contype as kind, fn.nspname as ref_schema, fc.relname as ref_table,
  con.confupdtype as on_update, con.confdeltype as on_delete, pg_get_constraintdef(con.oid, true) as definition,
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
select n.nspname as schema, t.typname as name, format_type(t.typbasetype, t.typtypmod) as native_type, not t.typnotnull as nullable,
  t.typdefault as default_expr, bt.typname as base_name, bt.typtype as base_kind, bn.nspname as base_schema, t.typtypmod as typmod,
  coalesce((select json_agg(json_build_object('name', con.conname, 'definition', pg_get_constraintdef(con.oid, true)) order by con.conname)
    from pg_constraint con where con.contypid = t.oid and con.contype = 'c'), '[]'::json) as checks
from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_type bt on bt.oid = t.typbasetype
join pg_namespace bn on bn.oid = bt.typnamespace
where t.typtype = 'd' and ${USER_SCHEMA} and ${NOT_FROM_EXTENSION('t.oid')}`;

export interface RelationRow { oid: string; schema: string; name: string; kind: string; comment: string | null; definition: string | null }
export interface ColumnRow {
  oid: string; position: number; name: string; native_type: string; nullable: boolean; default_expr: string | null; identity: string;
  generated: string; comment: string | null; typmod: number; type_name: string; type_kind: string; type_schema: string; domain_typmod: number;
  base_name: string; base_kind: string; base_schema: string; element_name: string | null; element_kind: string | null;
  element_schema: string | null; element_domain: string | null; element_domain_schema: string | null; element_typmod: number | null;
}
export interface ConstraintRow {
  oid: string; name: string; kind: string; ref_schema: string | null; ref_table: string | null; on_update: string; on_delete: string;
  definition: string; columns: string[] | null; ref_columns: string[] | null;
}
export interface IndexRow { oid: string; name: string; unique: boolean; predicate: string | null; columns: string[] }
export interface EnumRow { schema: string; name: string; values: string[] }
export interface DomainRow {
  schema: string; name: string; native_type: string; nullable: boolean; default_expr: string | null; base_name: string; base_kind: string;
  base_schema: string; typmod: number; checks: { name: string; definition: string }[];
}
