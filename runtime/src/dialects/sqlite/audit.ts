import type { AuditDialect } from '../audit-dialect.ts';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;
const OPS = [
  ['insert', 'INSERT', null, 'NEW'],
  ['update', 'UPDATE', 'OLD', 'NEW'],
  ['delete', 'DELETE', 'OLD', null],
] as const;

// JSON cannot hold BLOBs: they are captured as hex.
const rowJson = (row: 'OLD' | 'NEW' | null, columns: readonly string[]) =>
  row === null
    ? 'NULL'
    : `json_object(${columns.map((c) => `${lit(c)}, CASE WHEN typeof(${row}.${q(c)}) = 'blob' THEN hex(${row}.${q(c)}) ELSE ${row}.${q(c)} END`).join(', ')})`;

export const sqliteAudit: AuditDialect = {
  createTables: () => [
    `CREATE TABLE IF NOT EXISTS byos_audit_staging (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  actor TEXT NOT NULL DEFAULT 'sqlite',
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}'
)`,
    `CREATE TABLE IF NOT EXISTS byos_audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
)`,
    `CREATE TRIGGER IF NOT EXISTS byos_audit_no_update BEFORE UPDATE ON byos_audit BEGIN SELECT RAISE(ABORT, 'byos_audit is append-only (UPDATE refused)'); END`,
    `CREATE TRIGGER IF NOT EXISTS byos_audit_no_delete BEFORE DELETE ON byos_audit BEGIN SELECT RAISE(ABORT, 'byos_audit is append-only (DELETE refused)'); END`,
  ],
  captureTable: (table) =>
    OPS.flatMap(([op, event, before, after]) => {
      const name = q(`byos_audit_${table.name}_${op}`);
      return [
        `DROP TRIGGER IF EXISTS ${name}`,
        `CREATE TRIGGER ${name} AFTER ${event} ON ${q(table.name)} BEGIN
  INSERT INTO byos_audit_staging (action, subject, details)
  VALUES ('data.${op}', ${lit(table.name)}, json_object('old', ${rowJson(before, table.columns)}, 'new', ${rowJson(after, table.columns)}));
END`,
      ];
    }),
  dropCapture: (table) => OPS.map(([op]) => `DROP TRIGGER IF EXISTS ${q(`byos_audit_${table.name}_${op}`)}`),
  dropAppendOnlyGuard: () => ['DROP TRIGGER IF EXISTS byos_audit_no_update', 'DROP TRIGGER IF EXISTS byos_audit_no_delete'],
};
