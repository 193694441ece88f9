import type { NativeUnit, NeutralDetailLoss } from '../../native-schema.ts';

/**
 * What the neutral model keeps of indexes, keys and columns but not of their details, read from the units' own
 * Postgres DDL: an index method other than btree, descending or INCLUDE columns, a deferrable foreign key, UNIQUE
 * NULLS NOT DISTINCT, a column collation, comments on indexes and constraints. Each arrives plainer than it was.
 */
export function postgresNeutralDetailLosses(units: readonly NativeUnit[], copied: (relation: string) => boolean): NeutralDetailLoss[] {
  const losses: NeutralDetailLoss[] = [];
  for (const u of units.filter((x) => x.table !== null && copied(x.table))) {
    const create = u.sql[0] ?? '';
    const add = (kind: string, what: string) => losses.push({ kind, subject: u.name, message: `${u.name}: ${what}` });
    if (u.kind === 'index') {
      const method = / USING (\w+) /.exec(create)?.[1];
      if (method && method !== 'btree') add('index', `a ${method} index arrives as a plain one`);
      if (/ DESC[,)]/.test(create) || / NULLS (FIRST|LAST)/.test(create)) add('index', 'its column order (DESC, NULLS FIRST/LAST) does not arrive');
      if (/ INCLUDE \(/.test(create)) add('index', 'its INCLUDE columns do not arrive');
    }
    if (u.kind === 'foreign-key' && / DEFERRABLE/.test(create) && !/ NOT DEFERRABLE/.test(create))
      add('foreign-key', 'it is DEFERRABLE on the source and will be checked immediately');
    if (u.kind === 'unique' && /NULLS NOT DISTINCT/.test(create))
      add('unique', 'UNIQUE NULLS NOT DISTINCT becomes a plain UNIQUE: several NULLs will be allowed');
    if ((u.kind === 'table' || u.kind === 'partition') && / COLLATE /.test(create))
      add('collation', "column collations do not arrive: text compares and sorts by the target's rules");
    if (u.sql.slice(1).some((s) => /^COMMENT ON (INDEX|CONSTRAINT) /.test(s))) add('comment', 'its comment does not arrive');
  }
  return losses;
}
