import {
  AliasNode,
  BinaryOperationNode,
  ColumnNode,
  IdentifierNode,
  type OperationNode,
  OperatorNode,
  ReferenceNode,
  SelectAllNode,
  type SelectionNode,
  TableNode,
} from 'kysely';
import type { ResolvedEncryption, TableRule } from './config.ts';
import { FieldCryptoError } from './envelope.ts';

/** One result column the plugin decrypts: where it came from, and the result columns holding its row's key. */
export interface OutputField {
  output: string;
  rule: TableRule;
  column: string;
}

export interface ResultMap {
  fields: OutputField[];
  /** Output names that could come from more than one encrypted table (refused if they hold ciphertext). */
  ambiguous: Set<string>;
}

export function tableName(node: OperationNode | undefined): { name: string; alias?: string } | undefined {
  if (!node) return undefined;
  if (TableNode.is(node)) return { name: node.table.identifier.name };
  if (AliasNode.is(node) && TableNode.is(node.node) && IdentifierNode.is(node.alias)) {
    return { name: node.node.table.identifier.name, alias: node.alias.name };
  }
  return undefined;
}

export function columnName(node: OperationNode): string | undefined {
  if (ColumnNode.is(node)) return node.column.name;
  if (ReferenceNode.is(node) && ColumnNode.is(node.column)) return node.column.column.name;
  return undefined;
}

/** Encrypted tables a query reads, by the name (or alias) the query refers to them with. */
export function referencedTables(rules: ResolvedEncryption, nodes: readonly (OperationNode | undefined)[]): Map<string, TableRule> {
  const out = new Map<string, TableRule>();
  for (const node of nodes) {
    const t = tableName(node);
    const rule = t && rules.tables.get(t.name);
    if (t && rule) out.set(t.alias ?? t.name, rule);
  }
  return out;
}

/** Which output columns hold encrypted values, from the SELECT list or RETURNING list. */
export function mapSelections(tables: Map<string, TableRule>, selections: readonly SelectionNode[] | undefined): ResultMap {
  const map: ResultMap = { fields: [], ambiguous: new Set() };
  const add = (output: string, rule: TableRule, column: string) => {
    if (map.fields.some((f) => f.output === output && f.rule !== rule)) map.ambiguous.add(output);
    else map.fields.push({ output, rule, column });
  };
  const allOf = (rule: TableRule) => rule.columns.forEach((_, column) => add(column, rule, column));
  for (const { selection } of selections ?? []) {
    if (SelectAllNode.is(selection)) {
      tables.forEach(allOf);
      continue;
    }
    const [ref, output] = AliasNode.is(selection) && IdentifierNode.is(selection.alias) ? [selection.node, selection.alias.name] : [selection, undefined];
    if (!ReferenceNode.is(ref)) continue;
    const qualifier = ref.table?.table.identifier.name;
    const candidates = qualifier ? [tables.get(qualifier)].filter((r): r is TableRule => r !== undefined) : [...tables.values()];
    if (SelectAllNode.is(ref.column)) {
      candidates.forEach(allOf);
      continue;
    }
    const column = ref.column.column.name;
    const owners = candidates.filter((r) => r.columns.has(column));
    if (owners.length > 1) map.ambiguous.add(output ?? column);
    else if (owners.length === 1) add(output ?? column, owners[0]!, column);
  }
  return map;
}

/**
 * Refuses a filter that compares an encrypted column with a value: ciphertexts are randomised, so it would
 * silently match nothing. Equality lookups go through the blind-index column instead.
 */
export function assertNoEncryptedFilter(tables: Map<string, TableRule>, where: OperationNode | undefined): void {
  if (!where || tables.size === 0) return;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (BinaryOperationNode.is(node as OperationNode)) {
      const bin = node as BinaryOperationNode;
      const operator = OperatorNode.is(bin.operator) ? bin.operator.operator : '';
      // `IS [NOT] NULL` is fine: nulls are stored as nulls.
      if (operator === 'is' || operator === 'is not') return;
      for (const side of [bin.leftOperand, bin.rightOperand]) {
        if (!ReferenceNode.is(side) && !ColumnNode.is(side)) continue;
        const column = columnName(side);
        const qualifier = ReferenceNode.is(side) ? side.table?.table.identifier.name : undefined;
        const rules = qualifier ? [tables.get(qualifier)] : [...tables.values()];
        const rule = rules.find((r) => r && column && r.columns.has(column));
        if (rule && column) {
          const bidx = rule.columns.get(column)!.blindIndex;
          throw new FieldCryptoError(
            `${rule.table}.${column} is encrypted and cannot be compared in a WHERE clause` +
              (bidx ? `; filter on ${bidx.column} with blindIndexFilter('${rule.table}', '${column}', value)` : '; add a blind index to look it up'),
          );
        }
      }
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  visit(where);
}
