import { type Draft, type Drafts, unitId } from './draft.ts';
import { type AclTriple, aclStatements, commentOn, literal, optionList, unquote } from './sql-text.ts';

/** Builders for the objects that are not relations: schemas, extensions, collations, types, routines, casts, servers, default privileges. */

interface Owned {
  key: string;
  q: string;
  owner: string;
  comment: string | null;
  acl: AclTriple[] | null;
  acl_default: AclTriple[] | null;
}

export function buildSchemas(drafts: Drafts, rows: Owned[]): void {
  for (const s of rows) {
    const sql = [
      // `public` exists in every new database, with its own owner, privileges and comment: the clone drops the
      // empty one first (see clone), so that here it is created like any other schema and ends up as the source's.
      `CREATE SCHEMA ${s.q}`,
      ...drafts.roles.owner(`SCHEMA ${s.q}`, s.owner),
      ...commentOn(`SCHEMA ${s.q}`, s.comment),
    ];
    const unit = drafts.add({ id: unitId('schema', s.q), kind: 'schema', name: s.q, table: null, section: 'pre', sql, keys: [s.key] });
    drafts.grant(unit, aclStatements(`SCHEMA ${s.q}`, s.acl, s.acl_default, drafts.roles, s.owner));
  }
}

export function buildExtensions(
  drafts: Drafts,
  rows: { key: string; q: string; schema: string; comment: string | null }[],
  members: { key: string; extension: string }[],
): void {
  const byExtension = new Map<string, string[]>();
  for (const m of members) byExtension.set(m.extension, [...(byExtension.get(m.extension) ?? []), m.key]);
  for (const e of rows) {
    // No version: the target installs the one it has (pg_dump does the same); a missing extension is a finding.
    drafts.add({
      id: unitId('extension', e.q),
      kind: 'extension',
      name: e.q,
      table: null,
      section: 'pre',
      sql: [`CREATE EXTENSION IF NOT EXISTS ${e.q} WITH SCHEMA ${e.schema}`, ...commentOn(`EXTENSION ${e.q}`, e.comment)],
      keys: [e.key, ...(byExtension.get(e.key) ?? [])],
    });
  }
}

interface CollationRow extends Omit<Owned, 'acl' | 'acl_default'> {
  provider: string;
  deterministic: boolean;
  lc_collate: string | null;
  lc_ctype: string | null;
  locale: string | null;
  rules: string | null;
}

/** CREATE COLLATION with the options pg_dump writes for each provider (libc, ICU, PostgreSQL 17's builtin). */
export function buildCollations(drafts: Drafts, rows: CollationRow[]): void {
  for (const c of rows) {
    const options: string[] = [];
    if (c.provider === 'c') {
      options.push('provider = libc');
      if (c.lc_collate === c.lc_ctype) options.push(`locale = ${literal(c.lc_collate ?? '')}`);
      else options.push(`lc_collate = ${literal(c.lc_collate ?? '')}`, `lc_ctype = ${literal(c.lc_ctype ?? '')}`);
    } else {
      options.push(`provider = ${c.provider === 'i' ? 'icu' : 'builtin'}`, `locale = ${literal(c.locale ?? c.lc_collate ?? '')}`);
      if (c.rules) options.push(`rules = ${literal(c.rules)}`);
    }
    if (!c.deterministic) options.push('deterministic = false');
    const sql = [
      `CREATE COLLATION ${c.q} (${options.join(', ')})`,
      ...drafts.roles.owner(`COLLATION ${c.q}`, c.owner),
      ...commentOn(`COLLATION ${c.q}`, c.comment),
    ];
    drafts.add({ id: unitId('collation', c.q), kind: 'collation', name: c.q, table: null, section: 'pre', sql, keys: [c.key] });
  }
}

interface TypeRow extends Owned {
  kind: string;
  name: string;
  also: string[];
  labels: string[] | null;
  base: string | null;
  default_expr: string | null;
  not_null: boolean;
  collation: string | null;
  constraints: [name: string, kind: string, definition: string, key: string, bare: string, comment: string | null][] | null;
  attributes: [name: string, type: string, collation: string | null, comment: string | null][] | null;
  range: { subtype: string; opclass: string | null; collation: string | null; canonical: string | null; diff: string | null; multirange: string } | null;
}

