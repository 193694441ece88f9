import type { NativeKind, NativeUnit } from '../../native-schema.ts';
import type { Draft } from './draft.ts';

/** Ties between units with no dependency between them go in pg_dump's order of kinds, then by name. */
const PRIORITY: NativeKind[] = [
  'schema', 'extension', 'collation', 'enum', 'range-type', 'composite-type', 'domain', 'function', 'aggregate', 'procedure',
  'foreign-server', 'sequence', 'table', 'partition', 'foreign-table', 'default', 'check', 'view', 'materialized-view', 'cast',
  'index', 'primary-key', 'unique', 'exclusion-constraint', 'foreign-key', 'trigger', 'rule', 'policy', 'row-security',
  'statistics', 'comment', 'owner', 'grant', 'default-privileges',
];

/**
 * Turns drafts into units in creation order. pg_depend's edges (object → what it needs), mapped through each
 * draft's catalog keys, become dependencies between units. A pre-data object that needs a post-data one (a view
 * grouping by a primary key needs that key) moves to post-data with everything that needs it, unless a table would
 * move: then the post-data object moves forward instead. Within each section units are sorted topologically.
 */
export function orderUnits(drafts: Draft[], edges: { key: string; ref: string; ref_column: boolean }[]): NativeUnit[] {
  const unitOfKey = new Map<string, Draft>();
  for (const d of drafts) for (const k of d.keys) unitOfKey.set(k, d);
  const byId = new Map(drafts.map((d) => [d.id, d]));
  const deps = new Map(drafts.map((d) => [d.id, new Set<string>()]));
  const link = (from: Draft, to: Draft | undefined) => {
    if (to && to !== from) deps.get(from.id)!.add(to.id);
  };
  for (const d of drafts) {
    for (const id of d.deps) link(d, byId.get(id));
    for (const k of d.depKeys) link(d, unitOfKey.get(k));
  }
  for (const e of edges) {
    const from = unitOfKey.get(e.key);
    const to = unitOfKey.get(e.ref);
    // A view reading its own columns (PostgreSQL up to 15 also records a view's rule on the view itself, column 0).
    if (from && from === to && from.selfReferencing && e.key !== e.ref && e.ref_column) from.sql = from.selfReferencing;
    if (from) link(from, to);
  }
  settleSections(drafts, byId, deps);
  const units: NativeUnit[] = [];
  for (const section of ['pre', 'post'] as const) {
    const members = drafts.filter((d) => d.section === section);
    for (const d of topological(members, deps)) {
      units.push({
        id: d.id, kind: d.kind, name: d.name, table: d.table, section: d.section, sql: d.sql, deps: [...deps.get(d.id)!].sort(), roles: d.roles,
        ...(d.section === 'post' ? { needsRows: d.needsRows } : {}),
      });
    }
  }
  return units;
}

const HOLDS_ROWS = new Set<NativeKind>(['table', 'partition', 'sequence']);

function settleSections(drafts: Draft[], byId: Map<string, Draft>, deps: Map<string, Set<string>>): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of drafts) {
      if (d.section !== 'pre') continue;
      const late = [...deps.get(d.id)!].map((id) => byId.get(id)!).filter((x) => x.section === 'post');
      if (!late.length) continue;
      if (HOLDS_ROWS.has(d.kind)) {
        for (const x of late) x.section = 'pre';
      } else {
        d.section = 'post';
        d.needsRows = '*';
      }
      changed = true;
    }
  }
}

function topological(members: Draft[], deps: Map<string, Set<string>>): Draft[] {
  const rank = (d: Draft) => PRIORITY.indexOf(d.kind);
  const inSection = new Set(members.map((d) => d.id));
  const waiting = new Map(members.map((d) => [d.id, [...deps.get(d.id)!].filter((x) => inSection.has(x)).length]));
  const dependents = new Map<string, Draft[]>();
  for (const d of members) for (const x of deps.get(d.id)!) if (inSection.has(x)) dependents.set(x, [...(dependents.get(x) ?? []), d]);
  const compare = (a: Draft, b: Draft) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const ready = members.filter((d) => waiting.get(d.id) === 0).sort(compare);
  const out: Draft[] = [];
  while (ready.length) {
    const next = ready.shift()!;
    out.push(next);
    for (const d of dependents.get(next.id) ?? []) {
      const left = waiting.get(d.id)! - 1;
      waiting.set(d.id, left);
      if (left === 0) insertSorted(ready, d, compare);
    }
  }
  if (out.length < members.length) {
    const stuck = members.filter((d) => !out.includes(d)).map((d) => d.name);
    throw new Error(`cannot order the schema: these objects depend on each other in a cycle: ${stuck.slice(0, 10).join(', ')}${stuck.length > 10 ? ', …' : ''}`);
  }
  return out;
}

function insertSorted(list: Draft[], item: Draft, compare: (a: Draft, b: Draft) => number): void {
  let at = list.findIndex((x) => compare(item, x) < 0);
  if (at < 0) at = list.length;
  list.splice(at, 0, item);
}
