import type { MigrationOpInput } from '../../contracts/migration-op.ts';
import { derivedName, foreignKeyDef } from './build.ts';
import type { SentenceForm } from './forms.ts';
import type { Captures } from './match.ts';
import { compact, findTable, type Resolver } from './schema.ts';
import type { Action, ColRef, ColSet, Target } from './slots.ts';
import { SentenceError } from './tokens.ts';

type Actions = { onDelete?: Action; onUpdate?: Action };

const colsOf = (c: Captures, r: Resolver) => {
  const cs = c.cs as ColSet;
  return r.columns(cs.table ?? (c.table as string | undefined), cs.columns);
};
const refOf = (c: Captures, r: Resolver) =>
  r.column({ ...(c.ref as ColRef), ...(c.table !== undefined && !(c.ref as ColRef).table ? { table: c.table as string } : {}) });

/** The table an index or constraint named without its table is on: the sentence's, or the schema's. */
function ownerTable(c: Captures, r: Resolver, kind: 'indexes' | 'foreignKeys' | 'uniques' | 'checks', what: string): string {
  if (c.table !== undefined) return r.table(c.table as string);
  const owner = r.ownerOf(c.name as string, kind);
  if (!owner) throw new SentenceError(`say which table ${what} ${c.name as string} is on: drop ${what} ${c.name as string} on <table>`);
  return owner;
}

const ACTIONS = '{actions:actions}';
const NAMED = '[named|called] {name:name}';
/** A partial index's predicate, as written. */
const WHERE = '[where|for|when {where:expr}]';

