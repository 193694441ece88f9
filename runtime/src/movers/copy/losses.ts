import type { Finding } from '../../contracts/finding.ts';
import type { SchemaModel } from '../../contracts/schema-model.ts';
import { NATIVE_KINDS, type NativeSchema, type NativeSchemaDialect, SECURITY_KINDS } from '../../dialects/native-schema.ts';

/**
 * What a copy through the neutral model (between engines, or a subset of tables) cannot carry, by kind. Before a
 * single row moves, every such object is named; the copy refuses unless the user accepts the losses by kind
 * (`acceptLoss: ['view', 'trigger']`, `--accept-loss view,trigger`). `all` accepts every kind but the security
 * ones (row-level security, policies, grants, default privileges), which are accepted only when named.
 */
export interface Loss {
  /** The kind the user accepts it by: `view`, `trigger`, `function`, `policy`, `type`, `index`… */
  kind: string;
  /** The object, qualified outside the default schema. */
  subject: string;
  message: string;
}

/** Plan findings that describe something the target will not hold as the source does, by their loss kind. */
const PLAN_LOSSES: Record<string, string> = {
  'copy-lossy-type': 'type',
  'copy-generated-column': 'generated-column',
  'copy-default-dropped': 'default',
  'copy-check-skipped': 'check',
  'copy-index-skipped': 'index',
  'copy-identity-dropped': 'identity',
};

/** Type notes that change what a value means, not only how it is spelled. */
const MEANING_CHANGES = /arrays become JSON text|values become text|network addresses become text|carries no time zone/;

/** Whether a plan finding is one that neutralCopyLosses restates as a loss (with the kind it is accepted by). */
export function isRestatedAsLoss(finding: Finding): boolean {
  return finding.rule in PLAN_LOSSES;
}

/**
 * Every kind a loss can be accepted by: the native kinds, the neutral plan's own (PLAN_LOSSES), and `all`. A
 * dialect's same-engine reader adds the kinds it cannot recreate (NativeSchemaDialect.notRecreatedKinds).
 */
export const LOSS_KINDS: readonly string[] = [...new Set<string>([...NATIVE_KINDS, ...Object.values(PLAN_LOSSES), 'all'])];

/** The accepted kinds that name no kind a loss can have (a typo would otherwise accept nothing, silently). */
export function unknownLossKinds(accepted: readonly string[] | undefined, dialectKinds: readonly string[] = []): string[] {
  const known = new Set([...LOSS_KINDS, ...dialectKinds]);
  return (accepted ?? []).filter((kind) => !known.has(kind));
}

export function isSecurityKind(kind: string): boolean {
  return (SECURITY_KINDS as readonly string[]).includes(kind);
}

