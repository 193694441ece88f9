import { type Drafts, unitId } from './draft.ts';
import { commentOn } from './sql-text.ts';

/**
 * Builders for what hangs off a relation: constraints, indexes, triggers, rules, policies, extended statistics.
 * Keys, indexes and foreign keys are post-data (built once, after the rows); a validated CHECK is pre-data, so the
 * rows are checked as they arrive, and a NOT VALID one stays NOT VALID.
 */

interface ConstraintRow {
  key: string;
  kind: string;
  name_q: string;
  table_q: string;
  table_kind: string;
  has_children: boolean;
  definition: string;
  validated: boolean;
  local: boolean;
  from_parent: boolean;
  index_key: string | null;
  parent_index_q: string | null;
  parent_key: string | null;
  index_q: string | null;
  comment: string | null;
  index_comment: string | null;
}

const CONSTRAINT_KIND = { p: 'primary-key', u: 'unique', x: 'exclusion-constraint', f: 'foreign-key', c: 'check' } as const;

export function buildConstraints(drafts: Drafts, rows: ConstraintRow[], exclude: ReadonlySet<string>): void {
  for (const c of rows) {
    if (exclude.has(c.table_q)) continue;
    // Inherited checks and foreign keys cloned onto partitions come with the parent's.
    if ((c.kind === 'c' && !c.local) || (c.kind === 'f' && c.from_parent)) continue;
    const kind = CONSTRAINT_KIND[c.kind as keyof typeof CONSTRAINT_KIND];
    const word = c.table_kind === 'f' ? 'FOREIGN TABLE' : 'TABLE';
    // ONLY keeps a constraint off inheritance children; a partitioned table passes checks and foreign keys on.
    const only = (c.table_kind === 'r' && !c.has_children) || (c.table_kind === 'p' && 'pux'.includes(c.kind)) || c.from_parent ? 'ONLY ' : '';
    const sql = [`ALTER ${word} ${only}${c.table_q} ADD CONSTRAINT ${c.name_q} ${c.definition}`];
    if (c.from_parent && c.parent_index_q) sql.push(`ALTER INDEX ${c.parent_index_q} ATTACH PARTITION ${c.index_q}`);
    sql.push(...commentOn(`CONSTRAINT ${c.name_q} ON ${c.table_q}`, c.comment));
    if (c.index_q) sql.push(...commentOn(`INDEX ${c.index_q}`, c.index_comment));
    const name = `${c.table_q} ${c.name_q}`;
    drafts.add({
      id: unitId('constraint', name),
      kind,
      name,
      table: c.table_q,
      section: c.kind === 'c' && c.validated ? 'pre' : 'post',
      sql,
      keys: [c.key, c.index_key],
      deps: [unitId('relation', c.table_q)],
      depKeys: [c.parent_key],
      // Keys and exclusions are built as soon as their table is loaded; foreign keys and NOT VALID checks once all are.
      ...(c.kind === 'c' && c.validated ? {} : { needsRows: c.kind === 'f' || c.kind === 'c' ? '*' : c.table_kind === 'p' ? undefined : c.table_q }),
    });
  }
}

interface IndexRow {
  key: string;
  q: string;
  name_q: string;
  table_q: string;
  table_kind: string;
  parent_key: string | null;
  definition: string;
  clustered: boolean;
  replica_identity: boolean;
  valid: boolean;
  parent_q: string | null;
  comment: string | null;
  statistics: [number, number][] | null;
}

export function buildIndexes(drafts: Drafts, rows: IndexRow[], exclude: ReadonlySet<string>): void {
  for (const i of rows) {
    if (exclude.has(i.table_q)) continue;
    if (!i.valid && !i.parent_q) {
      // What a failed CREATE INDEX CONCURRENTLY leaves: the rows may break it (pg_dump leaves it out too, silently).
      drafts.notRecreated('invalid index (left by a failed CREATE INDEX CONCURRENTLY)', i.q);
      continue;
    }
    const sql = [i.definition];
    if (i.parent_q) sql.push(`ALTER INDEX ${i.parent_q} ATTACH PARTITION ${i.q}`);
    if (i.clustered) sql.push(`ALTER TABLE ${i.table_q} CLUSTER ON ${i.name_q}`);
    if (i.replica_identity) sql.push(`ALTER TABLE ONLY ${i.table_q} REPLICA IDENTITY USING INDEX ${i.name_q}`);
    for (const [column, target] of i.statistics ?? []) sql.push(`ALTER INDEX ${i.q} ALTER COLUMN ${column} SET STATISTICS ${target}`);
    sql.push(...commentOn(`INDEX ${i.q}`, i.comment));
    drafts.add({
      id: unitId('index', i.q),
      kind: 'index',
      name: i.q,
      table: i.table_q,
      section: 'post',
      sql,
      keys: [i.key],
      deps: [unitId('relation', i.table_q)],
      depKeys: [i.parent_key],
      // A materialized view's rows arrive with its refresh; a partitioned table holds none of its own.
      needsRows: i.table_kind === 'm' ? '*' : i.table_kind === 'p' ? undefined : i.table_q,
    });
  }
}

const TRIGGER_STATE: Record<string, string> = { D: 'DISABLE TRIGGER', R: 'ENABLE REPLICA TRIGGER', A: 'ENABLE ALWAYS TRIGGER' };
/** A cloned trigger can also be enabled where its parent's is not. */
const CLONED_TRIGGER_STATE: Record<string, string> = { ...TRIGGER_STATE, O: 'ENABLE TRIGGER' };
const RULE_STATE: Record<string, string> = { D: 'DISABLE RULE', R: 'ENABLE REPLICA RULE', A: 'ENABLE ALWAYS RULE' };

