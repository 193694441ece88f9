/**
 * Catalog queries of the native schema reader. They run with `search_path = pg_catalog`, so that every name the
 * server's deparsers print (pg_get_viewdef, pg_get_functiondef, pg_get_expr, format_type, regprocedure) carries its
 * schema, as pg_dump reads them. Each object comes with its catalog keys (`pg_class:1234`), by which pg_depend's
 * edges are mapped onto units.
 */

/** Schemas of the system and of extensions are not the tenant's. */
const USER_NS = (n: string) => `${n}.nspname !~ '^pg_' and ${n}.nspname <> 'information_schema'`;
const NOT_EXTENSION = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_depend x where x.classid = '${catalog}'::regclass and x.objid = ${oid} and x.deptype = 'e')`;
/** What the copy carries (relations, types, routines, constraints, defaults, triggers, policies, views' rules) and needs this object. */
const NEEDED = (catalog: string, oid: string) =>
  `(select array_agg(regexp_replace(pg_describe_object(d.classid, d.objid, d.objsubid), '^rule _RETURN on ', '') order by 1) from pg_depend d where d.refclassid = '${catalog}'::regclass
    and d.refobjid = ${oid} and d.deptype in ('n', 'a') and d.classid in ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass,
    'pg_constraint'::regclass, 'pg_attrdef'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass, 'pg_rewrite'::regclass,
    'pg_foreign_server'::regclass, 'pg_statistic_ext'::regclass, 'pg_cast'::regclass))`;
/** Objects the server made for another one (a range type's constructors and casts): they come with it. */
const NOT_INTERNAL = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_depend x where x.classid = '${catalog}'::regclass and x.objid = ${oid} and x.deptype = 'i')`;
const KEY = (catalog: string, oid: string) => `case when ${oid} <> 0 then '${catalog}:' || ${oid}::int8 end`;
/** Roles as SQL names; PUBLIC is grantee 0. */
const ROLE = (oid: string) => `case when ${oid} = 0 then 'PUBLIC' else quote_ident(pg_get_userbyid(${oid})) end`;

/**
 * `kind` is the SQL for acldefault's object type ('r', 's', 'f', 'n', 'T', 'S').
 * An object's ACL and the default it would have, both as [grantee, privilege, grantable] triples in array order;
 * a null ACL means the default (nothing to grant).
 */
const aclTriples = (
  acl: string,
) => `coalesce((select json_agg(json_build_array(${ROLE('x.grantee')}, x.privilege_type, x.is_grantable, ${ROLE('x.grantor')}) order by x.n)
    from aclexplode(${acl}) with ordinality x(grantor, grantee, privilege_type, is_grantable, n)), '[]')`;
const aclPair = (acl: string, kind: string, owner: string) => ({
  actual: `case when ${acl} is not null then ${aclTriples(acl)} end`,
  fallback: `case when ${acl} is not null then ${aclTriples(`acldefault(${kind}, ${owner})`)} end`,
});
export const ACL = (acl: string, kind: string, owner: string) => {
  const { actual, fallback } = aclPair(acl, kind, owner);
  return `${actual} as acl, ${fallback} as acl_default`;
};

export const SELF = `select quote_ident(current_user) as self, current_setting('server_version_num')::int as version`;

export const SCHEMAS = `
select ${KEY('pg_namespace', 'n.oid')} as key, quote_ident(n.nspname) as q, quote_ident(pg_get_userbyid(n.nspowner)) as owner,
  obj_description(n.oid, 'pg_namespace') as comment, ${ACL('n.nspacl', "'n'", 'n.nspowner')}
from pg_namespace n where ${USER_NS('n')} and ${NOT_EXTENSION('pg_namespace', 'n.oid')}`;

