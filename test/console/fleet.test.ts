import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    // Rules relevant to PDPA only: residency yes, the SOC 2-only high-availability rule no; each passes.
    const sqliteRules = await sqlite.locator('li.rule').allInnerTexts();
    expect(sqliteRules.some((r) => /pass\s+residency/.test(r))).toBe(true);
    expect(sqliteRules.some((r) => r.includes('high-availability'))).toBe(false);
    expect(sqliteRules.every((r) => r.startsWith('pass'))).toBe(true);
    expect(await sqlite.getAttribute('class')).not.toContain('violates');
    expect(await sqlite.locator('td.health').innerText()).toMatch(/reachable\s+[\d.]+ ms\s+sqlite/);
    expect(await sqlite.innerText()).toContain('Customer.Email'); // the PII scan's email column
    expect(await sqlite.innerText()).toContain('never verified');

    const postgres = row('demo-postgres');
    expect(await postgres.locator('.framework').allInnerTexts()).toEqual(['GDPR', 'SOC2']);
    expect(await postgres.locator('li.rule', { hasText: 'high-availability' }).innerText()).toMatch(/^pass/);
    expect(await postgres.locator('td.health').innerText()).toMatch(/reachable\s+[\d.]+ ms\s+postgres/);

    const violator = row('zeta-open');
    expect(await violator.getAttribute('class')).toContain('violates');
    expect(await violator.locator('.status').innerText()).toBe('violates policy');
    const broken = violator.locator('li.rule.violation');
    expect(await broken.locator('.rule-name').innerText()).toBe('no-world-open-network');
    expect(await broken.locator('.messages').innerText()).toContain('admits the whole internet (0.0.0.0/0)');
    expect(await broken.locator('.remediation').innerText()).toContain('network.allowedCidrs');
    // Its database is unreachable (no profile): that probe shows its one line, the page still renders.
    expect(await violator.locator('td.health').innerText()).toContain('no connection profile for tenant zeta-open');

    // The stack file that is not a spec is a problem row naming the file and the field.
    const problem = page.locator('tr.problem');
    expect(await problem.innerText()).toContain('Pulumi.not-a-spec.yaml');
    expect(await problem.innerText()).toContain('tenant: must be 3-63 lowercase letters');

    expect(await page.locator('tr.tenant a[href="/tenants/demo-sqlite"]').count()).toBe(1);
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
