import { noNativeParts, type SchemaModel } from '../../../src/contracts/schema-model.ts';
import type { CatalogRows } from '../../../src/dialects/mssql/introspection-queries.ts';
import { columnRow, indexRow } from './chinook-catalog.ts';

/**
 * Catalog rows for a schema that uses what Chinook does not, as SQL Server reports it:
 *
 *   CREATE TYPE dbo.PhoneNumber FROM nvarchar(20) NULL;  CREATE TYPE geo.CountryCode FROM char(2) NOT NULL;
 *   CREATE TABLE dbo.[User Account] (Id uniqueidentifier NOT NULL DEFAULT newid() CONSTRAINT [PK_User Account] PRIMARY KEY,
 *     [Prénom] nvarchar(50) NULL, Region char(2) NOT NULL, Code int NOT NULL, CONSTRAINT UQ_Region_Code UNIQUE (Region, Code));
 *   CREATE TABLE audit.Event (EventId bigint IDENTITY CONSTRAINT PK_Event PRIMARY KEY, Payload nvarchar(max) NULL,
 *     Amount money NOT NULL DEFAULT 0 CONSTRAINT CK_Event_Amount CHECK (Amount >= 0), AmountWithTax AS Amount * 1.09 PERSISTED,
 *     AmountText AS CONVERT(nvarchar(30), Amount), At datetime2 NOT NULL DEFAULT sysutcdatetime(), Actor uniqueidentifier NOT NULL,
 *     IsSystem bit NOT NULL, Raw varbinary(256) NULL, Phone dbo.PhoneNumber, Country geo.CountryCode, Place geography NULL,
 *     Host sysname NOT NULL, Version rowversion, Region char(2) NULL, Code int NULL,
 *     CONSTRAINT UQ_Event_Actor_At UNIQUE (Actor, At), CONSTRAINT CK_Event_Region CHECK (Region <> ''),
 *     CONSTRAINT FK_Event_Actor FOREIGN KEY (Actor) REFERENCES dbo.[User Account] (Id) ON DELETE CASCADE,
 *     CONSTRAINT FK_Event_Region FOREIGN KEY (Code, Region) REFERENCES dbo.[User Account] (Code, Region) ON UPDATE SET NULL);
 *   CREATE INDEX IX_Event_Recent ON audit.Event (At, Actor) INCLUDE (Amount) WHERE IsSystem = 0;
 *   CREATE UNIQUE INDEX UX_Event_Host ON audit.Event (Host);
 *   a view [Recent AS Events] WITH SCHEMABINDING behind a comment, and a view created WITH ENCRYPTION;
 *   MS_Description on audit.Event, on Event.Payload and on the view.
 *
 * The rows are deliberately out of order: the assembly must sort.
 */
const EVENT = 1157579162;
const USER = 1093578934;
const RECENT = 1253579504;
const SECRET = 1269579561;

