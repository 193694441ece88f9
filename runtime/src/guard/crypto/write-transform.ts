import {
  AndNode,
  BinaryOperationNode,
  ColumnNode,
  ColumnUpdateNode,
  DefaultInsertValueNode,
  type InsertQueryNode,
  type OperationNode,
  OperatorNode,
  ParensNode,
  PrimitiveValueListNode,
  ReferenceNode,
  type UpdateQueryNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
} from 'kysely';
import type { TableRule } from './config.ts';
import { FieldCryptoError } from './envelope.ts';
import { columnName } from './read-map.ts';

/** One encrypted column's operations, resolved once per query (synchronous: keys were unwrapped before any query). */
export interface ColumnCipher {
  encrypt(primaryKey: readonly unknown[], value: unknown): string;
  /** Throws UnknownKeyError when the value names a key not loaded yet. */
  decrypt(primaryKey: readonly unknown[], stored: unknown): unknown;
  /** Present when the column has a blind index. */
  blindIndex?: (value: unknown) => string;
}

/** What the write transforms need from the key ring. */
export interface FieldCipher {
  column(rule: TableRule, column: string): ColumnCipher;
}

const pkRule = (rule: TableRule) =>
  `table ${rule.table} has encrypted columns, so its primary key (${rule.primaryKey.join(', ')}) is bound into each ciphertext and must be ` +
  'known when the row is written';

/** Plaintext of a value node, or a clear refusal when it is an expression the plugin cannot encrypt. */
function plainValue(rule: TableRule, column: string, node: unknown, primitive: boolean): { value: unknown } | 'default' {
  if (primitive) return { value: node };
  const op = node as OperationNode;
  if (ValueNode.is(op)) return { value: op.value };
  if (DefaultInsertValueNode.is(op)) return 'default';
  throw new FieldCryptoError(
    `${rule.table}.${column} is encrypted, but the query sets it to an SQL expression (${op.kind}) the plugin cannot encrypt; pass a plain value, or encrypt it with encryptField()`,
  );
}

/** INSERT: encrypts configured columns of every row and fills their blind-index columns. */
export function transformInsert(node: InsertQueryNode, rule: TableRule, cipher: FieldCipher): InsertQueryNode {
  const columns = (node.columns ?? []).map((c) => c.column.name);
  const touched = columns.some((c) => rule.columns.has(c) || rule.indexColumns.has(c));
  if (
    node.onConflict?.updates?.some((u) => {
      const c = columnName(u.column);
      return c !== undefined && (rule.columns.has(c) || rule.indexColumns.has(c));
    })
  ) {
    assertSafeUpsert(node, rule);
  }
  if (!touched) return node;
  if (!node.values || !ValuesNode.is(node.values)) {
    throw new FieldCryptoError(
      `${rule.table} has encrypted columns; INSERT ... SELECT cannot be encrypted by the plugin (insert values, or encrypt with encryptField())`,
    );
  }
  const pkIndex = rule.primaryKey.map((k) => {
    const i = columns.indexOf(k);
    if (i < 0)
      throw new FieldCryptoError(
        `${pkRule(rule)}: the INSERT does not set ${k}; generate it in the client (e.g. randomUUID()) instead of leaving it to an identity or default`,
      );
    return i;
  });
  // Blind-index columns the query does not name are appended; ones it names are recomputed from the plaintext.
  const extra = [...rule.columns.values()].filter((c) => c.blindIndex && columns.includes(c.name) && !columns.includes(c.blindIndex.column));
  const outColumns = [...columns, ...extra.map((c) => c.blindIndex!.column)];
  // Per column, resolved once per query: its cipher and where its blind index goes.
  const plan = columns.map((column) => {
    const spec = rule.columns.get(column);
    return spec && { column, cipher: cipher.column(rule, column), indexAt: spec.blindIndex ? outColumns.indexOf(spec.blindIndex.column) : -1 };
  });
  const rows = node.values.values.map((row) => {
    const primitive = PrimitiveValueListNode.is(row);
    const raw = row.values as readonly unknown[];
    const pk = pkIndex.map((i, j) => {
      const v = plainValue(rule, rule.primaryKey[j]!, raw[i], primitive);
      if (v === 'default' || v.value === null || v.value === undefined)
        throw new FieldCryptoError(`${pkRule(rule)}: a row of the INSERT leaves ${columns[i]} empty`);
      return v.value;
    });
    const out: unknown[] = [...raw];
    for (let k = 0; k < extra.length; k++) out.push(primitive ? null : ValueNode.create(null));
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i];
      if (!p) continue;
      const v = plainValue(rule, p.column, raw[i], primitive);
      const plain = v === 'default' ? null : v.value;
      const empty = plain === null || plain === undefined;
      const encrypted = empty ? undefined : p.cipher.encrypt(pk, plain);
      out[i] = empty ? raw[i] : primitive ? encrypted : ValueNode.create(encrypted);
      if (p.indexAt >= 0) {
        const digest = empty ? null : p.cipher.blindIndex!(plain);
        out[p.indexAt] = primitive ? digest : ValueNode.create(digest);
      }
    }
    return primitive ? PrimitiveValueListNode.create(out) : ValueListNode.create(out as OperationNode[]);
  });
  return { ...node, columns: outColumns.map((c) => ColumnNode.create(c)), values: ValuesNode.create(rows) };
}