/** Every loss of a neutral copy of `tables` of `source` into an engine with these traits. */
export function neutralCopyLosses(
  source: SchemaModel,
  plan: { findings: Finding[]; tables: { source: { schema?: string; name: string } }[] },
  target: { schemas: boolean },
): Loss[] {
  const losses: Loss[] = [];
  const qualified = (schema: string, name: string) => (schema === source.defaultSchema ? name : `${schema}.${name}`);
  const copied = new Set(plan.tables.map((t) => qualified(t.source.schema ?? source.defaultSchema, t.source.name)));
  const everything = copied.size === source.tables.length;
  const belongs = (table: string | null) =>
    table === null ? everything : [...copied].some((t) => table === t || table.endsWith(`.${t}`) || table.endsWith(`."${t}"`));
  for (const f of plan.findings) {
    const kind = PLAN_LOSSES[f.rule];
    if (kind) losses.push({ kind, subject: f.subject, message: f.message });
    if (f.rule === 'copy-type-changed' && /^domain /.test(f.message))
      losses.push({ kind: 'domain', subject: f.subject, message: `${f.message}: its checks and default do not come along` });
    // Values that arrive as text or JSON keep their content, not their type: queries on them change meaning.
    if (f.rule === 'copy-type-changed' && MEANING_CHANGES.test(f.message)) losses.push({ kind: 'type', subject: f.subject, message: f.message });
  }
  for (const o of source.objects) {
    if (!belongs(o.table) || isNewDatabaseDefault(o, source.defaultSchema)) continue;
    const what = o.kind.replace(/-/g, ' ');
    const message = isSecurityKind(o.kind)
      ? `${what} ${o.name} will not arrive, and nothing on the target enforces it in its place (a security loss, accepted only by naming ${o.kind})`
      : `${what} ${o.name} will not arrive: it is ${source.dialect} SQL with no neutral form`;
    losses.push({ kind: o.kind, subject: o.name, message });
  }
  if (everything) {
    for (const v of source.views) {
      const kind = v.materialized ? 'materialized-view' : 'view';
      losses.push({
        kind,
        subject: qualified(v.schema, v.name),
        message: `${kind.replace('-', ' ')} ${qualified(v.schema, v.name)} will not arrive: its definition is ${source.dialect} SQL`,
      });
    }
    for (const s of source.sequences.filter((x) => x.ownedBy === null)) {
      losses.push({
        kind: 'sequence',
        subject: qualified(s.schema, s.name),
        message: `sequence ${qualified(s.schema, s.name)} will not arrive (no column owns it; the target numbers rows by identity columns only)`,
      });
    }
    for (const e of source.extensions.filter((x) => x.name !== 'plpgsql')) {
      losses.push({
        kind: 'extension',
        subject: e.name,
        message: `extension ${e.name} ${e.version} will not arrive: its types and functions are ${source.dialect}'s`,
      });
    }
  }
  const byParent = new Map<string, string[]>();
  for (const p of source.partitions)
    byParent.set(qualified(p.parent.schema, p.parent.name), [...(byParent.get(qualified(p.parent.schema, p.parent.name)) ?? []), qualified(p.schema, p.name)]);
  for (const [parent, parts] of byParent) {
    if (!copied.has(parent)) continue;
    const declared = source.partitions.filter((p) => parts.includes(qualified(p.schema, p.name))).flatMap((p) => p.foreignKeys.map((fk) => fk.name));
    losses.push({
      kind: 'partition',
      subject: parent,
      message: `${parent} arrives as one plain table: its ${parts.length} partitions (${parts.join(', ')})${declared.length ? ` and what is declared on them (${declared.join(', ')})` : ''} do not`,
    });
  }
  if (!target.schemas) {
    const others = [...new Set(source.tables.filter((t) => t.schema !== source.defaultSchema && copied.has(qualified(t.schema, t.name))).map((t) => t.schema))];
    for (const schema of others)
      losses.push({ kind: 'schema', subject: schema, message: `the target has one schema: the tables of ${schema} arrive there, without their schema` });
  }
  for (const t of source.tables.filter((x) => copied.has(qualified(x.schema, x.name)))) {
    const commented = [
      t.comment !== null ? qualified(t.schema, t.name) : null,
      ...t.columns.filter((c) => c.comment !== null).map((c) => `${qualified(t.schema, t.name)}.${c.name}`),
    ].filter((x): x is string => x !== null);
    if (commented.length)
      losses.push({ kind: 'comment', subject: qualified(t.schema, t.name), message: `comments on ${commented.join(', ')} will not arrive` });
  }
  return losses;
}

/** Loss findings are `copy-loss-<kind>`: the kind is what the user accepts them by. */
export const LOSS_RULE = 'copy-loss-';

/**
 * What the neutral model keeps of indexes, keys and columns but not of their details, as the source's own reader
 * tells it (NativeSchemaDialect.neutralDetailLosses), for the objects of the relations the plan copies.
 */
export function nativeDetailLosses(
  read: { native: NativeSchemaDialect; schema: NativeSchema } | undefined,
  plan: { tables: { source: { schema?: string; name: string } }[] },
  source: SchemaModel,
): Loss[] {
  if (!read) return [];
  const planned = new Set(plan.tables.map((t) => JSON.stringify([t.source.schema ?? source.defaultSchema, t.source.name])));
  const whole = planned.size === source.tables.length;
  const chosen = new Set(read.schema.relations.filter((r) => planned.has(JSON.stringify([r.schema, r.name]))).map((r) => r.q));
  return read.native.neutralDetailLosses(read.schema.units, (relation) => whole || chosen.has(relation));
}

/** What every new Postgres database holds: the default schema's usage for everyone (PostgreSQL 15 and later). */
function isNewDatabaseDefault(o: { kind: string; name: string; definition: string }, defaultSchema: string): boolean {
  return o.kind === 'grant' && o.name === defaultSchema && o.definition === `GRANT USAGE ON SCHEMA ${defaultSchema} TO PUBLIC;`;
}

/** Findings for the losses: an error each, unless its kind is accepted (then a warning, the report's record of it). */
export function lossFindings(losses: Loss[], accepted: readonly string[] = []): Finding[] {
  const all = accepted.includes('all');
  return losses.map((l) => {
    const ok = accepted.includes(l.kind) || (all && !isSecurityKind(l.kind));
    const finding: Finding = {
      rule: `${LOSS_RULE}${l.kind}`,
      severity: ok ? 'warning' : 'error',
      subject: l.subject,
      message: `${l.message}${ok ? ' (accepted)' : ''}`,
    };
    if (!ok)
      finding.remediation = isSecurityKind(l.kind) ? `accept it only by naming it: --accept-loss ${l.kind}` : `accept it with --accept-loss ${l.kind} (or all)`;
    return finding;
  });
}