export const FEATURES_CATALOG: CatalogRows = {
  tables: [
    { schema_name: 'dbo', table_name: 'User Account', object_id: USER, comment: null },
    { schema_name: 'audit', table_name: 'Event', object_id: EVENT, comment: 'Who changed what' },
  ],
  views: [
    { schema_name: 'dbo', view_name: 'Secret', object_id: SECRET, definition: null, comment: null },
    {
      schema_name: 'dbo',
      view_name: 'Recent AS Events',
      object_id: RECENT,
      definition:
        "-- keeps AS in a comment\r\nCREATE VIEW [dbo].[Recent AS Events] ([EventId], [At])\r\nWITH SCHEMABINDING\r\nAS\r\nSELECT EventId, At FROM audit.Event WHERE Host <> N'AS (x)';\r\n",
      comment: 'Last events',
    },
  ],
  columns: [
    columnRow(EVENT, 16, 'Region', 'char(2)'),
    columnRow(EVENT, 1, 'EventId', 'bigint', { is_nullable: false, is_identity: true }),
    columnRow(EVENT, 2, 'Payload', 'nvarchar(max)', { comment: 'JSON text' }),
    columnRow(EVENT, 3, 'Amount', 'money', { is_nullable: false, default_definition: '((0))' }),
    columnRow(EVENT, 4, 'AmountWithTax', 'numeric(25,6)', { is_computed: true, computed_definition: '([Amount]*(1.09))', is_persisted: true }),
    columnRow(EVENT, 5, 'AmountText', 'nvarchar(30)', { is_computed: true, computed_definition: '(CONVERT([nvarchar](30),[Amount]))', is_persisted: false }),
    columnRow(EVENT, 6, 'At', 'datetime2', { is_nullable: false, default_definition: '(sysutcdatetime())' }),
    columnRow(EVENT, 7, 'Actor', 'uniqueidentifier', { is_nullable: false }),
    columnRow(EVENT, 8, 'IsSystem', 'bit', { is_nullable: false }),
    columnRow(EVENT, 9, 'Raw', 'varbinary(256)'),
    columnRow(EVENT, 10, 'Phone', 'nvarchar(20)', { type_name: 'PhoneNumber', type_schema: 'dbo', is_user_defined: true }),
    columnRow(EVENT, 11, 'Country', 'char(2)', { type_name: 'CountryCode', type_schema: 'geo', is_user_defined: true, is_nullable: false }),
    {
      ...columnRow(EVENT, 12, 'Place', 'int'),
      type_name: 'geography',
      base_type_name: 'geography',
      is_assembly_type: true,
      max_length: -1,
      precision: 0,
      scale: 0,
    },
    columnRow(EVENT, 13, 'Host', 'nvarchar(128)', { type_name: 'sysname', is_nullable: false }),
    {
      ...columnRow(EVENT, 14, 'Version', 'int', { is_nullable: false }),
      type_name: 'timestamp',
      base_type_name: 'timestamp',
      max_length: 8,
      precision: 0,
      scale: 0,
    },
    columnRow(EVENT, 17, 'Code', 'int'),
    columnRow(USER, 2, 'Prénom', 'nvarchar(50)'),
    columnRow(USER, 1, 'Id', 'uniqueidentifier', { is_nullable: false, default_definition: '(newid())' }),
    columnRow(USER, 3, 'Region', 'char(2)', { is_nullable: false }),
    columnRow(USER, 4, 'Code', 'int', { is_nullable: false }),
    columnRow(RECENT, 2, 'At', 'datetime2', { is_nullable: false }),
    columnRow(RECENT, 1, 'EventId', 'bigint', { is_nullable: false }),
    columnRow(SECRET, 1, 'Id', 'uniqueidentifier', { is_nullable: false }),
  ],
  aliasTypes: [
    { type_schema: 'geo', type_name: 'CountryCode', base_type_name: 'char', max_length: 2, precision: 0, scale: 0, is_nullable: false },
    { type_schema: 'dbo', type_name: 'PhoneNumber', base_type_name: 'nvarchar', max_length: 40, precision: 0, scale: 0, is_nullable: true },
  ],
  indexes: [
    indexRow(EVENT, 3, 'IX_Event_Recent', 0, 'Amount', { is_included_column: true, has_filter: true, filter_definition: '([IsSystem]=(0))' }),
    indexRow(EVENT, 3, 'IX_Event_Recent', 2, 'Actor', { has_filter: true, filter_definition: '([IsSystem]=(0))' }),
    indexRow(EVENT, 3, 'IX_Event_Recent', 1, 'At', { has_filter: true, filter_definition: '([IsSystem]=(0))' }),
    indexRow(EVENT, 2, 'UQ_Event_Actor_At', 2, 'At', { is_unique: true, constraint_type: 'UQ', constraint_name: 'UQ_Event_Actor_At' }),
    indexRow(EVENT, 2, 'UQ_Event_Actor_At', 1, 'Actor', { is_unique: true, constraint_type: 'UQ', constraint_name: 'UQ_Event_Actor_At' }),
    indexRow(EVENT, 1, 'PK_Event', 1, 'EventId', { is_unique: true, constraint_type: 'PK', constraint_name: 'PK_Event' }),
    indexRow(EVENT, 4, 'UX_Event_Host', 1, 'Host', { is_unique: true }),
    indexRow(USER, 1, 'PK_User Account', 1, 'Id', { is_unique: true, constraint_type: 'PK', constraint_name: 'PK_User Account' }),
    indexRow(USER, 2, 'UQ_Region_Code', 1, 'Region', { is_unique: true, constraint_type: 'UQ', constraint_name: 'UQ_Region_Code' }),
    indexRow(USER, 2, 'UQ_Region_Code', 2, 'Code', { is_unique: true, constraint_type: 'UQ', constraint_name: 'UQ_Region_Code' }),
  ],
  foreignKeys: [
    {
      constraint_id: 1301579675,
      constraint_name: 'FK_Event_Region',
      parent_object_id: EVENT,
      referenced_schema: 'dbo',
      referenced_table: 'User Account',
      delete_referential_action_desc: 'NO_ACTION',
      update_referential_action_desc: 'SET_NULL',
      constraint_column_id: 2,
      column_name: 'Region',
      referenced_column: 'Region',
    },
    {
      constraint_id: 1285579618,
      constraint_name: 'FK_Event_Actor',
      parent_object_id: EVENT,
      referenced_schema: 'dbo',
      referenced_table: 'User Account',
      delete_referential_action_desc: 'CASCADE',
      update_referential_action_desc: 'NO_ACTION',
      constraint_column_id: 1,
      column_name: 'Actor',
      referenced_column: 'Id',
    },
    {
      constraint_id: 1301579675,
      constraint_name: 'FK_Event_Region',
      parent_object_id: EVENT,
      referenced_schema: 'dbo',
      referenced_table: 'User Account',
      delete_referential_action_desc: 'NO_ACTION',
      update_referential_action_desc: 'SET_NULL',
      constraint_column_id: 1,
      column_name: 'Code',
      referenced_column: 'Code',
    },
  ],
  checks: [
    { parent_object_id: EVENT, constraint_name: 'CK_Event_Region', definition: "([Region]<>'')" },
    { parent_object_id: EVENT, constraint_name: 'CK_Event_Amount', definition: '([Amount]>=(0))' },
  ],
  modules: [
    {
      object_type: 'TR',
      schema_name: 'audit',
      object_name: 'Event_NoDelete',
      parent_schema: 'audit',
      parent_name: 'Event',
      definition: "CREATE TRIGGER audit.Event_NoDelete ON audit.Event INSTEAD OF DELETE AS THROW 50000, N'append-only', 1;",
    },
    {
      object_type: 'P ',
      schema_name: 'dbo',
      object_name: 'Purge',
      parent_schema: null,
      parent_name: null,
      definition: 'CREATE PROCEDURE dbo.Purge AS DELETE FROM dbo.[User Account] WHERE 1 = 0;',
    },
  ],
};