export function buildTypes(drafts: Drafts, rows: TypeRow[]): void {
  const later: Parameters<Drafts['add']>[0][] = [];
  for (const t of rows) {
    let kind: Draft['kind'];
    const sql: string[] = [];
    const keys = [t.key, ...t.also];
    if (t.kind === 'e') {
      kind = 'enum';
      sql.push(`CREATE TYPE ${t.q} AS ENUM (${(t.labels ?? []).join(', ')})`);
    } else if (t.kind === 'd') {
      kind = 'domain';
      const parts = [`CREATE DOMAIN ${t.q} AS ${t.base}`];
      if (t.collation) parts.push(`COLLATE ${t.collation}`);
      if (t.default_expr !== null) parts.push(`DEFAULT ${t.default_expr}`);
      // PostgreSQL 18 names a domain's NOT NULL; the default name reads as a plain NOT NULL, as on older servers.
      const namedNotNull = (t.constraints ?? []).find((c) => c[1] === 'n' && c[4] !== `${t.name}_not_null`);
      if (namedNotNull) parts.push(`CONSTRAINT ${namedNotNull[0]} NOT NULL`);
      else if (t.not_null) parts.push('NOT NULL');
      sql.push(parts.join(' '));
      for (const [name, ckind, definition, key, , comment] of t.constraints ?? []) {
        if (ckind === 'n') continue;
        const statements = [`ALTER DOMAIN ${t.q} ADD CONSTRAINT ${name} ${definition}`, ...commentOn(`CONSTRAINT ${name} ON DOMAIN ${t.q}`, comment)];
        if (/ NOT VALID$/.test(definition)) {
          // Rows the source let in before the check existed would fail it: added after the load, still NOT VALID.
          later.push({
            id: unitId('domain-check', `${t.q} ${name}`),
            kind: 'check',
            name: `${t.q} ${name}`,
            table: null,
            section: 'post',
            sql: statements,
            keys: [key],
            deps: [unitId('type', t.q)],
            needsRows: '*',
          });
          continue;
        }
        sql.push(...statements);
        keys.push(key);
      }
    } else if (t.kind === 'c') {
      kind = 'composite-type';
      const attributes = (t.attributes ?? []).map(([name, type, collation]) => `${name} ${type}${collation ? ` COLLATE ${collation}` : ''}`);
      sql.push(`CREATE TYPE ${t.q} AS (${attributes.join(', ')})`);
      for (const [name, , , comment] of t.attributes ?? []) sql.push(...commentOn(`COLUMN ${t.q}.${name}`, comment));
    } else if (t.kind === 'r' && t.range && !t.range.canonical) {
      kind = 'range-type';
      const r = t.range;
      const options = [`subtype = ${r.subtype}`, `multirange_type_name = ${r.multirange}`];
      if (r.opclass) options.push(`subtype_opclass = ${r.opclass}`);
      if (r.collation) options.push(`collation = ${r.collation}`);
      if (r.diff) options.push(`subtype_diff = ${r.diff}`);
      sql.push(`CREATE TYPE ${t.q} AS RANGE (${options.join(', ')})`);
    } else {
      // Base types need C functions and shell types; ranges with a canonical function need a shell type first.
      drafts.notRecreated(t.kind === 'r' ? 'range type with a canonical function' : 'base type', t.q, { key: t.key });
      continue;
    }
    sql.push(...drafts.roles.owner(`TYPE ${t.q}`, t.owner), ...commentOn(`${kind === 'domain' ? 'DOMAIN' : 'TYPE'} ${t.q}`, t.comment));
    const unit = drafts.add({ id: unitId('type', t.q), kind, name: t.q, table: null, section: 'pre', sql, keys });
    drafts.grant(unit, aclStatements(`${kind === 'domain' ? 'DOMAIN' : 'TYPE'} ${t.q}`, t.acl, t.acl_default, drafts.roles, t.owner));
  }
  for (const draft of later) drafts.add(draft);
}

interface RoutineRow extends Owned {
  kind: string;
  name: string;
  definition: string | null;
  aggregate: {
    args: string;
    aggkind: string;
    sfunc: string;
    stype: string;
    sspace: number | null;
    finalfunc: string | null;
    finalextra: boolean;
    combinefunc: string | null;
    serialfunc: string | null;
    deserialfunc: string | null;
    initcond: string | null;
    msfunc: string | null;
    sortop: string | null;
    parallel: string;
  } | null;
}

const PARALLEL: Record<string, string> = { s: 'SAFE', r: 'RESTRICTED', u: 'UNSAFE' };

