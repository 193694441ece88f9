import type { NativeKind, NativeUnit } from '../../native-schema.ts';
import type { Draft } from './draft.ts';

/** Ties between units with no dependency between them go in pg_dump's order of kinds, then by name. */
const PRIORITY: NativeKind[] = [
  'schema',
  'extension',
  'collation',
  'enum',
  'range-type',
  'composite-type',
  'domain',
  'function',
  'aggregate',
  'procedure',
  'foreign-server',
  'sequence',
  'table',
  'partition',
  'foreign-table',
  'default',
  'check',
  'view',
  'materialized-view',
  'cast',
  'index',
  'primary-key',
  'unique',
  'exclusion-constraint',
  'foreign-key',
  'trigger',
  'rule',
  'policy',
  'row-security',
  'statistics',
  'comment',
  'owner',
  'grant',
  'default-privileges',
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
  refreshInOrder(drafts, byId, deps);
  settleSections(drafts, byId, deps);
  const units: NativeUnit[] = [];
  for (const section of ['pre', 'post'] as const) {
    let order = topological(
      drafts.filter((d) => d.section === section),
      deps,
    );
    // Views that read each other (CREATE OR REPLACE can make such a loop): one is created as a placeholder first.
    while (order.stuck.length && breakViewCycle(order.stuck, drafts, byId, deps))
      order = topological(
        drafts.filter((d) => d.section === section),
        deps,
      );
    if (order.stuck.length) {
      const names = order.stuck.map((d) => d.name);
      throw new Error(
        `cannot order the schema: these objects depend on each other in a cycle: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`,
      );
    }
    for (const d of order.out) {
      units.push({
        id: d.id,
        kind: d.kind,
        schema: d.schema,
        name: d.name,
        table: d.table,
        section: d.section,
        sql: d.sql,
        deps: [...deps.get(d.id)!].sort(),
        roles: d.roles,
        ...(d.section === 'post' ? { needsRows: d.needsRows } : {}),
      });
    }
  }
  return units;
}

/**
 * A materialized view is refreshed after those it reads (directly or through plain views): its refresh depends on
 * theirs, or it would read one not yet populated.
 */
function refreshInOrder(drafts: Draft[], byId: Map<string, Draft>, deps: Map<string, Set<string>>): void {
  for (const refresh of drafts.filter((d) => d.id.startsWith('refresh:'))) {
    const view = `relation:${refresh.id.slice('refresh:'.length)}`;
    const seen = new Set<string>([view]);
    const walk = [...deps.get(view)!];
    while (walk.length) {
      const id = walk.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const d = byId.get(id);
      if (d?.kind === 'materialized-view' && byId.has(`refresh:${id.slice('relation:'.length)}`))
        deps.get(refresh.id)!.add(`refresh:${id.slice('relation:'.length)}`);
      else if (d?.kind === 'view') walk.push(...deps.get(id)!);
    }
  }
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

/**
 * Splits one view of a cycle in two, pg_dump's way: a placeholder with its columns' types, which needs none of the
 * other views, then its real body (CREATE OR REPLACE) once they exist. False when no view of the cycle can be split.
 */
function breakViewCycle(stuck: Draft[], drafts: Draft[], byId: Map<string, Draft>, deps: Map<string, Set<string>>): boolean {
  const inCycle = new Set(stuck.map((d) => d.id));
  // The same view on every server, whatever order its catalog lists them in: source and target split alike.
  const view = [...stuck].sort((a, b) => (a.id < b.id ? -1 : 1)).find((d) => d.selfReferencing && [...deps.get(d.id)!].some((x) => inCycle.has(x)));
  if (!view) return false;
  const [placeholder, body, ...rest] = view.selfReferencing!;
  const needs = deps.get(view.id)!;
  const later: Draft = { ...view, id: `view-body:${view.name}`, sql: [body!], keys: [], deps: [], depKeys: [], roles: [], selfReferencing: undefined };
  deps.set(later.id, new Set([...needs, view.id]));
  for (const x of [...needs]) if (inCycle.has(x)) needs.delete(x);
  view.sql = [placeholder!, ...rest];
  view.selfReferencing = undefined;
  drafts.push(later);
  byId.set(later.id, later);
  return true;
}

function topological(members: Draft[], deps: Map<string, Set<string>>): { out: Draft[]; stuck: Draft[] } {
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
  const placed = new Set(out);
  return { out, stuck: members.filter((d) => !placed.has(d)) };
}

function insertSorted(list: Draft[], item: Draft, compare: (a: Draft, b: Draft) => number): void {
  let at = list.findIndex((x) => compare(item, x) < 0);
  if (at < 0) at = list.length;
  list.splice(at, 0, item);
}