export const EXTENSIONS = `
select ${KEY('pg_extension', 'e.oid')} as key, quote_ident(e.extname) as q, e.extname as name, quote_ident(n.nspname) as schema, e.extversion as version,
  -- Its comment only when the tenant changed it: the extension's own comes with it (and only its owner may set one).
  nullif(obj_description(e.oid, 'pg_extension'), (select a.comment from pg_available_extensions a where a.name = e.extname)) as comment
from pg_extension e join pg_namespace n on n.oid = e.extnamespace`;

/**
 * Collations, with the locale wherever this major keeps it (PostgreSQL 15/16 `colliculocale`, 17 `colllocale`):
 * read through to_jsonb so one query serves every version.
 */
export const COLLATIONS = `
select ${KEY('pg_collation', 'c.oid')} as key, format('%I.%I', n.nspname, c.collname) as q, quote_ident(pg_get_userbyid(c.collowner)) as owner,
  obj_description(c.oid, 'pg_collation') as comment, c.collprovider as provider, c.collisdeterministic as deterministic,
  c.collcollate as lc_collate, c.collctype as lc_ctype,
  coalesce(to_jsonb(c)->>'colllocale', to_jsonb(c)->>'colliculocale') as locale, to_jsonb(c)->>'collicurules' as rules
from pg_collation c join pg_namespace n on n.oid = c.collnamespace
where ${USER_NS('n')} and ${NOT_EXTENSION('pg_collation', 'c.oid')}`;

/** Every object an extension installed, mapped onto the extension (an object using its type depends on it). */
export const EXTENSION_MEMBERS = `
select d.classid::regclass::text || ':' || d.objid::int8 as key, ${KEY('pg_extension', 'd.refobjid')} as extension
from pg_depend d where d.deptype = 'e' and d.refclassid = 'pg_extension'::regclass`;

export const TYPES = `
select ${KEY('pg_type', 't.oid')} as key, t.typtype as kind, format('%I.%I', n.nspname, t.typname) as q, t.typname as name,
  quote_ident(pg_get_userbyid(t.typowner)) as owner, obj_description(t.oid, 'pg_type') as comment, ${ACL('t.typacl', "'T'", 't.typowner')},
  array_remove(array[${KEY('pg_type', 't.typarray')}, ${KEY('pg_class', 't.typrelid')},
    (select ${KEY('pg_type', 'r.rngmultitypid')} from pg_range r where r.rngtypid = t.oid),
    (select ${KEY('pg_type', 'mt.typarray')} from pg_range r join pg_type mt on mt.oid = r.rngmultitypid where r.rngtypid = t.oid)], null) as also,
  case when t.typtype = 'e' then (select array_agg(quote_literal(e.enumlabel) order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) end as labels,
  case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base,
  case when t.typtype = 'd' then pg_get_expr(t.typdefaultbin, 0) end as default_expr,
  t.typnotnull as not_null,
  case when t.typcollation <> 0 and t.typcollation <> (select b.typcollation from pg_type b where b.oid = t.typbasetype)
    then (select format('%I.%I', cn.nspname, co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = t.typcollation) end as collation,
  case when t.typtype = 'd' then (select json_agg(json_build_array(quote_ident(c.conname), c.contype, pg_get_constraintdef(c.oid), ${KEY('pg_constraint', 'c.oid')}, c.conname,
      obj_description(c.oid, 'pg_constraint')) order by c.conname)
    from pg_constraint c where c.contypid = t.oid) end as constraints,
  case when t.typtype = 'c' then (select json_agg(json_build_array(quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
      case when a.attcollation <> 0 and a.attcollation <> at.typcollation
        then (select format('%I.%I', cn.nspname, co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) end,
      col_description(t.typrelid, a.attnum)) order by a.attnum)
    from pg_attribute a join pg_type at on at.oid = a.atttypid where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) end as attributes,
  case when t.typtype = 'r' then (select json_build_object(
      'subtype', format_type(r.rngsubtype, null),
      'opclass', case when not oc.opcdefault then format('%I.%I', ocn.nspname, oc.opcname) end,
      'collation', case when r.rngcollation <> 0 and r.rngcollation <> (select s.typcollation from pg_type s where s.oid = r.rngsubtype)
        then (select format('%I.%I', cn.nspname, co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = r.rngcollation) end,
      'canonical', case when r.rngcanonical <> 0 then r.rngcanonical::regproc::text end,
      'diff', case when r.rngsubdiff <> 0 then r.rngsubdiff::regproc::text end,
      'multirange', (select format('%I.%I', mn.nspname, m.typname) from pg_type m join pg_namespace mn on mn.oid = m.typnamespace where m.oid = r.rngmultitypid))
    from pg_range r join pg_opclass oc on oc.oid = r.rngsubopc join pg_namespace ocn on ocn.oid = oc.opcnamespace where r.rngtypid = t.oid) end as range
from pg_type t join pg_namespace n on n.oid = t.typnamespace
where ${USER_NS('n')} and ${NOT_EXTENSION('pg_type', 't.oid')}
  and (t.typtype in ('e', 'd', 'r', 'b') or (t.typtype = 'c' and (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c'))
  and not (t.typtype = 'b' and (t.typcategory = 'A' or exists (select 1 from pg_type e where e.typarray = t.oid)))`;