export function buildRoutines(drafts: Drafts, rows: RoutineRow[]): void {
  for (const r of rows) {
    const word = r.kind === 'p' ? 'PROCEDURE' : r.kind === 'a' ? 'AGGREGATE' : 'FUNCTION';
    const kind = r.kind === 'p' ? 'procedure' : r.kind === 'a' ? 'aggregate' : 'function';
    let create: string;
    if (r.kind === 'a') {
      const a = r.aggregate!;
      if (a.aggkind !== 'n' || a.msfunc) {
        drafts.notRecreated(a.aggkind !== 'n' ? 'ordered-set aggregate' : 'moving-aggregate', r.q, { key: r.key });
        continue;
      }
      const name = r.q.slice(0, r.q.indexOf('('));
      const options = [`SFUNC = ${a.sfunc}`, `STYPE = ${a.stype}`];
      if (a.sspace) options.push(`SSPACE = ${a.sspace}`);
      if (a.finalfunc) options.push(`FINALFUNC = ${a.finalfunc}`);
      if (a.finalextra) options.push('FINALFUNC_EXTRA');
      if (a.combinefunc) options.push(`COMBINEFUNC = ${a.combinefunc}`);
      if (a.serialfunc) options.push(`SERIALFUNC = ${a.serialfunc}`, `DESERIALFUNC = ${a.deserialfunc}`);
      if (a.initcond !== null) options.push(`INITCOND = ${literal(a.initcond)}`);
      if (a.sortop) options.push(`SORTOP = OPERATOR(${a.sortop.slice(0, a.sortop.indexOf('('))})`);
      if (a.parallel !== 'u') options.push(`PARALLEL = ${PARALLEL[a.parallel]}`);
      create = `CREATE AGGREGATE ${name}(${a.args}) (${options.join(', ')})`;
    } else {
      // pg_get_functiondef prints the whole CREATE OR REPLACE, with its language, volatility, SECURITY DEFINER and SET
      // clauses; the trailing newline is the deparser's.
      create = r.definition!.trim();
    }
    const sql = [create, ...drafts.roles.owner(`${word} ${r.q}`, r.owner), ...commentOn(`${word} ${r.q}`, r.comment)];
    const unit = drafts.add({ id: unitId('routine', r.q), kind, name: r.q, table: null, section: 'pre', sql, keys: [r.key] });
    drafts.grant(unit, aclStatements(`${word === 'AGGREGATE' ? 'FUNCTION' : word} ${r.q}`, r.acl, r.acl_default, drafts.roles, r.owner));
  }
}

export function buildCasts(
  drafts: Drafts,
  rows: { key: string; source: string; target: string; method: string; context: string; function: string | null; comment: string | null }[],
): void {
  for (const c of rows) {
    const how = c.method === 'f' ? `WITH FUNCTION ${c.function}` : c.method === 'i' ? 'WITH INOUT' : 'WITHOUT FUNCTION';
    const context = c.context === 'i' ? ' AS IMPLICIT' : c.context === 'a' ? ' AS ASSIGNMENT' : '';
    const name = `(${c.source} AS ${c.target})`;
    drafts.add({
      id: unitId('cast', name),
      kind: 'cast',
      name,
      table: null,
      section: 'pre',
      sql: [`CREATE CAST ${name} ${how}${context}`, ...commentOn(`CAST ${name}`, c.comment)],
      keys: [c.key],
    });
  }
}

export function buildServers(
  drafts: Drafts,
  rows: (Owned & { wrapper: string; type: string | null; version: string | null; options: string[] | null })[],
): void {
  for (const s of rows) {
    const parts = [`CREATE SERVER ${s.q}`];
    if (s.type !== null) parts.push(`TYPE ${literal(s.type)}`);
    if (s.version !== null) parts.push(`VERSION ${literal(s.version)}`);
    parts.push(`FOREIGN DATA WRAPPER ${s.wrapper}`);
    if (s.options?.length) parts.push(`OPTIONS (${optionList(s.options)})`);
    const sql = [parts.join(' '), ...drafts.roles.owner(`SERVER ${s.q}`, s.owner), ...commentOn(`SERVER ${s.q}`, s.comment)];
    const unit = drafts.add({ id: unitId('server', s.q), kind: 'foreign-server', name: s.q, table: null, section: 'pre', sql, keys: [s.key] });
    drafts.grant(unit, aclStatements(`FOREIGN SERVER ${s.q}`, s.acl, s.acl_default, drafts.roles, s.owner));
  }
}

const OBJECT_TYPES: Record<string, string> = { r: 'TABLES', S: 'SEQUENCES', f: 'FUNCTIONS', T: 'TYPES', n: 'SCHEMAS' };

export function buildDefaultPrivileges(
  drafts: Drafts,
  rows: {
    key: string;
    role: string;
    schema_q: string | null;
    schema_key: string | null;
    object_type: string;
    acl: AclTriple[] | null;
    acl_default: AclTriple[] | null;
  }[],
): void {
  for (const d of rows) {
    const objects = OBJECT_TYPES[d.object_type]!;
    const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${drafts.roles.role(d.role)}${d.schema_q ? ` IN SCHEMA ${d.schema_q}` : ''}`;
    // In a schema the entries only add to the global defaults; globally they replace them (revokes included).
    const statements = aclStatements(`§`, d.acl, d.schema_q ? [] : d.acl_default, drafts.roles, d.role).map((s) => {
      const [verb, rest] = [s.slice(0, s.indexOf(' ')), s.slice(s.indexOf(' ') + 1)];
      return `${prefix} ${verb} ${rest.replace(' ON §', ` ON ${objects}`)}`;
    });
    const name = `${d.role}${d.schema_q ? ` in ${d.schema_q}` : ''} on ${objects.toLowerCase()}`;
    if (statements.length)
      drafts.add({
        id: unitId('default-privileges', name),
        kind: 'default-privileges',
        name,
        schema: d.schema_q ? unquote(d.schema_q) : null,
        table: null,
        section: 'pre',
        sql: statements,
        keys: [d.key],
        deps: d.schema_q ? [unitId('schema', d.schema_q)] : [],
      });
  }
}
