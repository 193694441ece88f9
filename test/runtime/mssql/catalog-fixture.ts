import type { CatalogRows, ColumnRow } from '../../../runtime/src/dialects/mssql/introspection-queries.ts';

/**
 * Catalog rows as SQL Server returns them for part of Chinook's SQL Server script (data/chinook/Chinook_SqlServer.sql):
 * Artist, Album and PlaylistTrack, plus a table and a view that use the remaining column features.
 * object ids: Artist 101, Album 102, PlaylistTrack 103, Audit 104, view 201.
 */
function column(object_id: number, column_id: number, column_name: string, type_name: string, max_length: number, extra: Partial<ColumnRow> = {}): ColumnRow {
  return {
    object_id, column_id, column_name, type_name, max_length, precision: 0, scale: 0, is_nullable: false, is_identity: false,
    is_computed: false, computed_definition: null, is_persisted: null, default_definition: null, comment: null, ...extra,
  };
}

export const CHINOOK_PART: CatalogRows = {
  tables: [
    { schema_name: 'dbo', table_name: 'Album', object_id: 102, comment: null },
    { schema_name: 'dbo', table_name: 'Artist', object_id: 101, comment: null },
    { schema_name: 'audit', table_name: 'Event', object_id: 104, comment: 'Who changed what' },
    { schema_name: 'dbo', table_name: 'PlaylistTrack', object_id: 103, comment: null },
  ],
  views: [{ schema_name: 'dbo', view_name: 'AlbumTitles', object_id: 201, definition: 'CREATE VIEW [dbo].[AlbumTitles] AS SELECT Title FROM dbo.Album', comment: null }],
  columns: [
    column(101, 2, 'Name', 'nvarchar', 240, { is_nullable: true }),
    column(101, 1, 'ArtistId', 'int', 4),
    column(102, 1, 'AlbumId', 'int', 4),
    column(102, 2, 'Title', 'nvarchar', 320),
    column(102, 3, 'ArtistId', 'int', 4),
    column(103, 1, 'PlaylistId', 'int', 4),
    column(103, 2, 'TrackId', 'int', 4),
    column(104, 1, 'EventId', 'bigint', 8, { is_identity: true }),
    column(104, 2, 'Payload', 'nvarchar', -1, { is_nullable: true, comment: 'JSON text' }),
    column(104, 3, 'Amount', 'money', 8, { precision: 19, scale: 4, default_definition: '((0))' }),
    column(104, 4, 'AmountWithTax', 'decimal', 9, { precision: 12, scale: 2, is_computed: true, computed_definition: '([Amount]*(1.09))', is_persisted: true }),
    column(104, 5, 'At', 'datetime2', 8, { scale: 7, default_definition: '(sysutcdatetime())' }),
    column(104, 6, 'Actor', 'uniqueidentifier', 16),
    column(104, 7, 'IsSystem', 'bit', 1),
    column(104, 8, 'Raw', 'varbinary', 256, { is_nullable: true }),
    column(201, 1, 'Title', 'nvarchar', 320),
  ],
  indexes: [
    { object_id: 101, index_id: 1, index_name: 'PK_Artist', is_unique: true, is_primary_key: true, is_unique_constraint: false, has_filter: false, filter_definition: null, key_ordinal: 1, is_included_column: false, column_name: 'ArtistId' },
    { object_id: 102, index_id: 1, index_name: 'PK_Album', is_unique: true, is_primary_key: true, is_unique_constraint: false, has_filter: false, filter_definition: null, key_ordinal: 1, is_included_column: false, column_name: 'AlbumId' },
    { object_id: 102, index_id: 2, index_name: 'IFK_AlbumArtistId', is_unique: false, is_primary_key: false, is_unique_constraint: false, has_filter: false, filter_definition: null, key_ordinal: 1, is_included_column: false, column_name: 'ArtistId' },
    { object_id: 103, index_id: 2, index_name: 'PK_PlaylistTrack', is_unique: true, is_primary_key: true, is_unique_constraint: false, has_filter: false, filter_definition: null, key_ordinal: 2, is_included_column: false, column_name: 'TrackId' },
    { object_id: 103, index_id: 2, index_name: 'PK_PlaylistTrack', is_unique: true, is_primary_key: true, is_unique_constraint: false, has_filter: false, filter_definition: null, key_ordinal: 1, is_included_column: false, column_name: 'PlaylistId' },
    { object_id: 103, index_id: 4, index_name: 'IFK_PlaylistTrackPlaylistId', is_unique: false, is_primary_key: false, is_unique_constraint: false, has_filter: false, filter_definition: null, key_ordinal: 1, is_included_column: false, column_name: 'PlaylistId' },
    { object_id: 103, index_id: 3, index_name: 'IFK_PlaylistTrackTrackId', is_unique: false, is_primary_key: false, is_unique_constraint: false, has_filter: false, filter_definition: null, key_ordinal: 1, is_included_column: false, column_name: 'TrackId' },
    { object_id: 104, index_id: 1, index_name: 'PK_Event', is_unique: true, is_primary_key: true, is_unique_constraint: false, has_filter: false, filter_definition: null, key_ordinal: 1, is_included_column: false, column_name: 'EventId' },
    { object_id: 104, index_id: 2, index_name: 'UQ_Event_Actor_At', is_unique: true, is_primary_key: false, is_unique_constraint: true, has_filter: false, filter_definition: null, key_ordinal: 1, is_included_column: false, column_name: 'Actor' },
    { object_id: 104, index_id: 2, index_name: 'UQ_Event_Actor_At', is_unique: true, is_primary_key: false, is_unique_constraint: true, has_filter: false, filter_definition: null, key_ordinal: 2, is_included_column: false, column_name: 'At' },
    { object_id: 104, index_id: 3, index_name: 'IX_Event_Recent', is_unique: false, is_primary_key: false, is_unique_constraint: false, has_filter: true, filter_definition: '([IsSystem]=(0))', key_ordinal: 1, is_included_column: false, column_name: 'At' },
    { object_id: 104, index_id: 3, index_name: 'IX_Event_Recent', is_unique: false, is_primary_key: false, is_unique_constraint: false, has_filter: true, filter_definition: '([IsSystem]=(0))', key_ordinal: 0, is_included_column: true, column_name: 'Amount' },
  ],
  foreignKeys: [
    { constraint_id: 301, constraint_name: 'FK_AlbumArtistId', parent_object_id: 102, referenced_schema: 'dbo', referenced_table: 'Artist', delete_referential_action_desc: 'NO_ACTION', update_referential_action_desc: 'NO_ACTION', constraint_column_id: 1, column_name: 'ArtistId', referenced_column: 'ArtistId' },
    { constraint_id: 302, constraint_name: 'FK_PlaylistTrackTrackId', parent_object_id: 103, referenced_schema: 'dbo', referenced_table: 'Track', delete_referential_action_desc: 'NO_ACTION', update_referential_action_desc: 'NO_ACTION', constraint_column_id: 1, column_name: 'TrackId', referenced_column: 'TrackId' },
    { constraint_id: 303, constraint_name: 'FK_PlaylistTrackPlaylistId', parent_object_id: 103, referenced_schema: 'dbo', referenced_table: 'Playlist', delete_referential_action_desc: 'NO_ACTION', update_referential_action_desc: 'NO_ACTION', constraint_column_id: 1, column_name: 'PlaylistId', referenced_column: 'PlaylistId' },
  ],
  checks: [{ parent_object_id: 104, constraint_name: 'CK_Event_Amount', definition: '([Amount]>=(0))' }],
};