export const ROUTINES = `
select ${KEY('pg_proc', 'p.oid')} as key, p.prokind as kind, p.oid::regprocedure::text as q,
  p.proname as name, quote_ident(pg_get_userbyid(p.proowner)) as owner, obj_description(p.oid, 'pg_proc') as comment,
  ${ACL('p.proacl', "'f'", 'p.proowner')},
  case when p.prokind <> 'a' then pg_get_functiondef(p.oid) end as definition,
  case when p.prokind = 'a' then (select json_build_object(
      'args', case when p.pronargs = 0 then '*' else pg_get_function_arguments(p.oid) end,
      'aggkind', a.aggkind, 'sfunc', a.aggtransfn::regproc::text, 'stype', format_type(a.aggtranstype, null),
      'sspace', nullif(a.aggtransspace, 0), 'finalfunc', nullif(a.aggfinalfn::regproc::text, '-'), 'finalextra', a.aggfinalextra,
      'combinefunc', nullif(a.aggcombinefn::regproc::text, '-'), 'serialfunc', nullif(a.aggserialfn::regproc::text, '-'),
      'deserialfunc', nullif(a.aggdeserialfn::regproc::text, '-'), 'initcond', a.agginitval,
      'msfunc', nullif(a.aggmtransfn::regproc::text, '-'), 'sortop', case when a.aggsortop <> 0 then a.aggsortop::regoperator::text end,
      'parallel', p.proparallel)
    from pg_aggregate a where a.aggfnoid = p.oid) end as aggregate
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where ${USER_NS('n')} and ${NOT_EXTENSION('pg_proc', 'p.oid')} and ${NOT_INTERNAL('pg_proc', 'p.oid')}`;

/** Identity columns' sequences, by table and column. */
const IDENTITY_SEQUENCE = `(select json_build_object('q', format('%I.%I', sn.nspname, sc.relname), 'key', ${KEY('pg_class', 'sc.oid')},
    'type', format_type(s.seqtypid, null), 'start', s.seqstart::text, 'increment', s.seqincrement::text, 'min', s.seqmin::text,
    'max', s.seqmax::text, 'cache', s.seqcache::text, 'cycle', s.seqcycle, 'comment', obj_description(sc.oid, 'pg_class'),
    'owner', quote_ident(pg_get_userbyid(sc.relowner)), 'acl', ${aclPair('sc.relacl', "'s'", 'sc.relowner').actual},
    'acl_default', ${aclPair('sc.relacl', "'s'", 'sc.relowner').fallback})
  from pg_depend d join pg_class sc on sc.oid = d.objid join pg_namespace sn on sn.oid = sc.relnamespace join pg_sequence s on s.seqrelid = sc.oid
  where d.classid = 'pg_class'::regclass and d.refobjid = c.oid and d.refobjsubid = a.attnum and d.deptype = 'i')`;

