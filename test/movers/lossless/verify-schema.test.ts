import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { copyDatabase } from '@byos/runtime/copy';
import { loadAppSchema, uniqueRole } from '../../helpers/app-schema.ts';
import { sqlOn } from '../../helpers/sql.ts';
import { runCliInProcess } from '../../helpers/cli.ts';
import { freshPostgresDatabase } from '../../helpers/databases.ts';

// `byos verify` compares the schema objects as well as the rows: on a faithful copy each change below, made on the
// target, turns "equal" into exit 1 naming the object; undone, the copy verifies equal again.
let source: string;
let target: string;
beforeAll(async () => {
  [source, target] = [await freshPostgresDatabase('verify_src'), await freshPostgresDatabase('verify_dst')];
  await loadAppSchema(source, uniqueRole());
  const [from, to] = [await connect(source), await connect(target)];
  try {
    await copyDatabase({ from, to });
  } finally {
    await from.close();
    await to.close();
  }
}, 120_000);

const CHANGES: { what: string; change: string; undo: string; named: RegExp }[] = [
  {
    what: 'a dropped policy',
    change: 'drop policy member_tenant on app.member',
    undo: `create policy member_tenant on app.member using (account_id = nullif(current_setting('app.account_id', true), '')::bigint)`,
    named: /verify-object-missing .*policy app\.member member_tenant is missing on the target/,
  },
  {
    what: "a function's changed body",
    change: `create or replace function app.account_count(p app.plan) returns bigint language sql stable as $$ select count(*) + 1 from app.account where plan = p $$`,
    undo: `create or replace function app.account_count(p app.plan) returns bigint language sql stable as $$ select count(*) from app.account where plan = p $$`,
    named:
      /verify-object-differs .*function app\.account_count\(app\.plan\) differs on the target: line \d+: source has «AS \$function\$ select count\(\*\) from/,
  },
  {
    what: 'a dropped index',
    change: 'drop index app.account_search_idx',
    undo: 'create index account_search_idx on app.account using gin (search)',
    named: /verify-object-missing .*index app\.account_search_idx is missing on the target/,
  },
  {
    what: 'row-level security switched off',
    change: 'alter table app.member disable row level security',
    undo: 'alter table app.member enable row level security',
    named: /verify-object-differs .*row security app\.member differs on the target: source has «ALTER TABLE app\.member ENABLE ROW LEVEL SECURITY»/,
  },
  {
    what: 'a sequence behind its column',
    change: `select setval('app.member_id_seq', 1)`,
    undo: `select setval('app.member_id_seq', 3)`,
    named: /verify-sequence-behind .*app\.member_id_seq is at 1 on the target/,
  },
];

describe('byos verify checks the schema objects', () => {
  it('a faithful copy verifies equal (exit 0)', async () => {
    const result = await runCliInProcess(['verify', '--from', source, '--to', target]);
    expect(result.stdout).toMatch(/^schema: \d+ objects compared by definition$/m);
    expect(result.code, result.stdout).toBe(0);
  });

  it.each(CHANGES)('$what on the target: exit 1 naming the object; undone, equal again', async ({ change, undo, named }) => {
    await sqlOn(target, change);
    const result = await runCliInProcess(['verify', '--from', source, '--to', target]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(named);
    expect(result.stdout).toMatch(/^NOT equal$/m);
    await sqlOn(target, undo);
    const again = await runCliInProcess(['verify', '--from', source, '--to', target, '--json']);
    expect(JSON.parse(again.stdout).findings).toEqual([]);
    expect(again.code).toBe(0);
  });
});
