/**
 * The catalog queries the SQL Server introspector runs, one per kind of object for the whole database. They are
 * kept as plain text so tests can check them with a T-SQL parser (no SQL Server runs on the build machines).
 */

const DESCRIPTION = `ep.class = 1 AND ep.name = 'MS_Description'`;

export const TABLES_QUERY = `
SELECT s.name AS schema_name, t.name AS table_name, t.object_id, CAST(ep.value AS nvarchar(4000)) AS comment
FROM sys.tables t
JOIN sys.schemas s ON s.schema_id = t.schema_id
LEFT JOIN sys.extended_properties ep ON ep.major_id = t.object_id AND ep.minor_id = 0 AND ${DESCRIPTION}
WHERE t.is_ms_shipped = 0`;

export const VIEWS_QUERY = `
SELECT s.name AS schema_name, v.name AS view_name, v.object_id, m.definition, CAST(ep.value AS nvarchar(4000)) AS comment
FROM sys.views v
JOIN sys.schemas s ON s.schema_id = v.schema_id
JOIN sys.sql_modules m ON m.object_id = v.object_id
LEFT JOIN sys.extended_properties ep ON ep.major_id = v.object_id AND ep.minor_id = 0 AND ${DESCRIPTION}
WHERE v.is_ms_shipped = 0`;

export const COLUMNS_QUERY = `
SELECT c.object_id, c.column_id, c.name AS column_name, bt.name AS type_name, c.max_length, c.precision, c.scale,
  c.is_nullable, c.is_identity, c.is_computed, cc.definition AS computed_definition, cc.is_persisted,
  dc.definition AS default_definition, CAST(ep.value AS nvarchar(4000)) AS comment
FROM sys.columns c
JOIN sys.objects o ON o.object_id = c.object_id
JOIN sys.types ty ON ty.user_type_id = c.user_type_id
JOIN sys.types bt ON bt.user_type_id = ty.system_type_id
LEFT JOIN sys.computed_columns cc ON cc.object_id = c.object_id AND cc.column_id = c.column_id
LEFT JOIN sys.default_constraints dc ON dc.object_id = c.default_object_id
LEFT JOIN sys.extended_properties ep ON ep.major_id = c.object_id AND ep.minor_id = c.column_id AND ${DESCRIPTION}
WHERE o.is_ms_shipped = 0 AND o.type IN ('U', 'V')`;

export const INDEXES_QUERY = `
SELECT i.object_id, i.index_id, i.name AS index_name, i.is_unique, i.is_primary_key, i.is_unique_constraint,
  i.has_filter, i.filter_definition, ic.key_ordinal, ic.is_included_column, col.name AS column_name
FROM sys.indexes i
JOIN sys.objects o ON o.object_id = i.object_id
JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
JOIN sys.columns col ON col.object_id = ic.object_id AND col.column_id = ic.column_id
WHERE o.is_ms_shipped = 0 AND o.type = 'U' AND i.type > 0`;

export const FOREIGN_KEYS_QUERY = `
SELECT fk.object_id AS constraint_id, fk.name AS constraint_name, fk.parent_object_id, rs.name AS referenced_schema,
  rt.name AS referenced_table, fk.delete_referential_action_desc, fk.update_referential_action_desc,
  fkc.constraint_column_id, pc.name AS column_name, rc.name AS referenced_column
FROM sys.foreign_keys fk
JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
JOIN sys.tables rt ON rt.object_id = fk.referenced_object_id
JOIN sys.schemas rs ON rs.schema_id = rt.schema_id`;

export const CHECKS_QUERY = `
SELECT cc.parent_object_id, cc.name AS constraint_name, cc.definition
FROM sys.check_constraints cc
WHERE cc.is_ms_shipped = 0`;

export const INTROSPECTION_QUERIES = {
  tables: TABLES_QUERY,
  views: VIEWS_QUERY,
  columns: COLUMNS_QUERY,
  indexes: INDEXES_QUERY,
  foreignKeys: FOREIGN_KEYS_QUERY,
  checks: CHECKS_QUERY,
} as const;

export interface TableRow { schema_name: string; table_name: string; object_id: number; comment: string | null }
export interface ViewRow { schema_name: string; view_name: string; object_id: number; definition: string; comment: string | null }
export interface ColumnRow {
  object_id: number; column_id: number; column_name: string; type_name: string; max_length: number; precision: number; scale: number;
  is_nullable: boolean; is_identity: boolean; is_computed: boolean; computed_definition: string | null; is_persisted: boolean | null;
  default_definition: string | null; comment: string | null;
}
export interface IndexRow {
  object_id: number; index_id: number; index_name: string; is_unique: boolean; is_primary_key: boolean; is_unique_constraint: boolean;
  has_filter: boolean; filter_definition: string | null; key_ordinal: number; is_included_column: boolean; column_name: string;
}
export interface ForeignKeyRow {
  constraint_id: number; constraint_name: string; parent_object_id: number; referenced_schema: string; referenced_table: string;
  delete_referential_action_desc: string; update_referential_action_desc: string; constraint_column_id: number; column_name: string; referenced_column: string;
}
export interface CheckRow { parent_object_id: number; constraint_name: string; definition: string }

export interface CatalogRows {
  tables: TableRow[];
  views: ViewRow[];
  columns: ColumnRow[];
  indexes: IndexRow[];
  foreignKeys: ForeignKeyRow[];
  checks: CheckRow[];
}
