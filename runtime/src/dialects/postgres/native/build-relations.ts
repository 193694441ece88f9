import type { NativeTable } from '../../native-schema.ts';
import { type Drafts, unitId } from './draft.ts';
import { type AclTriple, aclStatements, columnGrants, commentOn, optionList, relOptions } from './sql-text.ts';

/** Builders for relations (tables, partitions, views, sequences, foreign tables) and the columns' defaults. */

interface SequenceRow {
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
}
interface ColumnRow {
  name: string;
  q: string;
  type: string;
  not_null: boolean;
  local: boolean;
  identity: string;
  generated: string;
  expression: string | null;
  collation: string | null;
  statistics: number | null;
  storage: string | null;
  compression: string | null;
  options: string[] | null;
  fdw_options: string[] | null;
  comment: string | null;
  acl: AclTriple[] | null;
  /** PostgreSQL 18 keeps NOT NULL as a named constraint, which can be NOT VALID or NO INHERIT; absent before 18. */
  not_null_constraint: { name: string; named: boolean; validated: boolean; no_inherit: boolean; local: boolean } | null;
  identity_sequence:
    | (SequenceRow & { q: string; key: string; comment: string | null; owner: string; acl: AclTriple[] | null; acl_default: AclTriple[] | null })
    | null;
}
export interface RelationRow {
  key: string;
  kind: string;
  schema_q: string;
  schema: string;
  name: string;
  q: string;
  owner: string;
  comment: string | null;
  acl: AclTriple[] | null;
  acl_default: AclTriple[] | null;
  also: string[];
  persistence: string;
  is_partition: boolean;
  options: string[] | null;
  toast_options: string[] | null;
  row_security: boolean;
  force_row_security: boolean;
  replica_identity: string;
  has_children: boolean;
  access_method: string | null;
  populated: boolean;
  typed: boolean;
  binary_io: boolean;
  estimated_rows: string;
  bytes: string;
  partition_key: string | null;
  partition_bound: string | null;
  parents: string[] | null;
  view_definition: string | null;
  foreign_table: { server: string; options: string[] | null } | null;
  sequence: (SequenceRow & { identity: boolean; owned_by: { table: string; column: string } | null }) | null;
  columns: ColumnRow[] | null;
  primary_key: [string, string][] | null;
}

