import { readFile } from 'node:fs/promises';
import { type Kysely, sql } from 'kysely';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, installAuditCapture, parseExactJson, recordAudit, sealAudit, verifyAudit } from '@byos/runtime/guard/audit';
import type { TenantDb } from '@byos/runtime';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';
import { cases } from '../../helpers/thorough.ts';
import { runByos } from '../crypto/run-byos.ts';

// 2^53 + 1: the first integer a JavaScript number cannot hold (it rounds to 2^53).
const BEYOND_2_53 = '9007199254740993';
const LONG_DECIMAL = '12345678901234567890.12345678901234567891';

async function asAttacker(tenant: TenantDb, work: (db: Kysely<any>) => Promise<unknown>): Promise<void> {
  for (const statement of tenant.dialect.audit.dropAppendOnlyGuard()) await sql.raw(statement).execute(tenant.db);
  await work(tenant.db);
}

const details = async (tenant: TenantDb, seq: number) =>
  String((await tenant.db.selectFrom('byos_audit').select('details').where('seq', '=', seq).executeTakeFirstOrThrow()).details);

describe('canonical JSON keeps number text exactly', () => {
  it('reproduces the digits it was given, and still sorts keys', () => {
    const text = `{"b":[${BEYOND_2_53},1.50,1e3,-0],"a":${LONG_DECIMAL}}`;
    expect(canonicalJson(parseExactJson(text))).toBe(`{"a":${LONG_DECIMAL},"b":[${BEYOND_2_53},1.50,1e3,-0]}`);
    // Numbers a JavaScript number holds exactly come back as numbers, for callers that read them.
    expect(parseExactJson('{"i":3,"r":0.1}')).toEqual({ i: 3, r: 0.1 });
  });

  // JSON number text: any integer or decimal of any length, with or without exponent.
  const numberText = fc
    .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.option(fc.stringMatching(/^[0-9]{1,30}$/)), fc.option(fc.integer({ min: -400, max: 400 })))
    .map(
      ([negative, whole, fraction, exponent]) =>
        `${negative ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : `e${exponent}`}`,
    );

  it('keeps any number text verbatim, at any depth, and is idempotent', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), numberText), { maxLength: 6 }), (pairs) => {
        const text = `{${pairs.map(([k, n], i) => `${JSON.stringify(`${k}${i}`)}:[${n},{"v":${n}}]`).join(',')}}`;
        const canonical = canonicalJson(parseExactJson(text));
        for (const [, n] of pairs) expect(canonical).toContain(`[${n},{"v":${n}}]`);
        expect(canonicalJson(parseExactJson(canonical))).toBe(canonical);
      }),
      { numRuns: cases(300, 5000) },
    );
  });

  it('reproduces the canonical text of values sealed through JavaScript numbers (chains sealed before), so their hashes hold', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const legacy = canonicalJson(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(parseExactJson(legacy))).toBe(legacy);
      }),
      { numRuns: cases(500, 10000) },
    );
  });
});