export const RELATIONS = `
select ${KEY('pg_class', 'c.oid')} as key, c.relkind as kind, quote_ident(n.nspname) as schema_q, n.nspname as schema, c.relname as name,
  format('%I.%I', n.nspname, c.relname) as q, quote_ident(pg_get_userbyid(c.relowner)) as owner,
  obj_description(c.oid, 'pg_class') as comment, ${ACL('c.relacl', `(case when c.relkind = 'S' then 's' else 'r' end)::"char"`, 'c.relowner')},
  array_remove(array[${KEY('pg_type', 'c.reltype')}, (select ${KEY('pg_type', 't.typarray')} from pg_type t where t.oid = c.reltype),
    (select ${KEY('pg_rewrite', 'r.oid')} from pg_rewrite r where r.ev_class = c.oid and r.rulename = '_RETURN')], null) as also,
  c.relpersistence as persistence, c.relispartition as is_partition, c.reloptions as options,
  (select t.reloptions from pg_class t where t.oid = c.reltoastrelid) as toast_options, c.relrowsecurity as row_security,
  c.relforcerowsecurity as force_row_security, c.relreplident as replica_identity, c.relhassubclass as has_children,
  case when c.relam <> 0 and c.relkind in ('r', 'm') then (select amname from pg_am where oid = c.relam) end as access_method,
  c.relispopulated as populated, c.reloftype <> 0 as typed, greatest(c.reltuples, 0)::int8 as estimated_rows, pg_relation_size(c.oid) as bytes,
  not exists (select 1 from pg_attribute a join pg_type t on t.oid = a.atttypid
    left join pg_type b on b.oid = t.typbasetype left join pg_type e on e.oid = coalesce(nullif(b.typelem, 0), t.typelem)
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      and (t.typsend = 0 or t.typreceive = 0 or b.typsend = 0 or b.typreceive = 0 or e.typsend = 0 or e.typreceive = 0)) as binary_io,
  case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
  case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
  (select json_agg(format('%I.%I', pn.nspname, pc.relname) order by i.inhseqno) from pg_inherits i join pg_class pc on pc.oid = i.inhparent
    join pg_namespace pn on pn.oid = pc.relnamespace where i.inhrelid = c.oid) as parents,
  case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as view_definition,
  (select json_build_object('server', quote_ident(fs.srvname), 'options', ft.ftoptions) from pg_foreign_table ft
    join pg_foreign_server fs on fs.oid = ft.ftserver where ft.ftrelid = c.oid) as foreign_table,
  case when c.relkind = 'S' then (select json_build_object('type', format_type(s.seqtypid, null), 'start', s.seqstart::text,
      'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text, 'cache', s.seqcache::text, 'cycle', s.seqcycle,
      'identity', exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i'),
      'owned_by', (select json_build_object('table', format('%I.%I', tn.nspname, tc.relname), 'column', quote_ident(ta.attname)) from pg_depend d join pg_class tc on tc.oid = d.refobjid
        join pg_namespace tn on tn.oid = tc.relnamespace join pg_attribute ta on ta.attrelid = tc.oid and ta.attnum = d.refobjsubid
        where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')))
    from pg_sequence s where s.seqrelid = c.oid) end as sequence,
  (select json_agg(json_build_object(
      'name', a.attname, 'q', quote_ident(a.attname), 'type', format_type(a.atttypid, a.atttypmod), 'not_null', a.attnotnull,
      'local', a.attislocal, 'identity', a.attidentity, 'generated', a.attgenerated,
      'expression', case when a.attgenerated <> '' then (select pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d where d.adrelid = a.attrelid and d.adnum = a.attnum) end,
      'collation', case when a.attcollation <> 0 and a.attcollation <> t.typcollation
        then (select format('%I.%I', cn.nspname, co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) end,
      'statistics', nullif(a.attstattarget::int, -1), 'storage', case when a.attstorage <> t.typstorage then a.attstorage end,
      'compression', nullif(a.attcompression::text, ''), 'options', a.attoptions, 'fdw_options', a.attfdwoptions,
      'comment', col_description(c.oid, a.attnum),
      'acl', (select json_agg(json_build_array(${ROLE('x.grantee')}, x.privilege_type, x.is_grantable, ${ROLE('x.grantor')}) order by x.n)
        from aclexplode(a.attacl) with ordinality x(grantor, grantee, privilege_type, is_grantable, n)),
      'identity_sequence', case when a.attidentity <> '' then ${IDENTITY_SEQUENCE} end,
      'not_null_constraint', (select json_build_object('name', quote_ident(nc.conname), 'named', nc.conname <> c.relname || '_' || a.attname || '_not_null',
          'validated', nc.convalidated, 'no_inherit', nc.connoinherit, 'local', nc.conislocal)
        from pg_constraint nc where nc.conrelid = c.oid and nc.contype = 'n' and nc.conkey = array[a.attnum])
    ) order by a.attnum)
    from pg_attribute a join pg_type t on t.oid = a.atttypid
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
  (select json_agg(json_build_array(quote_ident(a.attname), format_type(a.atttypid, a.atttypmod)) order by k.n) from pg_index i cross join lateral unnest(i.indkey) with ordinality k(attnum, n)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum where i.indrelid = c.oid and i.indisprimary) as primary_key
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and ${USER_NS('n')} and ${NOT_EXTENSION('pg_class', 'c.oid')}`;

