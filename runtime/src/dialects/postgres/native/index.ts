import { type Kysely, sql } from 'kysely';
import type { NativeReadOptions, NativeSchema, NativeSchemaDialect, SequenceState } from '../../native-schema.ts';
import {
  buildCasts,
  buildCollations,
  buildDefaultPrivileges,
  buildExtensions,
  buildRoutines,
  buildSchemas,
  buildServers,
  buildTypes,
} from './build-objects.ts';
import { buildClonedTriggerStates, buildConstraints, buildIndexes, buildPolicies, buildRules, buildStatistics, buildTriggers } from './build-post.ts';
import { buildDefaults, buildRelations, type RelationRow } from './build-relations.ts';
import { postgresNeutralDetailLosses } from './detail-losses.ts';
import { createPostgresPreData, createPostgresUnit, isNewPostgresDatabaseObject, postgresFinishStatements } from './apply.ts';
import { Drafts } from './draft.ts';
import { orderUnits } from './order.ts';
import * as Q from './queries.ts';
import { Roles } from './sql-text.ts';

type Rows = Record<string, any>[];

/**
 * Runs catalog reads in one read-only snapshot, with names printed schema-qualified (search_path = pg_catalog).
 * Inside a transaction already (a migration reading its schema) the reads join it, and the search_path it had is
 * put back afterwards.
 */
async function inCatalogSnapshot<T>(db: Kysely<any>, work: (run: (text: string) => Promise<Rows>) => Promise<T>): Promise<T> {
  if (db.isTransaction) {
    const saved = (await sql<{ path: string }>`select current_setting('search_path') as path`.execute(db)).rows[0]!.path;
    await sql`select set_config('search_path', 'pg_catalog', true)`.execute(db);
    try {
      return await work(async (text) => (await sql.raw<Record<string, any>>(text).execute(db)).rows);
    } finally {
      await sql`select set_config('search_path', ${saved}, true)`.execute(db);
    }
  }
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await sql`set local search_path = pg_catalog`.execute(trx);
      return work(async (text) => (await sql.raw<Record<string, any>>(text).execute(trx)).rows);
    });
}

/**
 * Reads a Postgres database's whole schema as native units: every object pg_dump --schema-only would print, built
 * from the server's own deparsers. Objects it cannot recreate are listed in `unsupported`.
 */