for (const dialect of DIALECTS) {
  describe(`audit trail keeps exact numbers (${dialect})`, () => {
    it('records a bigint beyond 2^53 captured from a row with all its digits, and detects an edit to the last digit', async () => {
      const tenant = await freshTenantDb(dialect, 'audit_exact');
      await tenant.db.schema
        .createTable('ledger')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('note', 'text')
        .execute();
      await installAuditCapture(tenant, ['ledger']);
      await sql`insert into ledger (id, note) values (${sql.raw(BEYOND_2_53)}, 'big')`.execute(tenant.db);
      await sealAudit(tenant);
      expect(await details(tenant, 1)).toContain(`"id":${BEYOND_2_53}`);
      expect((await verifyAudit(tenant)).ok).toBe(true);
      // 2^53 and 2^53 + 1 are the same JavaScript number: only the text tells them apart.
      await asAttacker(tenant, async (db) => {
        const before = await details(tenant, 1);
        await db
          .updateTable('byos_audit')
          .set({ details: before.replace(BEYOND_2_53, '9007199254740992') })
          .where('seq', '=', 1)
          .execute();
      });
      const result = await verifyAudit(tenant);
      expect(result.findings.map((f) => f.rule)).toEqual(['audit-entry-modified']);
    });

    it('records long decimals given as details exactly (API and CLI) and detects an edit to their digits', async () => {
      const tenant = await freshTenantDb(dialect, 'audit_exact');
      const entry = await recordAudit(tenant, {
        actor: 'ops',
        action: 'import.csv',
        subject: 'ledger',
        details: parseExactJson(`{"total":${LONG_DECIMAL}}`) as Record<string, unknown>,
      });
      expect(JSON.stringify(entry.details)).toBe(`{"total":${LONG_DECIMAL}}`);
      expect(await details(tenant, 1)).toBe(`{"total":${LONG_DECIMAL}}`);
      await asAttacker(tenant, (db) =>
        db.updateTable('byos_audit').set({ details: `{"total":12345678901234567890.12345678901234567899}` }).where('seq', '=', 1).execute(),
      );
      expect((await verifyAudit(tenant)).findings.map((f) => f.rule)).toEqual(['audit-entry-modified']);
    });
  });
}

describe('audit trail keeps exact numbers (postgres numeric)', () => {
  it('records a numeric(40,20) captured from a row with its scale and every digit', async () => {
    const tenant = await freshTenantDb('postgres', 'audit_exact');
    await sql`create table ledger (id int primary key, amount numeric(40,20))`.execute(tenant.db);
    await installAuditCapture(tenant, ['ledger']);
    await sql`insert into ledger values (1, ${sql.raw(LONG_DECIMAL)}), (2, 1.5)`.execute(tenant.db);
    await sealAudit(tenant);
    expect(await details(tenant, 1)).toContain(`"amount":${LONG_DECIMAL}`);
    expect(await details(tenant, 2)).toContain(`"amount":1.50000000000000000000`);
    expect((await verifyAudit(tenant)).ok).toBe(true);
  });
});

describe('audit record --details (sqlite CLI)', () => {
  it('seals the digits as typed', async () => {
    const tenant = await freshTenantDb('sqlite', 'audit_exact_cli');
    const url = `sqlite:${tenant.profile.database}`;
    const recorded = await runByos([
      'audit',
      'record',
      '--url',
      url,
      '--actor',
      'ops',
      '--action',
      'import.csv',
      '--subject',
      'ledger',
      '--details',
      `{"rows": ${BEYOND_2_53}, "total": ${LONG_DECIMAL}}`,
    ]);
    expect(recorded.code).toBe(0);
    expect(await details(tenant, 1)).toBe(`{"rows":${BEYOND_2_53},"total":${LONG_DECIMAL}}`);
  });
});

for (const dialect of DIALECTS) {
  describe(`a chain sealed before exact numbers (${dialect})`, () => {
    it('still verifies, and an edit to digits the old format rounded is now detected', async () => {
      const rows = JSON.parse(await readFile(new URL('../../fixtures/audit/legacy-chain-v1.json', import.meta.url), 'utf8')) as Record<string, unknown>[];
      const tenant = await freshTenantDb(dialect, 'audit_legacy');
      await sealAudit(tenant); // creates the tables
      await tenant.db.insertInto('byos_audit').values(rows).execute();
      expect(await verifyAudit(tenant)).toMatchObject({ ok: true, entries: 5, findings: [] });
      // The old format stored 2^53 + 1 already rounded to 9007199254740992; editing it back to ...993 used to hash the same.
      await asAttacker(tenant, async (db) => {
        const before = await details(tenant, 2);
        expect(before).toContain('"id":9007199254740992');
        await db
          .updateTable('byos_audit')
          .set({ details: before.replace('9007199254740992', BEYOND_2_53) })
          .where('seq', '=', 2)
          .execute();
      });
      expect((await verifyAudit(tenant)).findings.map((f) => f.rule)).toEqual(['audit-entry-modified']);
    });
  });
}