export const DEFAULTS = `
select ${KEY('pg_attrdef', 'd.oid')} as key, format('%I.%I', n.nspname, c.relname) as table_q, c.relkind as table_kind, quote_ident(a.attname) as column_q,
  pg_get_expr(d.adbin, d.adrelid) as expression
from pg_attrdef d join pg_class c on c.oid = d.adrelid join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
where a.attgenerated = '' and ${USER_NS('n')} and ${NOT_EXTENSION('pg_class', 'c.oid')}`;

export const CONSTRAINTS = `
select ${KEY('pg_constraint', 'con.oid')} as key, con.contype as kind, quote_ident(con.conname) as name_q, format('%I.%I', n.nspname, c.relname) as table_q,
  c.relkind as table_kind, c.relhassubclass as has_children, pg_get_constraintdef(con.oid) as definition, con.convalidated as validated,
  con.conislocal as local, con.conparentid <> 0 as from_parent,
  case when con.conindid <> 0 and con.contype in ('p', 'u', 'x') then ${KEY('pg_class', 'con.conindid')} end as index_key,
  case when con.conparentid <> 0 and con.contype in ('p', 'u', 'x') then (select format('%I.%I', pn.nspname, pi.relname)
    from pg_constraint pc join pg_class pi on pi.oid = pc.conindid join pg_namespace pn on pn.oid = pi.relnamespace where pc.oid = con.conparentid) end as parent_index_q,
  case when con.conparentid <> 0 then (select ${KEY('pg_constraint', 'pc.oid')} from pg_constraint pc where pc.oid = con.conparentid) end as parent_key,
  case when con.conindid <> 0 and con.contype in ('p', 'u', 'x') then (select format('%I.%I', xn.nspname, xi.relname) from pg_class xi
    join pg_namespace xn on xn.oid = xi.relnamespace where xi.oid = con.conindid) end as index_q,
  obj_description(con.oid, 'pg_constraint') as comment,
  (select obj_description(con.conindid, 'pg_class')) as index_comment
from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
where con.contype in ('c', 'p', 'u', 'x', 'f') and ${USER_NS('n')} and ${NOT_EXTENSION('pg_class', 'c.oid')}`;

