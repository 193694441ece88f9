import type { ExpressionBuilder, Kysely } from 'kysely';
import { createKey, ensureKeyTable, KEY_TABLE, listKeys } from '../keys/key-store.ts';
import { loadKeyring } from '../keys/keyring.ts';
import type { KeyProvider } from '../keys/provider.ts';
import type { ResolvedEncryption, TableRule } from './config.ts';
import { ciphertextKeyId, type DataKey, decryptField, encryptField, FieldContext, FieldCryptoError, isCiphertext } from './envelope.ts';

export interface RotateOptions {
  /** Rows per batch; each batch is one transaction (default 500). */
  batchSize?: number;
  /** Encrypt values still stored as plaintext (a column newly put under encryption) instead of refusing them. */
  encryptPlaintext?: boolean;
  /** Called after each committed batch (progress; tests inspect the table mid-rotation here). */
  onBatch?: (progress: { table: string; rows: number; reencrypted: number }) => void | Promise<void>;
}

export interface RotationReport {
  newKeyId: string;
  retiredKeyIds: string[];
  /** True when an interrupted rotation's `next` key was picked up again. */
  resumed: boolean;
  tables: { table: string; rows: number; reencrypted: number; encryptedPlaintext: number }[];
}

// Keyset condition `(k1, k2, …) > (v1, v2, …)` written out, so it works on every dialect.
function after(eb: ExpressionBuilder<any, any>, keys: readonly string[], last: readonly unknown[]) {
  const ors = keys.map((k, i) => eb.and([...keys.slice(0, i).map((p, j) => eb(p, '=', last[j])), eb(k, '>', last[i])]));
  return eb.or(ors);
}

/**
 * Rotates a tenant's data key: creates the next key (state `next`), re-encrypts every encrypted column in keyset
 * batches (one transaction each) reading and writing ciphertext only, then retires the old keys and activates the
 * new one. Resumable: a crashed rotation's `next` key is reused and values already under it are skipped.
 */
export async function rotateDataKey(db: Kysely<any>, rules: ResolvedEncryption, provider: KeyProvider, options: RotateOptions = {}): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 500;
  await ensureKeyTable(db);
  const pending = (await listKeys(db)).find((r) => r.purpose === 'data' && r.state === 'next');
  const nextId = pending?.key_id ?? (await createKey(db, rules.tenant, provider, 'data', 'next')).record.key_id;
  const keyring = await loadKeyring(db, rules.tenant, provider);
  const next = keyring.get(nextId)!;
  const report: RotationReport = { newKeyId: nextId, retiredKeyIds: [], resumed: pending !== undefined, tables: [] };
  for (const rule of rules.tables.values()) {
    report.tables.push(await rotateTable(db, rule, rules.tenant, keyring.get, next, batchSize, options));
  }
  await db.transaction().execute(async (trx) => {
    const active = await trx.selectFrom(KEY_TABLE).select('key_id').where('purpose', '=', 'data').where('state', '=', 'active').execute();
    report.retiredKeyIds = active.map((r) => r.key_id as string);
    await trx.updateTable(KEY_TABLE).set({ state: 'retired' }).where('purpose', '=', 'data').where('state', '=', 'active').execute();
    await trx.updateTable(KEY_TABLE).set({ state: 'active' }).where('key_id', '=', nextId).execute();
  });
  return report;
}

async function rotateTable(
  db: Kysely<any>,
  rule: TableRule,
  tenant: string,
  keys: (id: string) => DataKey | undefined,
  next: { id: string; material: Buffer },
  batchSize: number,
  options: RotateOptions,
): Promise<RotationReport['tables'][number]> {
  const columns = [...rule.columns.keys()];
  const fields = new Map(columns.map((column) => [column, new FieldContext(tenant, rule.table, column)]));
  const stats = { table: rule.table, rows: 0, reencrypted: 0, encryptedPlaintext: 0 };
  let last: unknown[] | undefined;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      let query = trx.selectFrom(rule.table).select([...rule.primaryKey, ...columns]);
      if (last) {
        const from = last;
        query = query.where((eb) => after(eb, rule.primaryKey, from));
      }
      for (const k of rule.primaryKey) query = query.orderBy(k);
      const rows = await query.limit(batchSize).execute();
      let reencrypted = 0;
      for (const row of rows) {
        const pk = rule.primaryKey.map((k) => row[k]);
        const set: Record<string, string> = {};
        for (const column of columns) {
          const stored = row[column];
          if (stored === null || stored === undefined || ciphertextKeyId(stored) === next.id) continue;
          const field = fields.get(column)!;
          let plain: unknown;
          if (isCiphertext(stored)) plain = decryptField(keys, stored, field, pk);
          else if (options.encryptPlaintext) {
            plain = stored;
            stats.encryptedPlaintext++;
          } else {
            throw new FieldCryptoError(
              `${rule.table}.${column} (key ${pk.join(', ')}) holds a value that is not a byos ciphertext; rerun with encryptPlaintext (--encrypt-plaintext) to encrypt existing data`,
            );
          }
          const value = encryptField(next, plain, field, pk);
          // Belt and braces: only a ciphertext under the new key is ever written back.
          if (ciphertextKeyId(value) !== next.id) throw new FieldCryptoError(`rotation produced a value not under key ${next.id}`);
          set[column] = value;
        }
        if (Object.keys(set).length === 0) continue;
        let update = trx.updateTable(rule.table).set(set);
        for (const [i, k] of rule.primaryKey.entries()) update = update.where(k, '=', pk[i]);
        await update.execute();
        reencrypted++;
      }
      return { rows, reencrypted };
    });
    stats.rows += batch.rows.length;
    stats.reencrypted += batch.reencrypted;
    if (batch.rows.length) await options.onBatch?.({ table: rule.table, rows: stats.rows, reencrypted: stats.reencrypted });
    if (batch.rows.length < batchSize) return stats;
    const end = batch.rows[batch.rows.length - 1]!;
    last = rule.primaryKey.map((k) => end[k]);
  }
}
