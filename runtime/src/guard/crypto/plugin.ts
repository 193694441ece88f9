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
import { FieldCryptoError, isCiphertext, UnknownKeyError } from './envelope.ts';
import { assertNoEncryptedFilter, mapSelections, referencedTables, type ResultMap, tableName } from './read-map.ts';
import { type ColumnCipher, type FieldCipher, transformInsert, transformUpdate } from './write-transform.ts';

/** What the plugin needs for reading: the column ciphers, and a way to learn keys created since it loaded (rotation). */
export interface FieldDecipher extends FieldCipher {
  /** Reloads the key ring from byos_keys (another process rotated). */
  refresh(): Promise<void>;
}

// Cheap first test before the full format check, run on every value the plugin does not decrypt.
const maybeCiphertext = (value: unknown) => typeof value === 'string' && value.startsWith('byos:v') && isCiphertext(value);

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
    if (!result.rows.length) return result;
    const map = this.#maps.get(queryId);
    try {
      return { ...result, rows: this.#decryptRows(result.rows, map) };
    } catch (error) {
      if (!(error instanceof UnknownKeyError)) throw error;
      // A rotation elsewhere may have written values under a key this process has not loaded yet: reload once, retry.
      await this.#crypto.refresh();
      return { ...result, rows: this.#decryptRows(result.rows, map) };
    }
  }

  #decryptRows(rows: UnknownRow[], map: ResultMap | undefined): UnknownRow[] {
    // Resolved once per result set: which outputs to decrypt, with which column cipher, keyed by which result columns.
    const first = rows[0]!;
    const fields: { output: string; cipher: ColumnCipher; primaryKey: readonly string[] }[] = [];
    for (const f of map?.fields ?? []) {
      if (!(f.output in first)) continue;
      const missing = f.rule.primaryKey.some((k) => !(k in first));
      if (missing && rows.some((row) => row[f.output] !== null && row[f.output] !== undefined))
        throw new FieldCryptoError(
          `cannot decrypt ${f.rule.table}.${f.column}: select its primary key (${f.rule.primaryKey.join(', ')}) as well, it is bound into the ciphertext`,
        );
      if (!missing) fields.push({ output: f.output, cipher: this.#crypto.column(f.rule, f.column), primaryKey: f.rule.primaryKey });
    }
    const decrypted = new Set(fields.map((f) => f.output));
    const out: UnknownRow[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const copy: UnknownRow = { ...row };
      for (const f of fields) {
        const stored = row[f.output];
        if (stored === null || stored === undefined) continue;
        const pk = f.primaryKey.length === 1 ? [row[f.primaryKey[0]!]] : f.primaryKey.map((k) => row[k]);
        copy[f.output] = f.cipher.decrypt(pk, stored);
      }
      // Fail closed on any other value that looks like a ciphertext (checked per row: rows need not share a shape).
      for (const name in row) {
        if (decrypted.has(name) || !maybeCiphertext(row[name])) continue;
        throw new FieldCryptoError(
          map?.ambiguous.has(name)
            ? `result column ${name} holds a ciphertext but more than one encrypted table has that column; alias it from one table`
            : `result column ${name} holds a ciphertext the plugin cannot attribute to a configured column (an expression, raw SQL or unconfigured table); select the column by name or use decryptField()`,
        );
      }
      out[i] = copy;
    }
    return out;
  }
}
