import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { ensureAuditTables, recordAudit } from '@byos/runtime/guard/audit';
import { BACKUP_VERIFY_ACTION } from '@byos/runtime/guard/backup';
import { type DemoConsole, launchBrowser, openConsole, screenshot, seriousA11yViolations, startDemoConsole } from './harness.ts';

// An AWS tenant whose security group admits the whole internet: `byos policy check` fails it on the mandatory
// no-world-open-network rule. Named to sort last by name, so "violators first" is visible as an order.
const VIOLATOR = `# A tenant that breaks policy: its database is open to 0.0.0.0/0.
config:
  byos:tenant:
    tenant: zeta-open
    provider: aws
    region: eu-west-1
    residency: EU
    compliance: [gdpr, soc2]
    network:
      publicAccess: true
      allowedCidrs: [0.0.0.0/0]
`;

let demo: DemoConsole;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemoConsole('console-fleet');
  await writeFile(join(demo.dir, 'stacks', 'Pulumi.zeta-open.yaml'), VIOLATOR);
  await writeFile(join(demo.dir, 'stacks', 'Pulumi.not-a-spec.yaml'), 'config:\n  byos:tenant:\n    tenant: Not A Name\n');
  // demo-postgres gets an audit trail holding one backup verification, as `byos backup verify` records it
  // (test/guard/backup/record.test.ts runs the real one); demo-sqlite keeps none.
  const postgres = await connect(JSON.parse(await readFile(join(demo.dir, 'profiles', 'demo-postgres.json'), 'utf8')));
  try {
    await ensureAuditTables(postgres);
    await recordAudit(postgres, { actor: 'ops-alice', action: BACKUP_VERIFY_ACTION, subject: 'demo-postgres', details: { ok: true, tables: 11 } });
  } finally {
    await postgres.close();
  }
  browser = await launchBrowser();
  page = await openConsole(browser, demo);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const rowNames = () => page.locator('tr.tenant').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tenant')));
const row = (tenant: string) => page.locator(`tr.tenant[data-tenant="${tenant}"]`);

