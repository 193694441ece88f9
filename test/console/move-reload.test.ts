import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConsole, launchBrowser, openConsole, startDemoConsole } from './harness.ts';

const TENANT = 'demo-sqlite';
/** Enough rows that the copy runs for seconds on this machine, so that the reload lands inside it. */
const BULK_ROWS = 1_000_000;
let demo: DemoConsole;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemoConsole('console-move-reload');
  const sqlite = new Database(join(demo.dir, 'demo-sqlite.sqlite'));
  sqlite.exec(`create table "Bulk" ("Id" integer primary key, "Payload" text not null);
    with recursive n(i) as (select 1 union all select i + 1 from n where i < ${BULK_ROWS})
    insert into "Bulk" select i, 'payload row ' || i from n;`);
  sqlite.close();
  browser = await launchBrowser();
  page = await openConsole(browser, demo);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** The fleet's JSON for the tenant's move probe: a job this console runs for it right now. */
async function moveRunning(): Promise<boolean> {
  const fleet = (await (await page.request.get(`${demo.origin}/?format=json`)).json()) as {
    tenants: { tenant: string; move: { ok: boolean; value?: { job?: unknown } } }[];
  };
  return Boolean(fleet.tenants.find((t) => t.tenant === TENANT)?.move.value?.job);
}

describe('console move wizard: a reload during a move', () => {
  it('reattaches to the running move, follows it to the end and shows the verification', async () => {
    await page.goto(`${demo.origin}/move?tenant=${TENANT}`);
    await page.click('#pick-profile button[type=submit]');
    await page.locator('#review table.plan tbody tr', { hasText: 'Bulk' }).waitFor();
    await page.click('#start');
    // The copy of Bulk has started: reload while it runs.
    await page.locator('#progress table.copy tbody tr', { hasText: 'Bulk' }).waitFor({ timeout: 120_000 });
    await page.reload();
    await page.locator('#progress ol.log li').first().waitFor();
    // The server says the move is still running after the page came back: the reload landed inside it.
    expect(await moveRunning()).toBe(true);
    expect(await page.locator('#result .verified').count()).toBe(0);
    // The reattached page follows the same job to its end.
    const verified = page.locator('#result .verified');
    await verified.waitFor({ timeout: 240_000 });
    expect(await verified.textContent()).toMatch(/12 of 12 tables verified equal/);
    const bulk = await page.locator('#progress table.copy tbody tr', { hasText: 'Bulk' }).textContent();
    expect(bulk).toContain('1,000,000 / 1,000,000');
    expect(await moveRunning()).toBe(false);
  }, 360_000);
});
