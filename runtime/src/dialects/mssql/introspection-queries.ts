/**
 * The catalog queries the SQL Server introspector runs: one per kind of object, each for the whole database, so
 * introspection costs seven round trips whatever the size of the schema. They are plain text so tests can check
 * them with a T-SQL parser (no SQL Server runs on the build machines). Each row interface below lists exactly the
 * columns its query selects; tedious returns bit as boolean, int/smallint/tinyint as number.
 */

/** Comments are MS_Description extended properties, as SSMS and the Azure portal write them. */
const DESCRIPTION = `ep.class = 1 AND ep.name = N'MS_Description'`;

/** User tables. SSMS's database-diagram table (sysdiagrams) is not shipped by Microsoft but is tooling, not data. */
export const TABLES_QUERY = `
SELECT s.name AS schema_name, t.name AS table_name, t.object_id, CAST(ep.value AS nvarchar(4000)) AS comment
FROM sys.tables t
JOIN sys.schemas s ON s.schema_id = t.schema_id
LEFT JOIN sys.extended_properties ep ON ep.major_id = t.object_id AND ep.minor_id = 0 AND ${DESCRIPTION}
WHERE t.is_ms_shipped = 0
  AND NOT EXISTS (
    SELECT 1 FROM sys.extended_properties tool
    WHERE tool.class = 1 AND tool.major_id = t.object_id AND tool.minor_id = 0 AND tool.name = N'microsoft_database_tools_support'
  )`;

/** Views with their source text (NULL for views created WITH ENCRYPTION). */
export const VIEWS_QUERY = `
SELECT s.name AS schema_name, v.name AS view_name, v.object_id, m.definition, CAST(ep.value AS nvarchar(4000)) AS comment
FROM sys.views v
JOIN sys.schemas s ON s.schema_id = v.schema_id
LEFT JOIN sys.sql_modules m ON m.object_id = v.object_id
LEFT JOIN sys.extended_properties ep ON ep.major_id = v.object_id AND ep.minor_id = 0 AND ${DESCRIPTION}
WHERE v.is_ms_shipped = 0`;

/**
 * Columns of tables and views. `type_name` is the declared type (an alias type's own name); `base_type_name` is the
 * system type underneath (nvarchar for sysname and for an alias of nvarchar; the CLR types geography, geometry and
 * hierarchyid have no base row, so their own name). max_length is in bytes, -1 for max.
 */
export const COLUMNS_QUERY = `
SELECT c.object_id, c.column_id, c.name AS column_name,
  ty.name AS type_name, SCHEMA_NAME(ty.schema_id) AS type_schema, ty.is_user_defined, ty.is_assembly_type,
  COALESCE(bt.name, ty.name) AS base_type_name, c.max_length, c.precision, c.scale,
  c.is_nullable, c.is_identity, c.is_computed, cc.definition AS computed_definition, cc.is_persisted,
  dc.definition AS default_definition, CAST(ep.value AS nvarchar(4000)) AS comment
FROM sys.columns c
JOIN sys.objects o ON o.object_id = c.object_id
JOIN sys.types ty ON ty.user_type_id = c.user_type_id
LEFT JOIN sys.types bt ON bt.user_type_id = ty.system_type_id
LEFT JOIN sys.computed_columns cc ON cc.object_id = c.object_id AND cc.column_id = c.column_id
LEFT JOIN sys.default_constraints dc ON dc.object_id = c.default_object_id
LEFT JOIN sys.extended_properties ep ON ep.major_id = c.object_id AND ep.minor_id = c.column_id AND ${DESCRIPTION}
WHERE o.is_ms_shipped = 0 AND o.type IN ('U', 'V')`;

/**
 * Alias types (CREATE TYPE name FROM base): SQL Server's counterpart of a SQL domain. CLR and table types are not
 * column types a neutral model can describe.
 */
export const ALIAS_TYPES_QUERY = `
SELECT SCHEMA_NAME(ty.schema_id) AS type_schema, ty.name AS type_name, bt.name AS base_type_name,
  ty.max_length, ty.precision, ty.scale, ty.is_nullable
FROM sys.types ty
JOIN sys.types bt ON bt.user_type_id = ty.system_type_id
WHERE ty.is_user_defined = 1 AND ty.is_assembly_type = 0 AND ty.is_table_type = 0`;

/**
 * Key columns of rowstore indexes (clustered, nonclustered, memory-optimized hash), with the primary-key or unique
 * constraint each index backs. XML, spatial and columnstore indexes have no key-column form in the neutral model.
 */
export const INDEXES_QUERY = `
SELECT i.object_id, i.index_id, i.name AS index_name, i.is_unique, kc.type AS constraint_type, kc.name AS constraint_name,
  i.has_filter, i.filter_definition, ic.key_ordinal, ic.is_included_column, col.name AS column_name
FROM sys.indexes i
JOIN sys.tables t ON t.object_id = i.object_id
JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
JOIN sys.columns col ON col.object_id = ic.object_id AND col.column_id = ic.column_id
LEFT JOIN sys.key_constraints kc ON kc.parent_object_id = i.object_id AND kc.unique_index_id = i.index_id
WHERE t.is_ms_shipped = 0 AND i.type IN (1, 2, 7) AND i.is_hypothetical = 0`;

