import { createServer } from 'node:net';
import { Parser } from 'node-sql-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, diffNeutral, introspect, parseConnectionProfile, SchemaModel, type SchemaModel as Model } from '../../../runtime/src/index.ts';
import { mssqlPoolConfig, mssqlSettings, tediousConfig } from '../../../runtime/src/dialects/mssql/config.ts';
import { INTROSPECTION_QUERIES } from '../../../runtime/src/dialects/mssql/introspection-queries.ts';
import { assembleMssqlSchema } from '../../../runtime/src/dialects/mssql/introspector.ts';
import { mssqlNativeType, mssqlNeutralType } from '../../../runtime/src/dialects/mssql/types.ts';
import { copyChinookSqlite } from '../../../cli/samples/chinook.ts';
import { freshSqlitePath } from '../../helpers/databases.ts';
import { CHINOOK_PART } from './catalog-fixture.ts';

const quirks = { requiresTls: true, defaultPort: 1433 };
const profile = (tls: object = {}) =>
  parseConnectionProfile({ provider: 'azure-sql', dialect: 'mssql', host: 'acme.database.windows.net', database: 'app', user: 'app', password: 'pw', tls });

describe('SQL Server connection settings', () => {
  it('always encrypts and verifies the certificate, TLS 1.2 floor', async () => {
    const settings = await mssqlSettings(profile(), quirks);
    const tedious = tediousConfig(settings);
    expect(tedious.server).toBe('acme.database.windows.net');
    expect(tedious.options).toMatchObject({ port: 1433, database: 'app', encrypt: true, trustServerCertificate: false, cryptoCredentialsDetails: { minVersion: 'TLSv1.2' } });
    expect(tedious.authentication).toEqual({ type: 'default', options: { userName: 'app', password: 'pw' } });
    const pool = mssqlPoolConfig(settings);
    expect(pool).toMatchObject({ server: 'acme.database.windows.net', port: 1433, database: 'app', user: 'app', options: { encrypt: true, trustServerCertificate: false } });
  });

  it('uses TDS 8 strict encryption, a CA, a TLS 1.3 minimum and a server name when asked', async () => {
    const settings = await mssqlSettings(profile({ strict: true, ca: 'PEM', minVersion: 'TLSv1.3', servername: 'acme.database.windows.net' }), quirks);
    expect(tediousConfig(settings).options).toMatchObject({ encrypt: 'strict', serverName: 'acme.database.windows.net', cryptoCredentialsDetails: { minVersion: 'TLSv1.3', ca: 'PEM' } });
    expect(mssqlPoolConfig(settings).options).toMatchObject({ encrypt: 'strict' });
  });

  it('refuses verify-ca (tedious always checks the host) and plaintext', async () => {
    await expect(mssqlSettings(profile({ mode: 'verify-ca' }), quirks)).rejects.toThrow(/verify-ca is not supported/);
    await expect(connect({ provider: 'azure-sql', dialect: 'mssql', host: '192.0.2.1', database: 'x', tls: { mode: 'disable' } })).rejects.toThrow(/refusing a plaintext connection to azure-sql/);
  });

  it('a failed connection reports the server without the password', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    const error = await connect({
      provider: 'azure-sql', dialect: 'mssql', host: '127.0.0.1', port, database: 'app', user: 'app', password: 'Hunter2-azure-secret', tls: { mode: 'verify-full' },
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`cannot connect to azure-sql database 127.0.0.1:${port}/app`);
    expect((error as Error).message).not.toContain('Hunter2-azure-secret');
  });
});

