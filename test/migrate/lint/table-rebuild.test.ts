import { describe, expect, it } from 'vitest';
import { opFindings, schema, SQLITE_LIKE, sqlFindings, stmts } from './fixtures.ts';

const before = schema(
  {
    track: [
      ['id', 'integer'],
      ['name', 'text'],
      ['ms', 'integer'],
    ],
  },
  'sqlite',
);
const op = [{ op: 'alterColumnType' as const, table: 'track', column: 'ms', type: { kind: 'bigint' as const } }];
const rebuild = stmts(
  'PRAGMA foreign_keys = OFF',
  'CREATE TABLE "_byos_new_track" ("id" INTEGER PRIMARY KEY, "name" TEXT, "ms" BIGINT)',
  'INSERT INTO "_byos_new_track" ("id", "name", "ms") SELECT "id", "name", "ms" FROM "track"',
  'DROP TABLE "track"',
  'ALTER TABLE "_byos_new_track" RENAME TO "track"',
  'PRAGMA foreign_key_check',
);

describe('table-rebuild', () => {
  it('reports (info) a compiled rebuild: a table dropped that the op did not drop', () => {
    const found = opFindings('table-rebuild', { ops: op, before, statements: rebuild, capabilities: SQLITE_LIKE });
    expect(found.map((f) => [f.severity, f.subject])).toEqual([['info', 'statement 4: track']]);
    expect(found[0]!.message).toContain('every row copied');
  });
  it('names the original table when the old copy was renamed aside first', () => {
    const found = opFindings('table-rebuild', {
      ops: op,
      before,
      statements: stmts(
        'ALTER TABLE "track" RENAME TO "_old_track"',
        'CREATE TABLE "track" ("id" INTEGER)',
        'INSERT INTO "track" SELECT "id" FROM "_old_track"',
        'DROP TABLE "_old_track"',
      ),
      capabilities: SQLITE_LIKE,
    });
    expect(found.map((f) => f.subject)).toEqual(['statement 4: track']);
  });
  it('is silent for a real dropTable, for in-place ALTERs and without compiled statements', () => {
    expect(
      opFindings('table-rebuild', { ops: [{ op: 'dropTable', table: 'track' }], before, statements: stmts('DROP TABLE "track"'), capabilities: SQLITE_LIKE }),
    ).toEqual([]);
    expect(opFindings('table-rebuild', { ops: op, statements: stmts('ALTER TABLE "track" ALTER COLUMN "ms" TYPE bigint') })).toEqual([]);
    expect(opFindings('table-rebuild', { ops: op, before, capabilities: SQLITE_LIKE })).toEqual([]);
    // Raw SQL in a migration (a sql op) that drops a table has no swap: a drop, not a rebuild.
    expect(
      opFindings('table-rebuild', {
        ops: [{ op: 'sql', up: { sqlite: 'DROP TABLE track' }, down: null }],
        before,
        statements: stmts('DROP TABLE track'),
        capabilities: SQLITE_LIKE,
      }),
    ).toEqual([]);
  });
  it('raw SQL is what the author wrote: a DROP TABLE there is a drop, not a rebuild', async () => {
    expect(await sqlFindings('table-rebuild', 'DROP TABLE track;')).toEqual([]);
  });
});
