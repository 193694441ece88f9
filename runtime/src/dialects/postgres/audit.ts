import type { AuditDialect } from '../audit-dialect.ts';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export const postgresAudit: AuditDialect = {
  createTables: () => [
    `CREATE TABLE IF NOT EXISTS byos_audit_staging (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at text NOT NULL DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  actor text NOT NULL DEFAULT coalesce(nullif(current_setting('byos.actor', true), ''), session_user),
  action text NOT NULL,
  subject text NOT NULL,
  details text NOT NULL DEFAULT '{}'
)`,
    `CREATE TABLE IF NOT EXISTS byos_audit (
  seq bigint PRIMARY KEY,
  at text NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  details text NOT NULL,
  prev_hash char(64) NOT NULL,
  hash char(64) NOT NULL
)`,
    `CREATE OR REPLACE FUNCTION byos_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'byos_audit is append-only (% refused)', TG_OP;
END $$`,
    `CREATE OR REPLACE TRIGGER byos_audit_append_only BEFORE UPDATE OR DELETE ON byos_audit FOR EACH ROW EXECUTE FUNCTION byos_audit_append_only()`,
    `CREATE OR REPLACE TRIGGER byos_audit_no_truncate BEFORE TRUNCATE ON byos_audit FOR EACH STATEMENT EXECUTE FUNCTION byos_audit_append_only()`,
    `CREATE OR REPLACE FUNCTION byos_audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO byos_audit_staging (action, subject, details) VALUES (
    'data.' || lower(TG_OP),
    TG_TABLE_NAME,
    json_build_object(
      'old', CASE WHEN TG_OP <> 'INSERT' THEN row_to_json(OLD) END,
      'new', CASE WHEN TG_OP <> 'DELETE' THEN row_to_json(NEW) END
    )::text
  );
  RETURN NULL;
END $$`,
  ],
  captureTable: (table) => [
    `CREATE OR REPLACE TRIGGER byos_audit_capture AFTER INSERT OR UPDATE OR DELETE ON ${q(table.name)} FOR EACH ROW EXECUTE FUNCTION byos_audit_capture()`,
  ],
  dropCapture: (table) => [`DROP TRIGGER IF EXISTS byos_audit_capture ON ${q(table.name)}`],
  dropAppendOnlyGuard: () => ['DROP TRIGGER IF EXISTS byos_audit_append_only ON byos_audit', 'DROP TRIGGER IF EXISTS byos_audit_no_truncate ON byos_audit'],
};