export const INDEXES = `
select ${KEY('pg_class', 'ic.oid')} as key, format('%I.%I', n.nspname, ic.relname) as q, quote_ident(ic.relname) as name_q,
  format('%I.%I', tn.nspname, c.relname) as table_q, c.relkind as table_kind,
  (select ${KEY('pg_class', 'h.inhparent')} from pg_inherits h where h.inhrelid = ic.oid) as parent_key,
  pg_get_indexdef(i.indexrelid) as definition, i.indisclustered as clustered, i.indisreplident as replica_identity, i.indisvalid as valid,
  (select format('%I.%I', pn.nspname, pc.relname) from pg_inherits h join pg_class pc on pc.oid = h.inhparent
    join pg_namespace pn on pn.oid = pc.relnamespace where h.inhrelid = ic.oid) as parent_q,
  obj_description(ic.oid, 'pg_class') as comment,
  (select json_agg(json_build_array(a.attnum, a.attstattarget::int)) from pg_attribute a where a.attrelid = ic.oid and coalesce(a.attstattarget::int, -1) >= 0) as statistics
from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_namespace n on n.oid = ic.relnamespace
join pg_class c on c.oid = i.indrelid join pg_namespace tn on tn.oid = c.relnamespace
where ${USER_NS('tn')} and ${NOT_EXTENSION('pg_class', 'c.oid')}
  and not exists (select 1 from pg_constraint con where con.conindid = i.indexrelid and con.contype in ('p', 'u', 'x'))`;

export const TRIGGERS = `
select ${KEY('pg_trigger', 'tg.oid')} as key, quote_ident(tg.tgname) as name_q, tg.tgname as name, format('%I.%I', n.nspname, c.relname) as table_q,
  pg_get_triggerdef(tg.oid) as definition, tg.tgenabled as enabled, obj_description(tg.oid, 'pg_trigger') as comment,
  case when tg.tgconstraint <> 0 then ${KEY('pg_constraint', 'tg.tgconstraint')} end as constraint_key
from pg_trigger tg join pg_class c on c.oid = tg.tgrelid join pg_namespace n on n.oid = c.relnamespace
where not tg.tgisinternal and tg.tgparentid = 0 and ${USER_NS('n')} and ${NOT_EXTENSION('pg_class', 'c.oid')}`;

/** A partitioned table's trigger cloned onto a partition, where the partition has it in another state (disabled…). */
export const CLONED_TRIGGER_STATES = `
select ${KEY('pg_trigger', 'tg.oid')} as key, quote_ident(tg.tgname) as name_q, format('%I.%I', n.nspname, c.relname) as table_q, tg.tgenabled as enabled,
  ${KEY('pg_trigger', 'p.oid')} as parent_key
from pg_trigger tg join pg_trigger p on p.oid = tg.tgparentid join pg_class c on c.oid = tg.tgrelid join pg_namespace n on n.oid = c.relnamespace
where tg.tgenabled <> p.tgenabled and ${USER_NS('n')}`;

export const RULES = `
select ${KEY('pg_rewrite', 'r.oid')} as key, quote_ident(r.rulename) as name_q, format('%I.%I', n.nspname, c.relname) as table_q,
  pg_get_ruledef(r.oid) as definition, r.ev_enabled as enabled, obj_description(r.oid, 'pg_rewrite') as comment
from pg_rewrite r join pg_class c on c.oid = r.ev_class join pg_namespace n on n.oid = c.relnamespace
where r.rulename <> '_RETURN' and ${USER_NS('n')} and ${NOT_EXTENSION('pg_class', 'c.oid')}`;

export const POLICIES = `
select ${KEY('pg_policy', 'p.oid')} as key, quote_ident(p.polname) as name_q, format('%I.%I', n.nspname, c.relname) as table_q,
  p.polcmd as command, p.polpermissive as permissive,
  (select array_agg(${ROLE('r')} order by ${ROLE('r')}) from unnest(p.polroles) r) as roles,
  pg_get_expr(p.polqual, p.polrelid) as using_expr, pg_get_expr(p.polwithcheck, p.polrelid) as check_expr,
  obj_description(p.oid, 'pg_policy') as comment
from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
where ${USER_NS('n')}`;