/** Indexes, unique constraints, foreign keys. */
export const KEY_FORMS: SentenceForm[] = [
  {
    id: 'add-index',
    example: 'add a unique index on customers (email)',
    patterns: [
      `add|create|put|place {unique:uflag} index ${NAMED} on|for|over|to [table] {cs:colset} ${WHERE}`,
      `add|create|put|place {unique:uflag} index on|for|over|to [table] {cs:colset} ${WHERE}`,
      `add|create {unique:uflag} index to|on|for [table] {table:name} [table] on|for|over|by|using [column|columns] {cs:colset} ${WHERE}`,
      `index {cs:colset} ${WHERE}`,
      `add|create {unique:uflag} index [named|called] {name:name} {cs:colset} ${WHERE}`,
      `{unique:uflag} index on|for|over {cs:colset} ${WHERE}`,
      'make|mark {cs:colset} {unique:uflag} indexed',
      // How the table is read, said instead of the index: `we filter customers by country`, `speed up lookups of orders by status`.
      'we|i|they|users|people|app|queries filter|search|query|sort|order|group|find|fetch|select|look [up] {cs:colset}',
      'speed up|accelerate|optimize|optimise|improve [lookups|queries|searches|filtering|sorting|joins|reads] [of|on|for] {cs:colset} [with index]',
      'make lookups|queries|searches|filtering|sorting|joins|reads [of|on|for] {cs:colset} fast|faster|quick|quicker',
      '{cs:colset} should|must|will|shall|needs [to] [be] {unique:uflag} indexed',
    ],
    build: (c, r) => {
      const { table, columns } = colsOf(c, r);
      const where = c.where === undefined ? {} : { where: c.where as string };
      return [
        {
          op: 'createIndex',
          table,
          name: (c.name as string | undefined) ?? derivedName(table, columns, 'idx'),
          columns,
          unique: c.unique as boolean,
          ...where,
        },
      ];
    },
  },
  {
    id: 'drop-index',
    example: 'drop index customers_email_idx on customers',
    patterns: [
      `drop index ${NAMED} [on|from|of [table] {table:name} [table]]`,
      // `we no longer need index x`, `orders has an index x that we no longer need`.
      `[we|i] no longer needs|need index ${NAMED} [on|from|of [table] {table:name} [table]]`,
      '{table:name} [table] has|have index [named|called] {name:name} [that|which] [we|i] no longer needs|need',
      'drop {name:name} index|key [on|from|of [table] {table:name} [table]]',
      'drop index {table:name} . {name:name}',
      'drop {name:name} index [on|from|of [table] {table:name} [table]]',
    ],
    build: (c, r) => [{ op: 'dropIndex', table: ownerTable(c, r, 'indexes', 'index'), name: c.name as string }],
  },
  {
    id: 'drop-index-on',
    example: 'drop the index on customers (email)',
    patterns: ['drop {unique:uflag} index on|from|over {cs:colset}'],
    build: (c, r) => {
      const { table, columns } = colsOf(c, r);
      return [{ op: 'dropIndex', table, name: r.constraintOn(table, columns, 'indexes') ?? derivedName(table, columns, 'idx') }];
    },
  },
  {
    id: 'add-unique',
    example: 'add a unique constraint on customers (email)',
    patterns: [
      `[add|create] unique constraint|key ${NAMED} on|for|to|over [table] {cs:colset}`,
      '[add|create] unique constraint|key on|for|to|over [table] {cs:colset}',
      `add constraint ${NAMED} unique {cs:colset}`,
      'add unique {cs:colset}',
      'add unique [constraint] {cs:colset} to|on|for [table] {table:name} [table]',
      'make {cs:colset} unique [together|constraint] [in|on|for|within [table] {table:name}]',
      '{cs:colset} should|must|will|shall|has|have|needs|need|is|are [to] [be|stay|remain] unique [together] [in|on|for|within|across [table] {table:name}]',
      'ensure|enforce|guarantee [that] {cs:colset} [is|are|stays|stay] unique [together] [in|on|for|within|across [table] {table:name}]',
      'ensure|enforce|guarantee|require unique|uniqueness [constraint] [on|of|for] [column|columns] {cs:colset} [in|on|for|within|across [table] {table:name}]',
      'enforce|add uniqueness [constraint] on|of|for {cs:colset}',
      '[ensure|guarantee] no two {table:ktable} [may|can|should] have same {cs:colset}',
      '[ensure|guarantee] no two {table:ktable} [may|can|should] share [same] {cs:colset}',
    ],
    build: (c, r) => {
      const { table, columns } = colsOf(c, r);
      return [{ op: 'addUnique', table, unique: { name: (c.name as string | undefined) ?? derivedName(table, columns, 'key'), columns } }];
    },
  },
  {
    id: 'drop-unique',
    example: 'drop the unique constraint customers_email_key on customers',
    patterns: [
      `drop unique constraint ${NAMED} [on|from|of [table] {table:name} [table]]`,
      'drop {name:name} unique constraint [on|from|of [table] {table:name} [table]]',
      'drop unique constraint|index on|from|of {cs:colset}',
      'drop uniqueness [constraint] on|from|of {cs:colset}',
      'make {cs:colset} not unique',
      '{cs:colset} [should|must|need|needs|does|do] no longer [need|needs|has|have] [to] [be] unique',
      '{cs:colset} [should|must|need|needs|does|do] not [need] [to] [be] unique [anymore]',
    ],
    build: (c, r) => {
      if (c.name !== undefined) return [{ op: 'dropUnique', table: ownerTable(c, r, 'uniques', 'unique constraint'), name: c.name as string }];
      const { table, columns } = colsOf(c, r);
      return [{ op: 'dropUnique', table, name: r.constraintOn(table, columns, 'uniques') ?? derivedName(table, columns, 'key') }];
    },
  },
  {
    id: 'add-foreign-key',
    example: 'orders.customer_id references customers (or: add a foreign key from orders.customer_id to customers.id)',
    patterns: [
      `[column] {ref:col} [should|must|will|shall|is|to] [be|now] references|-> {target:target} ${ACTIONS}`,
      `add|create foreign key [${NAMED}] [:] [from|on|for|to] [column] {ref:col} references|to|pointing|towards|-> {target:target} ${ACTIONS}`,
      `add [constraint {name:name}] foreign key ( {ref:col} ) references {target:target} ${ACTIONS}`,
      `make [column] {ref:col} [into] foreign key [to|references|for|on] {target:target} ${ACTIONS}`,
      `make [column] {ref:col} references {target:target} ${ACTIONS}`,
      `[column] {ref:col} [should|must|will|shall] [be] is|be foreign key [to|references|for|on] {target:target} ${ACTIONS}`,
      `link|connect|relate|tie|join [column] {ref:col} to|with {target:target} ${ACTIONS}`,
      `{table:ktable} [table] references {target:target} ${ACTIONS}`,
      `link|connect|relate|tie|join {table:ktable} [table] to|with {target:target} [via|through|using|on|by [column] {via:name}] ${ACTIONS}`,
      `{table:ktable} [table] references {target:target} via|through|using|on|by [column] {via:name} ${ACTIONS}`,
      `add foreign key [from|on|to] {table:ktable} [table] to|references {target:target} ${ACTIONS}`,
    ],
    build: (c, r) => {
      const target = c.target as Target;
      const ref = c.ref
        ? refOf(c, r)
        : c.via
          ? r.column({ table: c.table as string, column: c.via as string })
          : implicitColumn(r.table(c.table as string), target, r);
      return [
        {
          op: 'addForeignKey',
          table: ref.table,
          foreignKey: foreignKeyDef(ref.table, [ref.column], { ...target, ...(c.actions as Actions) }, r, c.name as string | undefined),
        },
      ];
    },
  },
  {
    id: 'drop-foreign-key',
    example: 'drop the foreign key orders_customer_id_fkey on orders',
    patterns: [
      `drop foreign key ${NAMED} [on|from|of [table] {table:name} [table]]`,
      'drop {name:name} foreign key [on|from|of [table] {table:name} [table]]',
      'drop foreign key [on|from|of|for] [column] {ref:col} [to|references {target:target}]',
      'drop foreign key [from|on|between] {table:ktable} [table] to|and|references {target:target}',
      '[column] {ref:col} [should|does|will] no longer references {target:target}',
      '[column] {ref:col} should|does|will|must not references {target:target} [anymore]',
      'unlink [column] {ref:col} from {target:target}',
    ],
    build: (c, r) => {
      if (c.name !== undefined) return [{ op: 'dropForeignKey', table: ownerTable(c, r, 'foreignKeys', 'foreign key'), name: c.name as string }];
      const ref = c.ref ? refOf(c, r) : implicitColumn(r.table(c.table as string), c.target as Target, r);
      return [
        {
          op: 'dropForeignKey',
          table: ref.table,
          name: r.constraintOn(ref.table, [ref.column], 'foreignKeys') ?? derivedName(ref.table, [ref.column], 'fkey'),
        },
      ];
    },
  },
  {
    id: 'drop-constraint',
    example: 'drop constraint orders_customer_id_fkey on orders',
    patterns: [`drop constraint ${NAMED} [on|from|of [table] {table:name} [table]]`, 'drop {name:name} constraint [on|from|of [table] {table:name} [table]]'],
    build: (c, r) => {
      const name = c.name as string;
      const kinds = ['foreignKeys', 'uniques', 'checks'] as const;
      const kind = kinds.find((k) => r.ownerOf(name, k) && (c.table === undefined || r.ownerOf(name, k) === r.table(c.table as string))) ?? kindBySuffix(name);
      const op = ({ foreignKeys: 'dropForeignKey', uniques: 'dropUnique', checks: 'dropCheck' } as const)[kind];
      return [{ op, table: ownerTable(c, r, kind, 'constraint'), name } as MigrationOpInput];
    },
  },
];

