import type { AuditDialect } from '../audit-dialect.ts';

const q = (name: string) => `[${name.replace(/]/g, ']]')}]`;
const lit = (text: string) => `N'${text.replace(/'/g, "''")}'`;

// SQL Server triggers fire once per statement: one staged entry carries every affected row (arrays of old/new).
export const mssqlAudit: AuditDialect = {
  createTables: () => [
    `IF OBJECT_ID(N'dbo.byos_audit_staging', N'U') IS NULL CREATE TABLE dbo.byos_audit_staging (
  id bigint IDENTITY(1,1) PRIMARY KEY,
  at varchar(40) NOT NULL DEFAULT (CONVERT(varchar(27), SYSUTCDATETIME(), 127) + 'Z'),
  actor nvarchar(256) NOT NULL DEFAULT (COALESCE(CONVERT(nvarchar(256), SESSION_CONTEXT(N'byos.actor')), SUSER_SNAME())),
  action nvarchar(100) NOT NULL,
  subject nvarchar(400) NOT NULL,
  details nvarchar(max) NOT NULL DEFAULT (N'{}')
)`,
    `IF OBJECT_ID(N'dbo.byos_audit', N'U') IS NULL CREATE TABLE dbo.byos_audit (
  seq bigint PRIMARY KEY,
  at varchar(40) NOT NULL,
  actor nvarchar(256) NOT NULL,
  action nvarchar(100) NOT NULL,
  subject nvarchar(400) NOT NULL,
  details nvarchar(max) NOT NULL,
  prev_hash char(64) NOT NULL,
  hash char(64) NOT NULL
)`,
    `CREATE OR ALTER TRIGGER dbo.byos_audit_append_only ON dbo.byos_audit INSTEAD OF UPDATE, DELETE AS
BEGIN
  THROW 51000, 'byos_audit is append-only', 1;
END`,
  ],
  captureTable: (table) => [
    `CREATE OR ALTER TRIGGER ${q(`byos_audit_${table.name}`)} ON ${q(table.name)} AFTER INSERT, UPDATE, DELETE AS
BEGIN
  SET NOCOUNT ON;
  IF NOT EXISTS (SELECT 1 FROM inserted) AND NOT EXISTS (SELECT 1 FROM deleted) RETURN;
  INSERT INTO dbo.byos_audit_staging (action, subject, details)
  SELECT
    CASE WHEN EXISTS (SELECT 1 FROM inserted) AND EXISTS (SELECT 1 FROM deleted) THEN N'data.update'
         WHEN EXISTS (SELECT 1 FROM inserted) THEN N'data.insert' ELSE N'data.delete' END,
    ${lit(table.name)},
    (SELECT JSON_QUERY((SELECT * FROM deleted FOR JSON PATH, INCLUDE_NULL_VALUES)) AS old,
            JSON_QUERY((SELECT * FROM inserted FOR JSON PATH, INCLUDE_NULL_VALUES)) AS new
     FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES);
END`,
  ],
  dropCapture: (table) => [`DROP TRIGGER IF EXISTS ${q(`byos_audit_${table.name}`)}`],
  dropAppendOnlyGuard: () => ['DROP TRIGGER IF EXISTS dbo.byos_audit_append_only'],
};
