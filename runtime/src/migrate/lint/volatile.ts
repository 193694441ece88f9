/**
 * Functions whose value differs per row (VOLATILE in Postgres terms; NEWID/RAND in SQL Server, randomblob in
 * SQLite). A column added with one of these as its default must compute it for every existing row: a rewrite.
 * `now()` / CURRENT_TIMESTAMP are deliberately absent: they are stable, evaluated once per statement.
 */
export const VOLATILE_FUNCTIONS = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'txid_current',
  'newid',
  'newsequentialid',
  'rand',
  'randomblob',
  'gen_random_bytes',
  'setseed',
]);

/** The first volatile function called in an SQL expression's text, or null. */
export function volatileCall(sqlText: string): string | null {
  for (const match of sqlText.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    const name = match[1]!.toLowerCase();
    if (VOLATILE_FUNCTIONS.has(name)) return name;
  }
  return null;
}