describe('SQL Server types', () => {
  it.each([
    ['bit', 1, 0, 0, { kind: 'boolean' }, 'bit'],
    ['int', 4, 10, 0, { kind: 'integer' }, 'int'],
    ['bigint', 8, 19, 0, { kind: 'bigint' }, 'bigint'],
    ['nvarchar', 320, 0, 0, { kind: 'varchar', length: 160 }, 'nvarchar(160)'],
    ['varchar', 40, 0, 0, { kind: 'varchar', length: 40 }, 'varchar(40)'],
    ['nvarchar', -1, 0, 0, { kind: 'text' }, 'nvarchar(max)'],
    ['nchar', 20, 0, 0, { kind: 'char', length: 10 }, 'nchar(10)'],
    ['numeric', 9, 10, 2, { kind: 'decimal', precision: 10, scale: 2 }, 'numeric(10,2)'],
    ['money', 8, 19, 4, { kind: 'money' }, 'money'],
    ['float', 8, 53, 0, { kind: 'double' }, 'float'],
    ['uniqueidentifier', 16, 0, 0, { kind: 'uuid' }, 'uniqueidentifier'],
    ['datetime', 8, 23, 3, { kind: 'timestamp' }, 'datetime'],
    ['datetime2', 8, 27, 7, { kind: 'timestamp' }, 'datetime2'],
    ['datetime2', 7, 23, 3, { kind: 'timestamp' }, 'datetime2(3)'],
    ['datetimeoffset', 10, 34, 7, { kind: 'timestamptz' }, 'datetimeoffset'],
    ['varbinary', -1, 0, 0, { kind: 'binary' }, 'varbinary(max)'],
    ['xml', -1, 0, 0, { kind: 'xml' }, 'xml'],
    ['geography', -1, 0, 0, { kind: 'unknown' }, 'geography'],
  ])('%s (max_length %d)', (typeName, maxLength, precision, scale, neutral, native) => {
    const t = { typeName, maxLength, precision, scale };
    expect(mssqlNeutralType(t)).toEqual(neutral);
    expect(mssqlNativeType(t)).toBe(native);
  });
});

describe('SQL Server introspection', () => {
  const parser = new Parser();
  it.each(Object.entries(INTROSPECTION_QUERIES))('the %s query is valid T-SQL', (_name, text) => {
    const ast = parser.astify(text, { database: 'TransactSQL' });
    const statements = Array.isArray(ast) ? ast : [ast];
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ type: 'select' });
  });

  it('assembles catalog rows into a sorted SchemaModel', () => {
    const model = SchemaModel.parse(assembleMssqlSchema(structuredClone(CHINOOK_PART)));
    expect(model.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['audit.Event', 'dbo.Album', 'dbo.Artist', 'dbo.PlaylistTrack']);
    const [event, album, , playlistTrack] = model.tables;
    expect(playlistTrack!.primaryKey).toEqual({ name: 'PK_PlaylistTrack', columns: ['PlaylistId', 'TrackId'] });
    expect(playlistTrack!.foreignKeys.map((f) => f.name)).toEqual(['FK_PlaylistTrackPlaylistId', 'FK_PlaylistTrackTrackId']);
    expect(album!.indexes).toEqual([{ name: 'IFK_AlbumArtistId', columns: ['ArtistId'], unique: false, where: null }]);
    expect(album!.columns[1]).toEqual({
      name: 'Title', type: { kind: 'varchar', length: 160 }, nativeType: 'nvarchar(160)', nullable: false, default: null, identity: null, generated: null, comment: null,
    });
    expect(event!.comment).toBe('Who changed what');
    expect(event!.columns.map((c) => [c.name, c.identity, c.generated?.kind ?? null, c.default])).toEqual([
      ['EventId', 'by-default', null, null],
      ['Payload', null, null, null],
      ['Amount', null, null, '((0))'],
      ['AmountWithTax', null, 'stored', null],
      ['At', null, null, '(sysutcdatetime())'],
      ['Actor', null, null, null],
      ['IsSystem', null, null, null],
      ['Raw', null, null, null],
    ]);
    expect(event!.uniques).toEqual([{ name: 'UQ_Event_Actor_At', columns: ['Actor', 'At'] }]);
    // Included columns are not key columns.
    expect(event!.indexes).toEqual([{ name: 'IX_Event_Recent', columns: ['At'], unique: false, where: '([IsSystem]=(0))' }]);
    expect(event!.checks).toEqual([{ name: 'CK_Event_Amount', expression: '([Amount]>=(0))' }]);
    expect(model.views).toEqual([expect.objectContaining({ name: 'AlbumTitles', definition: 'SELECT Title FROM dbo.Album' })]);
    expect(assembleMssqlSchema(structuredClone(CHINOOK_PART))).toEqual(model);
  });

  it("matches Chinook's SQLite tables on the neutral parts", async () => {
    const path = await freshSqlitePath('chinook-vs-mssql');
    await copyChinookSqlite(path);
    const tenant = await connect(`sqlite:${path}`);
    const sqliteModel = await introspect(tenant).finally(() => tenant.close());
    const pick = (m: Model, names: string[]): Model => ({ ...m, tables: m.tables.filter((t) => names.includes(t.name) && t.schema === m.defaultSchema), views: [] });
    const names = ['Album', 'Artist', 'PlaylistTrack'];
    const mssqlModel = assembleMssqlSchema(structuredClone(CHINOOK_PART));
    expect(diffNeutral(pick(sqliteModel, names), pick(mssqlModel, names), { identity: false })).toEqual([]);
  });
});