/** `orders references customers`: the column of orders that names customers (`customer_id`), from the schema. */
function implicitColumn(table: string, target: Target, r: Resolver): { table: string; column: string } {
  const to = findTable(r.schema, target.table)?.name ?? target.table;
  const singular = to.replace(/ies$/, 'y').replace(/s$/, '');
  const wanted = [`${singular}_id`, `${to}_id`, `${singular}id`].map(compact);
  const found = findTable(r.schema, table)?.columns.find((col) => wanted.includes(compact(col)));
  if (!found) throw new SentenceError(`say which column of ${table} references ${to}, as in ${table}.${singular}_id references ${to}`);
  return { table, column: found };
}

/** What a constraint the schema does not know is, by the suffix Postgres gives it (or a usual prefix: fk_, uq_, chk_). */
function kindBySuffix(name: string): 'foreignKeys' | 'uniques' | 'checks' {
  if (/_(fkey|fk)$|^fk_/i.test(name)) return 'foreignKeys';
  if (/_(key|uq|unique|uniq)$|^(uq|uniq|unique)_/i.test(name)) return 'uniques';
  if (/_(check|chk|ck)$|^(chk|ck|check)_/i.test(name)) return 'checks';
  throw new SentenceError(`no constraint ${name} in the folder's schema: say drop foreign key ${name}, drop unique constraint ${name} or drop check ${name}`);
}