export const CASTS = `
select ${KEY('pg_cast', 'ca.oid')} as key, format_type(ca.castsource, null) as source, format_type(ca.casttarget, null) as target,
  ca.castmethod as method, ca.castcontext as context, case when ca.castfunc <> 0 then ca.castfunc::regprocedure::text end as function,
  obj_description(ca.oid, 'pg_cast') as comment
from pg_cast ca where ca.oid >= 16384 and ${NOT_EXTENSION('pg_cast', 'ca.oid')} and ${NOT_INTERNAL('pg_cast', 'ca.oid')}`;

export const STATISTICS = `
select ${KEY('pg_statistic_ext', 's.oid')} as key, format('%I.%I', n.nspname, s.stxname) as q, pg_get_statisticsobjdef(s.oid) as definition,
  format('%I.%I', tn.nspname, c.relname) as table_q, quote_ident(pg_get_userbyid(s.stxowner)) as owner, nullif(s.stxstattarget::int, -1) as target,
  obj_description(s.oid, 'pg_statistic_ext') as comment
from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace join pg_class c on c.oid = s.stxrelid
join pg_namespace tn on tn.oid = c.relnamespace
where ${USER_NS('n')} and ${NOT_EXTENSION('pg_statistic_ext', 's.oid')}`;

export const SERVERS = `
select ${KEY('pg_foreign_server', 's.oid')} as key, quote_ident(s.srvname) as q, quote_ident(w.fdwname) as wrapper, s.srvtype as type,
  s.srvversion as version, s.srvoptions as options, quote_ident(pg_get_userbyid(s.srvowner)) as owner,
  obj_description(s.oid, 'pg_foreign_server') as comment, ${ACL('s.srvacl', "'S'", 's.srvowner')}
from pg_foreign_server s join pg_foreign_data_wrapper w on w.oid = s.srvfdw
where ${NOT_EXTENSION('pg_foreign_server', 's.oid')}`;

export const DEFAULT_PRIVILEGES = `
select ${KEY('pg_default_acl', 'd.oid')} as key, quote_ident(pg_get_userbyid(d.defaclrole)) as role,
  case when d.defaclnamespace <> 0 then (select quote_ident(nspname) from pg_namespace where oid = d.defaclnamespace) end as schema_q,
  case when d.defaclnamespace <> 0 then ${KEY('pg_namespace', 'd.defaclnamespace')} end as schema_key,
  d.defaclobjtype as object_type,
  ${ACL('d.defaclacl', `(case d.defaclobjtype when 'S' then 's' else d.defaclobjtype end)::"char"`, 'd.defaclrole')}
from pg_default_acl d`;

/** Normal and automatic dependencies between user objects (system objects are below oid 16384). */
export const DEPENDENCIES = `
select d.classid::regclass::text || ':' || d.objid::int8 as key, d.refclassid::regclass::text || ':' || d.refobjid::int8 as ref,
  d.refobjsubid <> 0 as ref_column
from pg_depend d where d.deptype in ('n', 'a') and d.objid >= 16384 and d.refobjid >= 16384`;

/**
 * User objects of kinds the reader does not recreate; each is reported by kind and name, with the objects the copy
 * does carry that need it (a column, an index, a view): without it those cannot be created, so its loss cannot be
 * accepted.
 */