const WORD: Record<string, string> = { r: 'TABLE', p: 'TABLE', f: 'FOREIGN TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW', S: 'SEQUENCE' };
const STORAGE: Record<string, string> = { p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' };

/** CREATE SEQUENCE options; an identity's sequence takes its type from the column. */
function sequenceOptions(s: SequenceRow, withType = true): string {
  return `${withType ? `AS ${s.type} ` : ''}START WITH ${s.start} INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ' NO CYCLE'}`;
}

/** Builds every relation's unit; returns the relations whose rows a clone copies. */
export function buildRelations(drafts: Drafts, rows: RelationRow[], exclude: ReadonlySet<string>): NativeTable[] {
  const byName = new Map(rows.map((r) => [r.q, r]));
  const tables: NativeTable[] = [];
  for (const r of rows) {
    if (exclude.has(r.q) || r.typed) continue;
    if (r.kind === 'S') {
      if (!r.sequence!.identity) buildSequence(drafts, r);
      continue;
    }
    const word = WORD[r.kind]!;
    const columns = r.columns ?? [];
    const sql: string[] = [];
    let selfReferencing: string[] | undefined;
    if (r.kind === 'v' || r.kind === 'm') {
      const options = r.options?.length ? ` WITH (${relOptions(r.options)})` : '';
      const using = r.kind === 'm' && r.access_method && r.access_method !== 'heap' ? ` USING ${r.access_method}` : '';
      const body = (r.view_definition ?? '').trim().replace(/;$/, '');
      sql.push(`CREATE ${word} ${r.q}${using}${options} AS\n${body}${r.kind === 'm' ? '\nWITH NO DATA' : ''}`);
      if (r.kind === 'v') {
        const placeholder = columns.map((c) => `NULL::${c.type} AS ${c.q}`).join(', ');
        selfReferencing = [`CREATE VIEW ${r.q}${options} AS\nSELECT ${placeholder}`, `CREATE OR REPLACE VIEW ${r.q}${options} AS\n${body}`];
      }
    } else if (r.is_partition) {
      const parent = byName.get(r.parents![0]!);
      const parentColumns = (parent?.columns ?? []).map((c) => c.name).join('\u0000');
      if (parentColumns !== columns.map((c) => c.name).join('\u0000')) {
        drafts.notRecreated("partition whose columns differ from its parent's (order or names)", r.q, { rows: true });
        continue;
      }
      const by = r.partition_key ? ` PARTITION BY ${r.partition_key}` : '';
      sql.push(`CREATE ${r.persistence === 'u' ? 'UNLOGGED ' : ''}TABLE ${r.q} PARTITION OF ${r.parents![0]} ${r.partition_bound}${by}${withOptions(r)}`);
      // What the partition adds to what it inherits: its own NOT NULL columns.
      for (const c of columns) {
        const inherited = parent?.columns?.find((p) => p.name === c.name);
        if (c.not_null && !inherited?.not_null) sql.push(`ALTER TABLE ONLY ${r.q} ALTER COLUMN ${c.q} SET NOT NULL`);
      }
    } else {
      if (r.parents?.length && !inheritedOrder(r, byName)) {
        drafts.notRecreated("inheritance child whose columns are in another order than its parents' (columns added before INHERIT)", r.q, { rows: true });
        continue;
      }
      const definitions = columns.filter((c) => c.local || r.kind === 'f').map((c) => columnDefinition(c, r.kind === 'f'));
      const parts = [`CREATE ${r.persistence === 'u' ? 'UNLOGGED ' : ''}${word} ${r.q} (${definitions.length ? `\n  ${definitions.join(',\n  ')}\n` : ''})`];
      if (r.parents?.length) parts.push(`INHERITS (${r.parents.join(', ')})`);
      if (r.partition_key) parts.push(`PARTITION BY ${r.partition_key}`);
      if (r.foreign_table)
        parts.push(`SERVER ${r.foreign_table.server}${r.foreign_table.options?.length ? ` OPTIONS (${optionList(r.foreign_table.options)})` : ''}`);
      if (r.access_method && r.access_method !== 'heap' && r.kind === 'r') parts.push(`USING ${r.access_method}`);
      sql.push(parts.join(' ') + withOptions(r));
    }
    for (const c of columns) sql.push(...columnSettings(r, c, word));
    notValidNotNulls(drafts, r, columns);
    // An identity's sequence takes its column's type unless changed since (ALTER SEQUENCE … AS integer).
    for (const c of columns)
      if (c.identity_sequence && c.identity_sequence.type !== c.type) sql.push(`ALTER SEQUENCE ${c.identity_sequence.q} AS ${c.identity_sequence.type}`);
    if ((r.kind === 'r' || r.kind === 'p') && (r.replica_identity === 'f' || r.replica_identity === 'n'))
      sql.push(`ALTER TABLE ONLY ${r.q} REPLICA IDENTITY ${r.replica_identity === 'f' ? 'FULL' : 'NOTHING'}`);
    sql.push(...drafts.roles.owner(`${word} ${r.q}`, r.owner), ...commentOn(`${word} ${r.q}`, r.comment));
    for (const c of columns) sql.push(...commentOn(`COLUMN ${r.q}.${c.q}`, c.comment));
    const identityKeys = columns.map((c) => c.identity_sequence?.key);
    const kind = r.kind === 'v' ? 'view' : r.kind === 'm' ? 'materialized-view' : r.kind === 'f' ? 'foreign-table' : r.is_partition ? 'partition' : 'table';
    const unit = drafts.add({
      id: unitId('relation', r.q),
      kind,
      name: r.q,
      table: r.q,
      section: 'pre',
      sql,
      keys: [r.key, ...r.also, ...identityKeys],
      deps: r.parents?.map((p) => unitId('relation', p)) ?? [],
    });
    if (selfReferencing) unit.selfReferencing = [...selfReferencing, ...sql.slice(1)];
    const grants = aclStatements(`TABLE ${r.q}`, r.acl, r.acl_default, drafts.roles, r.owner);
    for (const c of columns) grants.push(...columnGrants(r.q, c.q, c.acl, drafts.roles, r.owner));
    for (const c of columns) {
      const s = c.identity_sequence;
      if (s) grants.push(...commentOn(`SEQUENCE ${s.q}`, s.comment), ...aclStatements(`SEQUENCE ${s.q}`, s.acl, s.acl_default, drafts.roles, s.owner));
    }
    drafts.grant(unit, grants);
    if (r.kind === 'm' && r.populated) {
      drafts.add({
        id: unitId('refresh', r.q),
        kind: 'materialized-view',
        name: r.q,
        table: r.q,
        section: 'post',
        sql: [`REFRESH MATERIALIZED VIEW ${r.q}`],
        deps: [unit.id],
        needsRows: '*',
      });
    }
    if (r.row_security || r.force_row_security) {
      const rls = [];
      if (r.row_security) rls.push(`ALTER TABLE ${r.q} ENABLE ROW LEVEL SECURITY`);
      if (r.force_row_security) rls.push(`ALTER TABLE ${r.q} FORCE ROW LEVEL SECURITY`);
      drafts.add({ id: unitId('row-security', r.q), kind: 'row-security', name: r.q, table: r.q, section: 'post', sql: rls, deps: [unit.id], needsRows: '*' });
    }
    if (r.kind === 'r') {
      tables.push({
        schema: r.schema,
        name: r.name,
        q: r.q,
        unit: unit.id,
        binary: r.binary_io,
        estimatedRows: Number(r.estimated_rows),
        bytes: Number(r.bytes),
        columns: columns.filter((c) => !c.generated).map((c) => c.name),
        key: (r.primary_key ?? []).map(([q]) => columns.find((c) => c.q === q)?.name ?? q),
        keyTypes: (r.primary_key ?? []).map(([, type]) => type),
      });
    }
  }
  return tables;
}

/** Storage parameters of the table and of its TOAST table (`toast.autovacuum_enabled='false'`). */
/** A NOT NULL the source added NOT VALID (PostgreSQL 18) holds rows it never checked: added after them, still NOT VALID. */
function notValidNotNulls(drafts: Drafts, r: RelationRow, columns: ColumnRow[]): void {
  for (const c of columns) {
    const nn = c.not_null_constraint;
    if (!nn || nn.validated || !nn.local) continue;
    const name = `${r.q} ${nn.name}`;
    drafts.add({
      id: unitId('constraint', name),
      kind: 'check',
      name,
      table: r.q,
      section: 'post',
      needsRows: '*',
      deps: [unitId('relation', r.q)],
      sql: [`ALTER TABLE ${r.kind === 'p' ? '' : 'ONLY '}${r.q} ADD CONSTRAINT ${nn.name} NOT NULL ${c.q}${nn.no_inherit ? ' NO INHERIT' : ''} NOT VALID`],
    });
  }
}

/** CREATE TABLE … INHERITS puts the parents' columns first, in their order, then the child's own. */
function inheritedOrder(r: RelationRow, byName: Map<string, RelationRow>): boolean {
  const expected: string[] = [];
  for (const p of r.parents ?? []) for (const c of byName.get(p)?.columns ?? []) if (!expected.includes(c.name)) expected.push(c.name);
  for (const c of r.columns ?? []) if (!expected.includes(c.name)) expected.push(c.name);
  return expected.join('\u0000') === (r.columns ?? []).map((c) => c.name).join('\u0000');
}

function withOptions(r: RelationRow): string {
  const all = [...(r.options ?? []), ...(r.toast_options ?? []).map((o) => `toast.${o}`)];
  return all.length ? ` WITH (${relOptions(all)})` : '';
}

function columnDefinition(c: ColumnRow, foreign: boolean): string {
  const parts = [c.q, c.type];
  if (foreign && c.fdw_options?.length) parts.push(`OPTIONS (${optionList(c.fdw_options)})`);
  if (c.collation) parts.push(`COLLATE ${c.collation}`);
  if (c.generated) parts.push(`GENERATED ALWAYS AS (${c.expression}) ${c.generated === 's' ? 'STORED' : 'VIRTUAL'}`);
  if (c.identity && c.identity_sequence) {
    parts.push(
      `GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (SEQUENCE NAME ${c.identity_sequence.q} ${sequenceOptions(c.identity_sequence, false)})`,
    );
  }
  const nn = c.not_null_constraint;
  if (nn && !nn.validated) return parts.join(' '); // added NOT VALID after the rows (see notValidNotNulls)
  if (c.not_null || nn) parts.push(`${nn?.named && nn.local ? `CONSTRAINT ${nn.name} ` : ''}NOT NULL${nn?.no_inherit ? ' NO INHERIT' : ''}`);
  return parts.join(' ');
}

/** Per-column settings pg_dump also carries: statistics target, storage, compression, attribute options. */
function columnSettings(r: RelationRow, c: ColumnRow, word: string): string[] {
  const alter = `ALTER ${word === 'TABLE' ? 'TABLE ONLY' : word} ${r.q} ALTER COLUMN ${c.q}`;
  const out: string[] = [];
  if (c.statistics !== null) out.push(`${alter} SET STATISTICS ${c.statistics}`);
  if (c.storage && r.kind !== 'v') out.push(`${alter} SET STORAGE ${STORAGE[c.storage]}`);
  if (c.compression) out.push(`${alter} SET COMPRESSION ${c.compression === 'p' ? 'pglz' : 'lz4'}`);
  if (c.options?.length) out.push(`${alter} SET (${relOptions(c.options)})`);
  return out;
}

function buildSequence(drafts: Drafts, r: RelationRow): void {
  const s = r.sequence!;
  const sql = [
    `CREATE ${r.persistence === 'u' ? 'UNLOGGED ' : ''}SEQUENCE ${r.q} ${sequenceOptions(s)}`,
    ...drafts.roles.owner(`SEQUENCE ${r.q}`, r.owner),
    ...commentOn(`SEQUENCE ${r.q}`, r.comment),
  ];
  const unit = drafts.add({ id: unitId('relation', r.q), kind: 'sequence', name: r.q, table: null, section: 'pre', sql, keys: [r.key] });
  drafts.grant(unit, aclStatements(`SEQUENCE ${r.q}`, r.acl, r.acl_default, drafts.roles, r.owner));
  if (s.owned_by) {
    drafts.add({
      id: unitId('owned-by', r.q),
      kind: 'sequence',
      name: r.q,
      table: s.owned_by.table,
      section: 'pre',
      sql: [`ALTER SEQUENCE ${r.q} OWNED BY ${s.owned_by.table}.${s.owned_by.column}`],
      deps: [unit.id, unitId('relation', s.owned_by.table)],
    });
  }
}

export function buildDefaults(
  drafts: Drafts,
  rows: { key: string; table_q: string; table_kind: string; column_q: string; expression: string }[],
  exclude: ReadonlySet<string>,
): void {
  for (const d of rows) {
    if (exclude.has(d.table_q)) continue;
    const word = d.table_kind === 'v' ? 'VIEW' : d.table_kind === 'f' ? 'FOREIGN TABLE' : 'TABLE ONLY';
    const name = `${d.table_q}.${d.column_q}`;
    drafts.add({
      id: unitId('default', name),
      kind: 'default',
      name,
      table: d.table_q,
      section: 'pre',
      sql: [`ALTER ${word} ${d.table_q} ALTER COLUMN ${d.column_q} SET DEFAULT ${d.expression}`],
      keys: [d.key],
      deps: [unitId('relation', d.table_q)],
    });
  }
}