export const FOREIGN_KEYS_QUERY = `
SELECT fk.object_id AS constraint_id, fk.name AS constraint_name, fk.parent_object_id, rs.name AS referenced_schema,
  rt.name AS referenced_table, fk.delete_referential_action_desc, fk.update_referential_action_desc,
  fkc.constraint_column_id, pc.name AS column_name, rc.name AS referenced_column
FROM sys.foreign_keys fk
JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
JOIN sys.tables rt ON rt.object_id = fk.referenced_object_id
JOIN sys.schemas rs ON rs.schema_id = rt.schema_id
WHERE fk.is_ms_shipped = 0`;

export const CHECKS_QUERY = `
SELECT cc.parent_object_id, cc.name AS constraint_name, cc.definition
FROM sys.check_constraints cc
WHERE cc.is_ms_shipped = 0`;

/** Procedures, functions and triggers with their T-SQL: no neutral form, listed by name (change capture's left out). */
export const MODULES_QUERY = `
SELECT o.type AS object_type, SCHEMA_NAME(o.schema_id) AS schema_name, o.name AS object_name,
  OBJECT_SCHEMA_NAME(o.parent_object_id) AS parent_schema, OBJECT_NAME(o.parent_object_id) AS parent_name, m.definition
FROM sys.sql_modules m
JOIN sys.objects o ON o.object_id = m.object_id
WHERE o.is_ms_shipped = 0 AND o.type IN ('P', 'FN', 'IF', 'TF', 'TR') AND o.name NOT LIKE 'byos[_]capture%'`;

export const INTROSPECTION_QUERIES = {
  tables: TABLES_QUERY,
  views: VIEWS_QUERY,
  columns: COLUMNS_QUERY,
  aliasTypes: ALIAS_TYPES_QUERY,
  indexes: INDEXES_QUERY,
  foreignKeys: FOREIGN_KEYS_QUERY,
  checks: CHECKS_QUERY,
  modules: MODULES_QUERY,
} as const;

export interface ModuleRow {
  /** P procedure, FN/IF/TF function, TR trigger. */
  object_type: string;
  schema_name: string;
  object_name: string;
  parent_schema: string | null;
  parent_name: string | null;
  definition: string | null;
}

export interface TableRow {
  schema_name: string;
  table_name: string;
  object_id: number;
  comment: string | null;
}

export interface ViewRow {
  schema_name: string;
  view_name: string;
  object_id: number;
  definition: string | null;
  comment: string | null;
}

export interface ColumnRow {
  object_id: number;
  column_id: number;
  column_name: string;
  type_name: string;
  type_schema: string;
  is_user_defined: boolean;
  is_assembly_type: boolean;
  base_type_name: string;
  max_length: number;
  precision: number;
  scale: number;
  is_nullable: boolean;
  is_identity: boolean;
  is_computed: boolean;
  computed_definition: string | null;
  is_persisted: boolean | null;
  default_definition: string | null;
  comment: string | null;
}

export interface AliasTypeRow {
  type_schema: string;
  type_name: string;
  base_type_name: string;
  max_length: number;
  precision: number;
  scale: number;
  is_nullable: boolean;
}

export interface IndexRow {
  object_id: number;
  index_id: number;
  index_name: string;
  is_unique: boolean;
  /** `PK` or `UQ` (sys.key_constraints.type, char(2)) when the index backs a constraint, else null. */
  constraint_type: string | null;
  constraint_name: string | null;
  has_filter: boolean;
  filter_definition: string | null;
  key_ordinal: number;
  is_included_column: boolean;
  column_name: string;
}

export interface ForeignKeyRow {
  constraint_id: number;
  constraint_name: string;
  parent_object_id: number;
  referenced_schema: string;
  referenced_table: string;
  /** NO_ACTION, CASCADE, SET_NULL or SET_DEFAULT. */
  delete_referential_action_desc: string;
  update_referential_action_desc: string;
  constraint_column_id: number;
  column_name: string;
  referenced_column: string;
}

export interface CheckRow {
  parent_object_id: number;
  constraint_name: string;
  definition: string;
}

/** Every query's rows, keyed as INTROSPECTION_QUERIES is. */
export interface CatalogRows {
  tables: TableRow[];
  views: ViewRow[];
  columns: ColumnRow[];
  aliasTypes: AliasTypeRow[];
  indexes: IndexRow[];
  foreignKeys: ForeignKeyRow[];
  checks: CheckRow[];
  /** Absent in catalogs recorded before modules were read. */
  modules?: ModuleRow[];
}