const plain = { default: null, identity: null, generated: null, comment: null } as const;

/** What the assembly must make of FEATURES_CATALOG, written out by hand. */
export const FEATURES_MODEL: SchemaModel = {
  ...noNativeParts('dbo'),
  schemas: ['audit', 'dbo', 'geo'].map((name) => ({ name, comment: null })),
  objects: [
    {
      kind: 'trigger',
      name: 'audit.Event_NoDelete',
      table: 'audit.Event',
      definition: "CREATE TRIGGER audit.Event_NoDelete ON audit.Event INSTEAD OF DELETE AS THROW 50000, N'append-only', 1;",
    },
    { kind: 'procedure', name: 'dbo.Purge', table: null, definition: 'CREATE PROCEDURE dbo.Purge AS DELETE FROM dbo.[User Account] WHERE 1 = 0;' },
  ],
  dialect: 'mssql',
  defaultSchema: 'dbo',
  tables: [
    {
      schema: 'audit',
      name: 'Event',
      columns: [
        { ...plain, name: 'EventId', type: { kind: 'bigint' }, nativeType: 'bigint', nullable: false, identity: 'by-default' },
        { ...plain, name: 'Payload', type: { kind: 'text' }, nativeType: 'nvarchar(max)', nullable: true, comment: 'JSON text' },
        { ...plain, name: 'Amount', type: { kind: 'money' }, nativeType: 'money', nullable: false, default: '((0))' },
        {
          ...plain,
          name: 'AmountWithTax',
          type: { kind: 'decimal', precision: 25, scale: 6 },
          nativeType: 'numeric(25,6)',
          nullable: true,
          generated: { kind: 'stored', expression: '([Amount]*(1.09))' },
        },
        {
          ...plain,
          name: 'AmountText',
          type: { kind: 'varchar', length: 30 },
          nativeType: 'nvarchar(30)',
          nullable: true,
          generated: { kind: 'virtual', expression: '(CONVERT([nvarchar](30),[Amount]))' },
        },
        { ...plain, name: 'At', type: { kind: 'timestamp' }, nativeType: 'datetime2', nullable: false, default: '(sysutcdatetime())' },
        { ...plain, name: 'Actor', type: { kind: 'uuid' }, nativeType: 'uniqueidentifier', nullable: false },
        { ...plain, name: 'IsSystem', type: { kind: 'boolean' }, nativeType: 'bit', nullable: false },
        { ...plain, name: 'Raw', type: { kind: 'binary', length: 256 }, nativeType: 'varbinary(256)', nullable: true },
        { ...plain, name: 'Phone', type: { kind: 'varchar', length: 20, domain: 'PhoneNumber' }, nativeType: 'PhoneNumber', nullable: true },
        { ...plain, name: 'Country', type: { kind: 'char', length: 2, domain: 'geo.CountryCode' }, nativeType: 'geo.CountryCode', nullable: false },
        { ...plain, name: 'Place', type: { kind: 'unknown' }, nativeType: 'geography', nullable: true },
        { ...plain, name: 'Host', type: { kind: 'varchar', length: 128 }, nativeType: 'nvarchar(128)', nullable: false },
        { ...plain, name: 'Version', type: { kind: 'unknown' }, nativeType: 'rowversion', nullable: false },
        { ...plain, name: 'Region', type: { kind: 'char', length: 2 }, nativeType: 'char(2)', nullable: true },
        { ...plain, name: 'Code', type: { kind: 'integer' }, nativeType: 'int', nullable: true },
      ],
      primaryKey: { name: 'PK_Event', columns: ['EventId'] },
      foreignKeys: [
        {
          name: 'FK_Event_Actor',
          columns: ['Actor'],
          referencedSchema: 'dbo',
          referencedTable: 'User Account',
          referencedColumns: ['Id'],
          onDelete: 'cascade',
          onUpdate: 'no action',
        },
        {
          name: 'FK_Event_Region',
          columns: ['Code', 'Region'],
          referencedSchema: 'dbo',
          referencedTable: 'User Account',
          referencedColumns: ['Code', 'Region'],
          onDelete: 'no action',
          onUpdate: 'set null',
        },
      ],
      uniques: [{ name: 'UQ_Event_Actor_At', columns: ['Actor', 'At'] }],
      indexes: [
        { name: 'IX_Event_Recent', columns: ['At', 'Actor'], unique: false, where: '([IsSystem]=(0))' },
        { name: 'UX_Event_Host', columns: ['Host'], unique: true, where: null },
      ],
      checks: [
        { name: 'CK_Event_Amount', expression: '([Amount]>=(0))' },
        { name: 'CK_Event_Region', expression: "([Region]<>'')" },
      ],
      comment: 'Who changed what',
      partitionBy: null,
    },
    {
      schema: 'dbo',
      name: 'User Account',
      columns: [
        { ...plain, name: 'Id', type: { kind: 'uuid' }, nativeType: 'uniqueidentifier', nullable: false, default: '(newid())' },
        { ...plain, name: 'Prénom', type: { kind: 'varchar', length: 50 }, nativeType: 'nvarchar(50)', nullable: true },
        { ...plain, name: 'Region', type: { kind: 'char', length: 2 }, nativeType: 'char(2)', nullable: false },
        { ...plain, name: 'Code', type: { kind: 'integer' }, nativeType: 'int', nullable: false },
      ],
      primaryKey: { name: 'PK_User Account', columns: ['Id'] },
      foreignKeys: [],
      uniques: [{ name: 'UQ_Region_Code', columns: ['Region', 'Code'] }],
      indexes: [],
      checks: [],
      comment: null,
      partitionBy: null,
    },
  ],
  views: [
    {
      schema: 'dbo',
      name: 'Recent AS Events',
      columns: [
        { ...plain, name: 'EventId', type: { kind: 'bigint' }, nativeType: 'bigint', nullable: false },
        { ...plain, name: 'At', type: { kind: 'timestamp' }, nativeType: 'datetime2', nullable: false },
      ],
      definition: "SELECT EventId, At FROM audit.Event WHERE Host <> N'AS (x)'",
      materialized: false,
      comment: 'Last events',
    },
    {
      schema: 'dbo',
      name: 'Secret',
      columns: [{ ...plain, name: 'Id', type: { kind: 'uuid' }, nativeType: 'uniqueidentifier', nullable: false }],
      definition: '',
      materialized: false,
      comment: null,
    },
  ],
  enums: [],
  domains: [
    { schema: 'dbo', name: 'PhoneNumber', type: { kind: 'varchar', length: 20 }, nativeType: 'nvarchar(20)', nullable: true, default: null, checks: [] },
    { schema: 'geo', name: 'CountryCode', type: { kind: 'char', length: 2 }, nativeType: 'char(2)', nullable: false, default: null, checks: [] },
  ],
};