// `ON CONFLICT (pk) DO UPDATE SET col = excluded.col` keeps the ciphertext on the row it was bound to; any other
// upsert could land a ciphertext on a different row, or write an expression the plugin cannot encrypt.
function assertSafeUpsert(node: InsertQueryNode, rule: TableRule): void {
  const target = (node.onConflict?.columns ?? []).map((c) => c.column.name).sort();
  const samePk = target.length === rule.primaryKey.length && [...rule.primaryKey].sort().every((k, i) => k === target[i]);
  for (const update of node.onConflict?.updates ?? []) {
    const column = columnName(update.column);
    if (!column || !(rule.columns.has(column) || rule.indexColumns.has(column))) continue;
    const fromExcluded = ReferenceNode.is(update.value) && update.value.table?.table.identifier.name === 'excluded' && columnName(update.value) === column;
    if (!samePk || !fromExcluded) {
      throw new FieldCryptoError(
        `${rule.table}.${column} is encrypted: an upsert may only set it to excluded.${column}, with the conflict target being the primary key (${rule.primaryKey.join(', ')})`,
      );
    }
  }
}

/** Equality conditions `col = value` joined by AND in a WHERE clause. */
function equalities(node: OperationNode | undefined, out = new Map<string, unknown>()): Map<string, unknown> {
  if (!node) return out;
  if (ParensNode.is(node)) return equalities(node.node, out);
  if (AndNode.is(node)) {
    equalities(node.left, out);
    return equalities(node.right, out);
  }
  if (BinaryOperationNode.is(node) && OperatorNode.is(node.operator) && node.operator.operator === '=') {
    const column = columnName(node.leftOperand);
    if (column && ValueNode.is(node.rightOperand)) out.set(column, node.rightOperand.value);
  }
  return out;
}

/** UPDATE: encrypts configured columns; the row's key must be pinned by `WHERE pk = value` (AND'ed). */
export function transformUpdate(node: UpdateQueryNode, rule: TableRule, ciphers: FieldCipher): UpdateQueryNode {
  const updates = node.updates ?? [];
  const names = updates.map((u) => columnName(u.column));
  if (!names.some((c) => c !== undefined && (rule.columns.has(c) || rule.indexColumns.has(c)))) {
    const pkChange = names.find((c) => c !== undefined && rule.primaryKey.includes(c));
    if (pkChange)
      throw new FieldCryptoError(
        `${pkRule(rule)}: changing ${rule.table}.${pkChange} would orphan the row's ciphertexts; copy the row with encryptField() instead`,
      );
    return node;
  }
  const known = equalities(node.where?.where);
  const pk = rule.primaryKey.map((k) => {
    if (!known.has(k) || known.get(k) === null) {
      throw new FieldCryptoError(
        `${pkRule(rule)}: an UPDATE of encrypted columns must select one row with WHERE ${rule.primaryKey.map((c) => `${c} = value`).join(' AND ')}`,
      );
    }
    return known.get(k);
  });
  const out: ColumnUpdateNode[] = [];
  for (const update of updates) {
    const column = columnName(update.column);
    if (column && rule.primaryKey.includes(column)) throw new FieldCryptoError(`${pkRule(rule)}: the UPDATE changes ${rule.table}.${column}`);
    if (column && rule.indexColumns.has(column)) continue; // recomputed below from the plaintext
    const spec = column ? rule.columns.get(column) : undefined;
    if (!spec) {
      out.push(update);
      continue;
    }
    const cipher = ciphers.column(rule, spec.name);
    const v = plainValue(rule, spec.name, update.value, false);
    const plain = v === 'default' ? null : v.value;
    const empty = plain === null || plain === undefined;
    out.push(ColumnUpdateNode.create(update.column, empty ? update.value : ValueNode.create(cipher.encrypt(pk, plain))));
    if (spec.blindIndex) {
      out.push(ColumnUpdateNode.create(ColumnNode.create(spec.blindIndex.column), ValueNode.create(empty ? null : cipher.blindIndex!(plain))));
    }
  }
  return { ...node, updates: out };
}