export async function readPostgresSchema(db: Kysely<any>, options: NativeReadOptions = {}): Promise<NativeSchema> {
  const exclude = new Set(options.excludeTables ?? []);
  const ownRoutines = new Set(options.excludeRoutines ?? []);
  const ownTriggers = new Set(options.excludeTriggers ?? []);
  return inCatalogSnapshot(db, async (run) => {
    const [self] = await run(Q.SELF);
    const roles = new Roles(self!.self);
    const drafts = new Drafts(roles);
    const [
      schemas,
      extensions,
      members,
      collations,
      types,
      routines,
      relations,
      defaults,
      constraints,
      indexes,
      triggers,
      clonedTriggers,
      rules,
      policies,
      casts,
      statistics,
      servers,
      privileges,
      edges,
      unsupported,
    ] = await sequential(run, [
      Q.SCHEMAS,
      Q.EXTENSIONS,
      Q.EXTENSION_MEMBERS,
      Q.COLLATIONS,
      Q.TYPES,
      Q.ROUTINES,
      Q.RELATIONS,
      Q.DEFAULTS,
      Q.CONSTRAINTS,
      Q.INDEXES,
      Q.TRIGGERS,
      Q.CLONED_TRIGGER_STATES,
      Q.RULES,
      Q.POLICIES,
      Q.CASTS,
      Q.STATISTICS,
      Q.SERVERS,
      Q.DEFAULT_PRIVILEGES,
      Q.DEPENDENCIES,
      Q.UNSUPPORTED,
    ]);
    buildSchemas(drafts, schemas as never);
    buildExtensions(drafts, extensions as never, members as never);
    buildCollations(drafts, collations as never);
    buildTypes(drafts, types as never);
    buildRoutines(drafts, (routines as { q: string }[]).filter((r) => !ownRoutines.has(r.q)) as never);
    const tables = buildRelations(drafts, relations as RelationRow[], exclude);
    buildDefaults(drafts, defaults as never, exclude);
    buildConstraints(drafts, constraints as never, exclude);
    buildIndexes(drafts, indexes as never, exclude);
    const ownTrigger = (name: string) => ownTriggers.has(name);
    buildTriggers(drafts, triggers as never, exclude, ownTrigger);
    buildClonedTriggerStates(drafts, clonedTriggers as never, exclude, ownTrigger);
    buildRules(drafts, rules as never, exclude);
    buildPolicies(drafts, policies as never, exclude);
    buildCasts(drafts, casts as never);
    buildStatistics(drafts, statistics as never, exclude);
    buildServers(drafts, servers as never);
    buildDefaultPrivileges(drafts, privileges as never);
    const units = orderUnits(drafts.list, edges as { key: string; ref: string; ref_column: boolean }[]);
    const sequenceRows = (relations as RelationRow[]).filter((r) => r.kind === 'S' && !exclude.has(r.q) && !exclude.has(r.sequence?.owned_by?.table ?? ''));
    const sequences =
      options.positions === false
        ? sequenceRows.map((r) => ({ name: r.q, lastValue: r.sequence!.start, isCalled: false, increment: r.sequence!.increment, ownedBy: null }))
        : await readSequenceStates(
            run,
            sequenceRows.map((r) => r.q),
          );
    for (const s of sequences) {
      const owner = sequenceRows.find((r) => r.q === s.name)?.sequence?.owned_by;
      s.ownedBy = owner ? `${owner.table}.${owner.column}` : null;
    }
    const excluded = (relations as RelationRow[]).filter((r) => exclude.has(r.q)).map((r) => r.q);
    drafts.markNeeded(edges as { key: string; ref: string }[]);
    const notRecreated = (unsupported as { kind: string; name: string; schema: string | null; needed_by: string[] | null }[]).map((u) => ({
      kind: u.kind,
      name: u.name,
      schema: u.schema,
      ...(u.needed_by ? { neededBy: u.needed_by } : {}),
    }));
    const fromDrafts = drafts.unsupported.map(({ key: _key, ...u }) => u);
    const relationNames = (relations as RelationRow[])
      .filter((r) => 'rpvmf'.includes(r.kind) && !exclude.has(r.q))
      .map((r) => ({ schema: r.schema, name: r.name, q: r.q }));
    return { version: Number(self!.version), units, tables, relations: relationNames, sequences, unsupported: [...fromDrafts, ...notRecreated], excluded };
  });
}

/** One query at a time: a transaction has one connection. */
async function sequential(run: (text: string) => Promise<Rows>, texts: string[]): Promise<Rows[]> {
  const out: Rows[] = [];
  for (const text of texts) out.push(await run(text));
  return out;
}

async function readSequenceStates(run: (text: string) => Promise<Rows>, names: readonly string[]): Promise<SequenceState[]> {
  const states: SequenceState[] = [];
  // A few hundred sequences per statement keeps each query small.
  for (let i = 0; i < names.length; i += 200) {
    const rows = await run(Q.sequenceValues(names.slice(i, i + 200)));
    for (const r of rows) states.push({ name: r.name, lastValue: r.last_value, isCalled: r.is_called, increment: r.increment, ownedBy: null });
  }
  return states;
}

/** Carries the result out of a transaction that must roll back. */
class Redeparsed extends Error {
  readonly bodies: string[];
  constructor(bodies: string[]) {
    super('redeparsed');
    this.bodies = bodies;
  }
}

/** What read() may list as unsupported: the UNSUPPORTED query's kinds, and those the builders find. */
const NOT_RECREATED_KINDS: readonly string[] = [
  ...[...Q.UNSUPPORTED.matchAll(/select '([^']+)'/g)].map((m) => m[1]!),
  'base type',
  'range type with a canonical function',
  'ordered-set aggregate',
  'moving-aggregate',
  'invalid index (left by a failed CREATE INDEX CONCURRENTLY)',
  "partition whose columns differ from its parent's (order or names)",
  "inheritance child whose columns are in another order than its parents' (columns added before INHERIT)",
];