/** A partition's own state for a trigger it has from its partitioned table (disabled there only, say). */
export function buildClonedTriggerStates(
  drafts: Drafts,
  rows: { key: string; name_q: string; table_q: string; enabled: string; parent_key: string }[],
  exclude: ReadonlySet<string>,
  excludeNames: (name: string) => boolean,
): void {
  for (const t of rows) {
    if (exclude.has(t.table_q) || excludeNames(t.name_q.replace(/^"|"$/g, ''))) continue;
    const name = `${t.table_q} ${t.name_q}`;
    drafts.add({
      id: unitId('trigger-state', name),
      kind: 'trigger',
      name,
      table: t.table_q,
      section: 'post',
      sql: [`ALTER TABLE ${t.table_q} ${CLONED_TRIGGER_STATE[t.enabled]} ${t.name_q}`],
      keys: [t.key],
      deps: [unitId('relation', t.table_q)],
      depKeys: [t.parent_key],
      needsRows: '*',
    });
  }
}

export function buildTriggers(
  drafts: Drafts,
  rows: {
    key: string;
    name_q: string;
    name: string;
    table_q: string;
    definition: string;
    enabled: string;
    comment: string | null;
    constraint_key: string | null;
  }[],
  exclude: ReadonlySet<string>,
  excludeNames: (name: string) => boolean,
): void {
  for (const t of rows) {
    if (exclude.has(t.table_q) || excludeNames(t.name)) continue;
    const sql = [t.definition];
    if (TRIGGER_STATE[t.enabled]) sql.push(`ALTER TABLE ${t.table_q} ${TRIGGER_STATE[t.enabled]} ${t.name_q}`);
    sql.push(...commentOn(`TRIGGER ${t.name_q} ON ${t.table_q}`, t.comment));
    const name = `${t.table_q} ${t.name_q}`;
    drafts.add({
      id: unitId('trigger', name),
      kind: 'trigger',
      name,
      table: t.table_q,
      section: 'post',
      sql,
      keys: [t.key, t.constraint_key],
      deps: [unitId('relation', t.table_q)],
      needsRows: '*',
    });
  }
}

export function buildRules(
  drafts: Drafts,
  rows: { key: string; name_q: string; table_q: string; definition: string; enabled: string; comment: string | null }[],
  exclude: ReadonlySet<string>,
): void {
  for (const r of rows) {
    if (exclude.has(r.table_q)) continue;
    const sql = [r.definition.trim().replace(/;$/, '')];
    if (RULE_STATE[r.enabled]) sql.push(`ALTER TABLE ${r.table_q} ${RULE_STATE[r.enabled]} ${r.name_q}`);
    sql.push(...commentOn(`RULE ${r.name_q} ON ${r.table_q}`, r.comment));
    const name = `${r.table_q} ${r.name_q}`;
    drafts.add({
      id: unitId('rule', name),
      kind: 'rule',
      name,
      table: r.table_q,
      section: 'post',
      sql,
      keys: [r.key],
      deps: [unitId('relation', r.table_q)],
      needsRows: '*',
    });
  }
}

const COMMAND: Record<string, string> = { '*': 'ALL', r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' };

export function buildPolicies(
  drafts: Drafts,
  rows: {
    key: string;
    name_q: string;
    table_q: string;
    command: string;
    permissive: boolean;
    roles: string[] | null;
    using_expr: string | null;
    check_expr: string | null;
    comment: string | null;
  }[],
  exclude: ReadonlySet<string>,
): void {
  for (const p of rows) {
    if (exclude.has(p.table_q)) continue;
    const roles = (p.roles ?? ['PUBLIC']).map((r) => drafts.roles.role(r));
    const parts = [
      `CREATE POLICY ${p.name_q} ON ${p.table_q} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${COMMAND[p.command]} TO ${roles.join(', ')}`,
    ];
    if (p.using_expr !== null) parts.push(`USING (${p.using_expr})`);
    if (p.check_expr !== null) parts.push(`WITH CHECK (${p.check_expr})`);
    const name = `${p.table_q} ${p.name_q}`;
    drafts.add({
      id: unitId('policy', name),
      kind: 'policy',
      name,
      table: p.table_q,
      section: 'post',
      sql: [parts.join(' '), ...commentOn(`POLICY ${p.name_q} ON ${p.table_q}`, p.comment)],
      keys: [p.key],
      deps: [unitId('relation', p.table_q)],
      needsRows: '*',
    });
  }
}

export function buildStatistics(
  drafts: Drafts,
  rows: { key: string; q: string; definition: string; table_q: string; owner: string; target: number | null; comment: string | null }[],
  exclude: ReadonlySet<string>,
): void {
  for (const s of rows) {
    if (exclude.has(s.table_q)) continue;
    const sql = [
      s.definition,
      ...(s.target !== null ? [`ALTER STATISTICS ${s.q} SET STATISTICS ${s.target}`] : []),
      ...drafts.roles.owner(`STATISTICS ${s.q}`, s.owner),
      ...commentOn(`STATISTICS ${s.q}`, s.comment),
    ];
    drafts.add({
      id: unitId('statistics', s.q),
      kind: 'statistics',
      name: s.q,
      table: s.table_q,
      section: 'post',
      sql,
      keys: [s.key],
      deps: [unitId('relation', s.table_q)],
      needsRows: '*',
    });
  }
}