describe('console fleet view', () => {
  it('lists the demo tenants with provider, region, residency and the policy gate per rule; the violator stands out first', async () => {
    await page.goto(`${demo.origin}/`);
    expect(await rowNames()).toEqual(['zeta-open', 'demo-postgres', 'demo-sqlite']);

    const sqlite = row('demo-sqlite');
    await expect.poll(() => sqlite.locator('td').first().innerText()).toContain('local-sqlite');
    expect(await sqlite.innerText()).toContain('SG');
    expect(await sqlite.locator('.framework').allInnerTexts()).toEqual(['PDPA']);
    // Every rule passes: one summary line, the rules folded until asked for.
    const sqlitePasses = sqlite.locator('details.passes');
    const sqliteRuleCount = await sqlite.locator('li.rule').count();
    expect(sqliteRuleCount).toBeGreaterThan(5);
    expect(await sqlitePasses.locator('summary').innerText()).toBe(`all ${sqliteRuleCount} rules pass`);
    expect(await sqlite.locator('li.rule').first().isVisible()).toBe(false);
    await sqlitePasses.locator('summary').click();
    // Rules relevant to PDPA only: residency yes, the SOC 2-only high-availability rule no; each passes.
    const sqliteRules = await sqlite.locator('li.rule').allInnerTexts();
    expect(sqliteRules.some((r) => /pass\s+residency/.test(r))).toBe(true);
    expect(sqliteRules.some((r) => r.includes('high-availability'))).toBe(false);
    expect(sqliteRules.every((r) => r.startsWith('pass'))).toBe(true);
    expect(await sqlite.locator('.gate-summary').count()).toBe(0);
    expect(await sqlite.innerText()).toContain('no cloud resources to judge (local provider)');
    expect(await sqlite.getAttribute('class')).not.toContain('violates');
    expect(await sqlite.locator('td.health').innerText()).toMatch(/reachable\s+[\d.]+ ms\s+sqlite/);
    // Personal data: counts by category at a glance, the columns folded.
    const pii = sqlite.locator('details.pii');
    const piiSummary = await pii.locator('summary').innerText();
    expect(piiSummary).toMatch(/^\d+ columns: \d+ [a-z-]+(, \d+ [a-z-]+)*$/);
    expect(piiSummary).toMatch(/\b2 email\b/); // Customer.Email and Employee.Email
    expect(await pii.locator('ul.pii').isVisible()).toBe(false);
    await pii.locator('summary').click();
    expect(await pii.locator('ul.pii').innerText()).toContain('Customer.Email'); // the PII scan's email column
    expect(await sqlite.locator('td.backup').innerText()).toBe('no record (no audit trail)');

    const postgres = row('demo-postgres');
    expect(await postgres.locator('.framework').allInnerTexts()).toEqual(['GDPR', 'SOC2']);
    await postgres.locator('details.passes summary').click();
    expect(await postgres.locator('li.rule', { hasText: 'high-availability' }).innerText()).toMatch(/^pass/);
    // local-postgres declares a generated password and no cloud resource: the same note as local-sqlite.
    expect(await postgres.innerText()).toContain('no cloud resources to judge (local provider)');
    expect(await postgres.locator('td.health').innerText()).toMatch(/reachable\s+[\d.]+ ms\s+postgres/);
    // The recorded verification: when, the result, the table count, who.
    const backup = postgres.locator('td.backup');
    expect(await backup.innerText()).toMatch(/^verified \d{4}-\d\d-\d\d \d\d:\d\d UTC: ok \(11 tables\)\s+by ops-alice$/);
    expect(await backup.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);

    const violator = row('zeta-open');
    expect(await violator.getAttribute('class')).toContain('violates');
    expect(await violator.locator('.status').innerText()).toBe('violates policy');
    expect(await violator.locator('.gate-summary').innerText()).toBe('violates 1 mandatory rule, 3 advisories');
    // What needs attention is spelled out without a click; the passing rules are folded.
    const broken = violator.locator('li.rule.violation');
    expect(await broken.isVisible()).toBe(true);
    expect(await broken.locator('.rule-name').innerText()).toBe('no-world-open-network');
    expect(await broken.locator('.messages').innerText()).toContain('admits the whole internet (0.0.0.0/0)');
    expect(await broken.locator('.remediation').innerText()).toContain('network.allowedCidrs');
    expect(await violator.locator('li.rule.advisory').count()).toBe(3);
    expect(await violator.locator('li.rule.advisory').first().isVisible()).toBe(true);
    const passing = await violator.locator('li.rule.pass').count();
    expect(await violator.locator('details.passes summary').innerText()).toBe(`${passing} rules pass`);
    expect(await violator.locator('li.rule.pass').first().isVisible()).toBe(false);
    expect(await violator.innerText()).not.toContain('no cloud resources to judge');
    // Its database is unreachable (no profile): that probe shows its one line, the page still renders.
    expect(await violator.locator('td.health').innerText()).toContain('no connection profile for tenant zeta-open');

    // The stack file that is not a spec is a problem row naming the file and the field.
    const problem = page.locator('tr.problem');
    expect(await problem.innerText()).toContain('Pulumi.not-a-spec.yaml');
    expect(await problem.innerText()).toContain('tenant: must be 3-63 lowercase letters');

    expect(await page.locator('tr.tenant a[href="/tenants/demo-sqlite"]').count()).toBe(1);
    await page.reload(); // folded again, as the page first shows
    await screenshot(page, '01-fleet');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('filters by text and compliance state and sorts by name and provider', async () => {
    await page.goto(`${demo.origin}/`);
    await page.getByLabel('Search').fill('postgres');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/q=postgres/);
    expect(await rowNames()).toEqual(['demo-postgres']);

    await page.goto(`${demo.origin}/`);
    await page.getByLabel('Compliance').selectOption('passes'); // applies on change (fleet.js)
    await page.waitForURL(/compliance=passes/);
    expect(await rowNames()).toEqual(['demo-postgres', 'demo-sqlite']);
    await page.getByLabel('Compliance').selectOption('violates');
    await page.waitForURL(/compliance=violates/);
    expect(await rowNames()).toEqual(['zeta-open']);

    await page.goto(`${demo.origin}/?sort=name`);
    expect(await rowNames()).toEqual(['demo-postgres', 'demo-sqlite', 'zeta-open']);
    await page.getByLabel('Sort by').selectOption('provider');
    await page.waitForURL(/sort=provider/);
    expect(await rowNames()).toEqual(['zeta-open', 'demo-postgres', 'demo-sqlite']); // aws, local-postgres, local-sqlite
    await page.goto(`${demo.origin}/?q=no-such-tenant`);
    expect(await page.getByRole('status').innerText()).toContain('No tenant matches');
  });

  it('answers the same data as JSON, without passwords or password references', async () => {
    const password = (await readFile(join(demo.dir, 'postgres.password'), 'utf8')).trim();
    for (const [url, headers] of [
      [`${demo.origin}/?format=json`, {}],
      [`${demo.origin}/`, { accept: 'application/json' }],
    ] as const) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${demo.token}`, ...headers } });
      expect(response.headers.get('content-type')).toContain('application/json');
      const text = await response.text();
      expect(text).not.toContain(password);
      expect(text).not.toMatch(/passwordRef|postgres\.password/);
      const data = JSON.parse(text) as { tenants: { tenant: string; policy: { ok: boolean; value?: { violates: boolean } } }[]; problems: unknown[] };
      expect(data.tenants.map((t) => t.tenant)).toEqual(['zeta-open', 'demo-postgres', 'demo-sqlite']);
      expect(data.tenants.map((t) => t.policy.value?.violates)).toEqual([true, false, false]);
      expect(data.problems).toHaveLength(1);
    }
    expect(demo.stderr()).not.toContain(password);
  });
});
