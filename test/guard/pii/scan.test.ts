import { describe, expect, it } from 'vitest';
import { classifyValue, scanPii, VALUE_CATEGORIES, type ValueCategory } from '@byos/runtime/guard/pii';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';
import { makeGenerators, PII_TABLE_COLUMNS, piiRows, rng, scorePerCategory } from './generate.ts';

const NOW = new Date('2026-11-25T00:00:00Z');
const ROWS = 300;

describe.each(DIALECTS)('PII scan on %s', (dialect) => {
  it('finds every PII column and no decoy: precision and recall >= 0.95 per category', async () => {
    const tenant = await freshTenantDb(dialect, 'pii');
    let create = tenant.db.schema.createTable('records').addColumn('id', 'integer', (c) => c.primaryKey());
    for (const c of PII_TABLE_COLUMNS) create = create.addColumn(c.name, c.type);
    await create.execute();
    const rows = piiRows(ROWS, 20261125).map((r, i) => ({ id: i + 1, ...r }));
    for (let i = 0; i < rows.length; i += 50)
      await tenant.db
        .insertInto('records')
        .values(rows.slice(i, i + 50))
        .execute();

    const result = await scanPii(tenant, { sample: 200, now: NOW });
    const byColumn = new Map(result.columns.filter((c) => c.table === 'records').map((c) => [c.column, c]));
    const items = PII_TABLE_COLUMNS.map((spec) => ({
      column: spec.name,
      truth: spec.truth,
      predicted: byColumn.get(spec.name)!.categories.map((h) => h.category),
    }));
    const scores = scorePerCategory(items);
    const truthCategories = new Set(PII_TABLE_COLUMNS.flatMap((c) => c.truth));
    expect([...truthCategories].every((c) => scores.has(c))).toBe(true);
    for (const [category, score] of scores) {
      expect({ category, precision: score.precision >= 0.95, recall: score.recall >= 0.95 }, JSON.stringify({ category, ...score, items })).toEqual({
        category,
        precision: true,
        recall: true,
      });
    }
    // The id column and every decoy come back without categories.
    expect(byColumn.get('id')!.categories).toEqual([]);
    for (const decoy of PII_TABLE_COLUMNS.filter((c) => c.truth.length === 0)) expect(byColumn.get(decoy.name)!.categories, decoy.name).toEqual([]);

    // Sampling read 200 of 300 rows; the report never holds a raw value.
    expect(byColumn.get('contact')!.sampled).toBe(200);
    const rawValues = new Set(rows.flatMap((r) => Object.values(r) as unknown[]).filter((v): v is string => typeof v === 'string' && v.length > 3));
    const report = JSON.stringify(result);
    const leaked = [...rawValues].filter((v) => report.includes(v));
    expect(leaked).toEqual([]);
    expect(byColumn.get('pay_ref')!.samples.length).toBeGreaterThan(0);
    for (const s of byColumn.get('pay_ref')!.samples) expect(s).toMatch(/^[# ]+$/);

    // Findings carry the frameworks: an NRIC is PDPA (NRIC guidelines), GDPR and HIPAA (other unique number).
    const nric = result.findings.find((f) => f.subject === 'records.ident')!;
    expect(nric.rule).toBe('pii-sg-nric');
    expect(nric.frameworks).toEqual(['pdpa', 'gdpr', 'hipaa']);
    expect(nric.controls).toContain('PDPA Advisory Guidelines on NRIC Numbers');
    const religion = result.findings.find((f) => f.subject === 'records.religion')!;
    expect(religion.controls).toContain('GDPR Art. 9(1)');
    expect(religion.frameworks).toEqual(['pdpa', 'gdpr']);
    expect(byColumn.get('tax_ref')!.categories[0]!.hipaa).toMatch(/\(G\) social security numbers/);
  });

  it('sample size bounds what is read, and a table filter names a missing table', async () => {
    const tenant = await freshTenantDb(dialect, 'pii_small');
    await tenant.db.schema.createTable('people').addColumn('email', 'text').addColumn('note', 'text').execute();
    const g = makeGenerators(rng(7));
    await tenant.db
      .insertInto('people')
      .values(Array.from({ length: 40 }, () => ({ email: g.email(), note: null })))
      .execute();
    const result = await scanPii(tenant, { sample: 10, tables: ['people'] });
    const email = result.columns.find((c) => c.column === 'email')!;
    expect(email.sampled).toBe(10);
    expect(email.categories.map((c) => c.category)).toEqual(['email']);
    expect(email.categories[0]!.confidence).toBe(1);
    expect(result.columns.find((c) => c.column === 'note')!.nonNull).toBe(0);
    await expect(scanPii(tenant, { tables: ['nope'] })).rejects.toThrow('no such table: nope');
    await expect(scanPii(tenant, { sample: 0 })).rejects.toThrow('sample size must be a positive integer');
  });
});

describe('value validators over generated values and decoys', () => {
  it('precision and recall >= 0.95 per category, values classified alone (strong matches only)', () => {
    const g = makeGenerators(rng(42));
    const positives: [ValueCategory, () => string][] = [
      ['email', g.email],
      ['phone', g.phone],
      ['credit-card', g.card],
      ['iban', g.iban],
      ['sg-nric', g.nric],
      ['us-ssn', g.ssn],
      ['ip-address', g.ipv4],
      ['ip-address', g.ipv6],
    ];
    const decoys = [g.nonLuhn16, g.wrongNric, g.lookalikeIban, g.nineDigits, g.sku, g.postcode, g.recentDate, g.productName, g.notes, g.address];
    const items: { truth: string[]; predicted: string[]; value: string }[] = [];
    for (let i = 0; i < 200; i++) {
      for (const [category, gen] of positives) {
        const value = gen();
        items.push({ value, truth: [category], predicted: strongCategories(value) });
      }
      for (const gen of decoys) {
        const value = gen();
        items.push({ value, truth: [], predicted: strongCategories(value) });
      }
    }
    const scores = scorePerCategory(items);
    for (const category of VALUE_CATEGORIES.filter((c) => c !== 'date-of-birth')) {
      const score = scores.get(category)!;
      const misses = items.filter((i) => i.truth.includes(category) !== i.predicted.includes(category)).slice(0, 5);
      expect(score.precision, `${category} precision ${JSON.stringify(misses)}`).toBeGreaterThanOrEqual(0.95);
      expect(score.recall, `${category} recall ${JSON.stringify(misses)}`).toBeGreaterThanOrEqual(0.95);
    }
    // The decoys are what the validators exist for: not one of them passes as anything strong.
    expect(items.filter((i) => i.truth.length === 0 && i.predicted.length > 0).map((i) => i.value)).toEqual([]);
  });
});

function strongCategories(value: string): string[] {
  return [...classifyValue(value, NOW)].filter(([, s]) => s === 'strong').map(([c]) => c);
}
