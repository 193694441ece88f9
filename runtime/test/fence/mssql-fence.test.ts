import { describe, expect, it } from 'vitest';
import { loadDialect } from '../../src/dialects/index.ts';
import { MSSQL_FENCE_ERROR, mssqlFenceLower, mssqlFenceRaise } from '../../src/dialects/mssql/fence.ts';
import { sqliteFenceStatements } from '../../src/dialects/sqlite/fence.ts';

/** The statement EXEC runs: the N'…' literal of `exec(N'…')` with its doubled quotes undone. */
function executed(batch: string): string {
  const match = /exec\(N'((?:[^']|'')*)'\);$/.exec(batch);
  if (!match) throw new Error(`no exec(N'…') in ${batch}`);
  return match[1]!.replace(/''/g, "'");
}

describe('SQL Server write fence (generated T-SQL; no server here)', () => {
  it('is a capability of the mssql dialect, as of the others', async () => {
    for (const name of ['mssql', 'postgres', 'sqlite'] as const) expect((await loadDialect(name)).fence).toBeDefined();
  });

  it('raises one throwing AFTER trigger per table, in a batch of its own with the lock timeout, names and message quoted', () => {
    const batches = mssqlFenceRaise("o'hara", [{ name: 'entry' }, { schema: 'sales', name: 'odd]name' }], 1500);
    expect(batches).toHaveLength(2);
    expect(batches[0]!.split('\n')[0]).toBe('set lock_timeout 1500;');
    expect(executed(batches[0]!)).toBe(
      `create or alter trigger [byos_fence_entry] on [entry] after insert, update, delete as begin set nocount on; ` +
        `throw ${MSSQL_FENCE_ERROR}, N'tenant o''hara is moving to another database: retry (writes are refused while the switch holds its fence)', 1; end`,
    );
    expect(executed(batches[1]!)).toMatch(
      /^create or alter trigger \[sales\]\.\[byos_fence_odd\]\]name\] on \[sales\]\.\[odd\]\]name\] after insert, update, delete as /,
    );
    expect(MSSQL_FENCE_ERROR).toBeGreaterThanOrEqual(50000); // THROW takes user error numbers only
  });

  it('lowers by dropping each fence trigger found, schema-qualified', () => {
    expect(mssqlFenceLower([{ schema: 'dbo', name: 'byos_fence_entry' }])).toEqual(['drop trigger if exists [dbo].[byos_fence_entry];']);
    expect(mssqlFenceLower([])).toEqual([]);
  });
});

describe('SQLite fence triggers', () => {
  it('refuse insert, update and delete of each table with the tenant named, quotes escaped', () => {
    const statements = sqliteFenceStatements("o'hara", ['a"b']);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toBe(
      `create trigger if not exists "byos_fence_a""b_insert" before insert on "a""b" begin select raise(abort, 'tenant o''hara is moving to another database: retry (writes are refused while the switch holds its fence)'); end`,
    );
    expect(statements.map((s) => /before (\w+)/.exec(s)![1])).toEqual(['insert', 'update', 'delete']);
  });
});