export const postgresNativeSchema: NativeSchemaDialect = {
  read: (db, options) => readPostgresSchema(db, options),

  async missing(db, schema) {
    const wanted = [...new Set(schema.units.flatMap((u) => u.roles))];
    const extensions = schema.units.filter((u) => u.kind === 'extension').map((u) => u.name);
    const roles = wanted.length
      ? (
          await sql<{
            name: string;
          }>`select r as name from unnest(${wanted}::text[]) r where not exists (select 1 from pg_roles where quote_ident(rolname) = r)`.execute(db)
        ).rows.map((r) => r.name)
      : [];
    const absent = extensions.length
      ? (
          await sql<{
            name: string;
          }>`select e as name from unnest(${extensions}::text[]) e where not exists (select 1 from pg_available_extensions where quote_ident(name) = e)`.execute(
            db,
          )
        ).rows.map((r) => r.name)
      : [];
    return { roles, extensions: absent };
  },

  // The names arrive quoted by quote_ident on the source; NOLOGIN: a role made to hold grants, not to sign in.
  createRoleStatements: (roles) => roles.map((role) => `CREATE ROLE ${role} NOLOGIN`),

  notRecreatedKinds: NOT_RECREATED_KINDS,
  neutralDetailLosses: postgresNeutralDetailLosses,
  statisticsStatements: (table) => [`ANALYZE ${table.q}`],
  createPreData: createPostgresPreData,
  createUnit: createPostgresUnit,
  isNewDatabaseObject: isNewPostgresDatabaseObject,
  finishStatements: postgresFinishStatements,

  readSequences: (db, names) => inCatalogSnapshot(db, (run) => readSequenceStates(run, names)),

  async setSequences(db, states) {
    for (const s of states) {
      await sql`select setval(${s.name}::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(db);
    }
  },

  async redeparseViews(db, bodies) {
    if (!bodies.length) return [];
    try {
      return await db.transaction().execute(async (trx) => {
        await sql`set local search_path = pg_catalog`.execute(trx);
        const out: string[] = [];
        for (const [i, body] of bodies.entries()) {
          const name = `byos_redeparse_${i}`;
          await sql.raw(`CREATE TEMPORARY VIEW ${name} AS\n${body}`).execute(trx);
          out.push((await sql<{ d: string }>`select pg_get_viewdef(${`pg_temp.${name}`}::regclass) as d`.execute(trx)).rows[0]!.d.trim().replace(/;$/, ''));
        }
        // Nothing of this stays: the temporary views go with the rollback.
        throw new Redeparsed(out);
      });
    } catch (error) {
      if (error instanceof Redeparsed) return error.bodies;
      throw error;
    }
  },

  async sequencesBehind(db) {
    return inCatalogSnapshot(db, async (run) => {
      const owned =
        await run(`select format('%I.%I', sn.nspname, s.relname) as seq, format('%I.%I', tn.nspname, t.relname) as tab, quote_ident(a.attname) as col,
        (select ps.seqincrement < 0 from pg_sequence ps where ps.seqrelid = s.oid) as down
        from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S' join pg_namespace sn on sn.oid = s.relnamespace
        join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
        join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
        where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
          and tn.nspname !~ '^pg_' and tn.nspname <> 'information_schema' and t.relkind in ('r', 'p')`);
      const behind: { sequence: string; column: string; value: string; max: string }[] = [];
      for (const o of owned) {
        // A sequence counting down collides once it is above the smallest value present.
        const edge = o.down ? 'min' : 'max';
        const [r] = await run(
          `select (select case when is_called then last_value end from ${o.seq})::text as value, (select ${edge}(${o.col})::text from ${o.tab}) as edge`,
        );
        const behindEdge = r && r.edge !== null && (r.value === null || (o.down ? BigInt(r.value) > BigInt(r.edge) : BigInt(r.value) < BigInt(r.edge)));
        if (behindEdge) behind.push({ sequence: o.seq, column: `${o.tab}.${o.col}`, value: r.value ?? 'not yet used', max: r.edge });
      }
      return behind;
    });
  },
};
