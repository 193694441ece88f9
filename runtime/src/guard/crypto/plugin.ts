import {
  DeleteQueryNode,
  InsertQueryNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  SelectQueryNode,
  type UnknownRow,
  UpdateQueryNode,
} from 'kysely';
import type { ResolvedEncryption } from './config.ts';
import { ciphertextKeyId, FieldCryptoError, isCiphertext } from './envelope.ts';
import { assertNoEncryptedFilter, mapSelections, referencedTables, type ResultMap, tableName } from './read-map.ts';
import { type FieldCipher, transformInsert, transformUpdate } from './write-transform.ts';

/** What the plugin needs for reading: decryption, and a way to learn keys created since it loaded (rotation). */
export interface FieldDecipher extends FieldCipher {
  decrypt(table: string, column: string, primaryKey: readonly unknown[], stored: unknown): unknown;
  hasKey(id: string): boolean;
  /** Reloads the key ring from byos_keys (another process rotated). */
  refresh(): Promise<void>;
}

/**
 * Kysely plugin for field-level encryption. `transformQuery` (synchronous) encrypts configured columns in INSERT and
 * UPDATE values and fills their blind indexes, and refuses writes whose primary key it cannot see; `transformResult`
 * decrypts configured columns of SELECT and RETURNING rows. Fails closed: a ciphertext it cannot attribute to a
 * configured column, or cannot authenticate, throws rather than reaching the application.
 */
export class FieldEncryptionPlugin implements KyselyPlugin {
  readonly #rules: ResolvedEncryption;
  readonly #crypto: FieldDecipher;
  readonly #maps = new WeakMap<object, ResultMap>();

  constructor(rules: ResolvedEncryption, crypto: FieldDecipher) {
    this.#rules = rules;
    this.#crypto = crypto;
  }

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    if (InsertQueryNode.is(node)) {
      const rule = this.#rules.tables.get(tableName(node.into)?.name ?? '');
      const out = rule ? transformInsert(node, rule, this.#crypto) : node;
      this.#remember(queryId, [node.into], node.returning?.selections);
      return out;
    }
    if (UpdateQueryNode.is(node)) {
      const rule = this.#rules.tables.get(tableName(node.table)?.name ?? '');
      const out = rule ? transformUpdate(node, rule, this.#crypto) : node;
      const tables = referencedTables(this.#rules, [node.table, ...(node.from?.froms ?? []), ...(node.joins ?? []).map((j) => j.table)]);
      assertNoEncryptedFilter(tables, node.where);
      this.#remember(queryId, [node.table], node.returning?.selections);
      return out;
    }
    if (SelectQueryNode.is(node)) {
      const sources = [...(node.from?.froms ?? []), ...(node.joins ?? []).map((j) => j.table)];
      assertNoEncryptedFilter(referencedTables(this.#rules, sources), node.where);
      this.#remember(queryId, sources, node.selections);
      return node;
    }
    if (DeleteQueryNode.is(node)) {
      assertNoEncryptedFilter(referencedTables(this.#rules, node.from.froms), node.where);
      this.#remember(queryId, node.from.froms, node.returning?.selections);
    }
    return node;
  }

  #remember(queryId: object, sources: Parameters<typeof referencedTables>[1], selections: Parameters<typeof mapSelections>[1]): void {
    const tables = referencedTables(this.#rules, sources);
    if (tables.size && selections?.length) this.#maps.set(queryId, mapSelections(tables, selections));
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const map = this.#maps.get(queryId);
    if (!result.rows.length) return result;
    const fields = map?.fields ?? [];
    // A rotation elsewhere may have written values under a key this process has not loaded yet.
    const unknownKey = result.rows.some((row) =>
      fields.some((f) => {
        const id = ciphertextKeyId(row[f.output]);
        return id !== undefined && !this.#crypto.hasKey(id);
      }),
    );
    if (unknownKey) await this.#crypto.refresh();
    const rows = result.rows.map((row) => {
      const out: UnknownRow = { ...row };
      const done = new Set<string>();
      for (const f of fields) {
        if (!(f.output in row)) continue;
        done.add(f.output);
        const stored = row[f.output];
        if (stored === null || stored === undefined) continue;
        const pk = f.rule.primaryKey.map((k) => {
          if (!(k in row))
            throw new FieldCryptoError(
              `cannot decrypt ${f.rule.table}.${f.column}: select its primary key (${f.rule.primaryKey.join(', ')}) as well, it is bound into the ciphertext`,
            );
          return row[k];
        });
        out[f.output] = this.#crypto.decrypt(f.rule.table, f.column, pk, stored);
      }
      for (const [name, value] of Object.entries(row)) {
        if (done.has(name) || !isCiphertext(value)) continue;
        throw new FieldCryptoError(
          map?.ambiguous.has(name)
            ? `result column ${name} holds a ciphertext but more than one encrypted table has that column; alias it from one table`
            : `result column ${name} holds a ciphertext the plugin cannot attribute to a configured column (an expression, raw SQL or unconfigured table); select the column by name or use decryptField()`,
        );
      }
      return out;
    });
    return { ...result, rows };
  }
}