export const UNSUPPORTED = `
select 'operator' as kind, o.oid::regoperator::text as name, ${NEEDED('pg_operator', 'o.oid')} as needed_by, n.nspname as schema from pg_operator o join pg_namespace n on n.oid = o.oprnamespace
  where ${USER_NS('n')} and ${NOT_EXTENSION('pg_operator', 'o.oid')}
union all select 'operator class', format('%I.%I', n.nspname, o.opcname), ${NEEDED('pg_opclass', 'o.oid')}, n.nspname from pg_opclass o join pg_namespace n on n.oid = o.opcnamespace
  where ${USER_NS('n')} and ${NOT_EXTENSION('pg_opclass', 'o.oid')}
union all select 'operator family', format('%I.%I', n.nspname, o.opfname), ${NEEDED('pg_opfamily', 'o.oid')}, n.nspname from pg_opfamily o join pg_namespace n on n.oid = o.opfnamespace
  where ${USER_NS('n')} and ${NOT_EXTENSION('pg_opfamily', 'o.oid')}
union all select 'text search configuration', format('%I.%I', n.nspname, o.cfgname), ${NEEDED('pg_ts_config', 'o.oid')}, n.nspname from pg_ts_config o join pg_namespace n on n.oid = o.cfgnamespace
  where ${USER_NS('n')} and ${NOT_EXTENSION('pg_ts_config', 'o.oid')}
union all select 'text search dictionary', format('%I.%I', n.nspname, o.dictname), ${NEEDED('pg_ts_dict', 'o.oid')}, n.nspname from pg_ts_dict o join pg_namespace n on n.oid = o.dictnamespace
  where ${USER_NS('n')} and ${NOT_EXTENSION('pg_ts_dict', 'o.oid')}
union all select 'conversion', format('%I.%I', n.nspname, o.conname), ${NEEDED('pg_conversion', 'o.oid')}, n.nspname from pg_conversion o join pg_namespace n on n.oid = o.connamespace
  where ${USER_NS('n')} and ${NOT_EXTENSION('pg_conversion', 'o.oid')}
union all select 'event trigger', quote_ident(o.evtname), null, null from pg_event_trigger o where ${NOT_EXTENSION('pg_event_trigger', 'o.oid')}
union all select 'publication', quote_ident(o.pubname), null, null from pg_publication o
union all select 'language', quote_ident(o.lanname), ${NEEDED('pg_language', 'o.oid')}, null from pg_language o where o.oid >= 16384 and ${NOT_EXTENSION('pg_language', 'o.oid')}
union all select 'foreign-data wrapper', quote_ident(o.fdwname), ${NEEDED('pg_foreign_data_wrapper', 'o.oid')}, null from pg_foreign_data_wrapper o where ${NOT_EXTENSION('pg_foreign_data_wrapper', 'o.oid')}
union all select 'user mapping (holds credentials)', quote_ident(u.srvname) || ' for ' || quote_ident(u.usename), null, null
  from pg_user_mappings u
union all select 'access method', quote_ident(o.amname), ${NEEDED('pg_am', 'o.oid')}, null from pg_am o where o.oid >= 16384 and ${NOT_EXTENSION('pg_am', 'o.oid')}
union all select 'transform', o.oid::text, ${NEEDED('pg_transform', 'o.oid')}, null from pg_transform o where ${NOT_EXTENSION('pg_transform', 'o.oid')}
union all select 'large object', o.oid::text, null, null from pg_largeobject_metadata o
union all select 'typed table', format('%I.%I', n.nspname, c.relname), null, n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.reloftype <> 0 and ${USER_NS('n')} and ${NOT_EXTENSION('pg_class', 'c.oid')}
union all select 'relation in a tablespace', format('%I.%I', n.nspname, c.relname), null, n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.reltablespace <> 0 and ${USER_NS('n')} and ${NOT_EXTENSION('pg_class', 'c.oid')}
union all select 'security label', s.provider || ' on ' || s.classoid::regclass::text || ' ' || s.objoid, null, null from pg_seclabel s`;

/** Current positions of sequences, one select per sequence (a sequence is read as a one-row relation). */
export function sequenceValues(names: readonly string[]): string {
  return names
    .map(
      (q) => `select ${quoteLiteral(q)} as name, last_value::text as last_value, is_called,
      (select seqincrement::text from pg_sequence where seqrelid = ${quoteLiteral(q)}::regclass) as increment from ${q}`,
    )
    .join('\nunion all ');
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
