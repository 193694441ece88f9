import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, parseConnectionProfile } from '@byos/runtime';
import { createTenantRouter, fileTenantRegistry, type TenantRouter } from '@byos/runtime/router';
import { type DemoConsole, launchBrowser, openConsole, screenshot, seriousA11yViolations, startDemoConsole } from './harness.ts';

const TENANT = 'demo-sqlite';
let demo: DemoConsole;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemoConsole('console-move');
  browser = await launchBrowser();
  page = await openConsole(browser, demo);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/**
 * An application writing through its own router on the file tenant registry the console's switch flips (as
 * cli/src/demo/switch.ts and the multi-process switch test do): one Genre row at a time, a refused attempt (the
 * fence, a drained route) retried with the same id until acknowledged.
 */
function startWriter(router: TenantRouter, firstId: number) {
  const acknowledged: number[] = [];
  let stopping = false;
  const done = (async () => {
    for (let id = firstId; !stopping; id++) {
      for (let attempt = 0; ; attempt++) {
        try {
          const tenant = await router.get(TENANT);
          await tenant.db
            .insertInto('Genre')
            .values({ GenreId: id, Name: `written during the move #${id}` })
            .execute();
          break;
        } catch (error) {
          if (attempt > 0 && /unique|duplicate/i.test((error as Error).message)) break;
          if (attempt > 2000) throw error;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      acknowledged.push(id);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    acknowledged,
    async stop() {
      stopping = true;
      await done;
      return acknowledged;
    },
  };
}

async function genreIds(profile: Parameters<typeof connect>[0]): Promise<number[]> {
  const db = await connect(profile);
  try {
    const rows = await db.db.selectFrom('Genre').select('GenreId').orderBy('GenreId').execute();
    return rows.map((r) => Number(r.GenreId));
  } finally {
    await db.close();
  }
}

async function noSeriousViolations(step: string) {
  expect(await seriousA11yViolations(page), step).toEqual([]);
}

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('console move wizard: demo-sqlite SQLite → embedded Postgres in three steps, with a writer running', () => {
  it('moves, verifies, survives a reload, and rolls back from the page', async () => {
    const registry = fileTenantRegistry(join(demo.dir, 'state', 'profiles'));
    const router = createTenantRouter({ profiles: registry, routerId: 'move-test-writer', follow: { heartbeatMs: 200, pollMs: 50 } });
    const targetFile = join(demo.dir, 'profiles', 'demo-sqlite.local-postgres.json');
    const target = parseConnectionProfile(JSON.parse(await readFile(targetFile, 'utf8')), targetFile);
    const sqlitePath = join(demo.dir, 'demo-sqlite.sqlite');
    try {
      // Step 1: the page registers the tenant's profile in the registry the writer follows; then the writer starts.
      await page.goto(`${demo.origin}/move?tenant=${TENANT}`);
      expect(await page.locator('h1').textContent()).toBe(`Move ${TENANT}`);
      const choice = page.locator('#pick-profile label');
      expect(await choice.count()).toBe(1);
      expect(await choice.textContent()).toMatch(/^local-postgres · embedded server on this machine · database demo_sqlite$/);
      const html = await page.content();
      expect(html).not.toMatch(/passwordRef|postgres\.password/);
      await page.selectOption('#provider', 'aws');
      await page.fill('#region', 'eu-west-1');
      await page.click('#pick-region button[type=submit]');
      const refused = page.locator('#region-result [role=alert]');
      await refused.waitFor();
      expect(await refused.textContent()).toMatch(/region eu-west-1 \(aws, in EU\) is outside its residency SG \(allowed aws regions for SG: ap-southeast-1\)/);
      await screenshot(page, '07-move-target');
      await noSeriousViolations('step 1');
      // An allowed provider + region with no ready database: the GitOps path, as text.
      await page.fill('#region', 'ap-southeast-1');
      await page.click('#pick-region button[type=submit]');
      await page.locator('#region-result pre.diff').waitFor();
      expect(await page.locator('#region-result pre.diff').textContent()).toContain('+    provider: aws');

      const writer = startWriter(router, 1000);
      await until('the first writes', () => writer.acknowledged.length >= 3);

      // Step 2: the plan.
      await page.click('#pick-profile button[type=submit]');
      const planRows = page.locator('#review table.plan tbody tr');
      await planRows.first().waitFor();
      expect(await planRows.count()).toBe(11);
      const tables = await page.locator('#review table.plan tbody th').allTextContents();
      expect(tables).toEqual(['Album', 'Artist', 'Customer', 'Employee', 'Genre', 'Invoice', 'InvoiceLine', 'MediaType', 'Playlist', 'PlaylistTrack', 'Track']);
      expect(await page.locator('#review table.plan tbody tr', { hasText: 'Track' }).last().textContent()).toContain('3,503');
      expect(await page.locator('#review .badge.bad').count()).toBe(0);
      expect(await page.locator('#review .estimate').textContent()).toMatch(/rows\/s \(README Benchmarks, copy: SQLite → Postgres.*An estimate/);
      expect(await page.locator('#start').isEnabled()).toBe(true);
      await screenshot(page, '08-move-review');
      await noSeriousViolations('step 2');

      // Step 3: start; progress, then a reload reattaches and the verification shows.
      await page.click('#start');
      await page.locator('#progress ol.log li').first().waitFor();
      await screenshot(page, '09-move-progress');
      await noSeriousViolations('step 3 (progress)');
      await page.reload();
      const verified = page.locator('#result .verified');
      await verified.waitFor({ timeout: 120_000 });
      expect(await verified.textContent()).toMatch(/11 of 11 tables verified equal/);
      expect(await page.locator('#result table.verify tbody tr').count()).toBe(11);
      expect(await page.locator('#result .pause').textContent()).toMatch(/Writers were held for \d+ ms/);
      expect(await page.locator('#result').textContent()).toMatch(/flipped the tenant to the new database inside the pause, once verification passed/);
      expect(await page.locator('#progress table.copy tbody tr').count()).toBeGreaterThan(0);
      await screenshot(page, '10-move-verified');
      await noSeriousViolations('step 3 (verified)');

      // Every acknowledged write is on Postgres, once: the writer's router followed the registry's flip.
      expect((await registry.active(TENANT)).dialect).toBe('postgres');
      const atFlip = writer.acknowledged.length;
      await until('writes after the flip', () => writer.acknowledged.length >= atFlip + 5);
      const written = [...(await writer.stop())];
      const onTarget = await genreIds(target);
      expect(onTarget.length).toBe(25 + written.length);
      expect(onTarget.filter((id) => id >= 1000)).toEqual(written);

      // A row written on Postgres after the move, then a rollback from the page with the writer running again.
      const after = startWriter(router, 5000);
      await until('writes on Postgres', () => after.acknowledged.length >= 3);
      await page.click('button[data-action=rollback]');
      const rolledBack = page.locator('#result .rolled-back');
      await rolledBack.waitFor({ timeout: 120_000 });
      const afterIds = [...(await after.stop())];
      expect((await registry.active(TENANT)).dialect).toBe('sqlite');
      const onSqlite = await genreIds({ tenant: TENANT, provider: 'local-sqlite', dialect: 'sqlite', database: sqlitePath });
      expect(onSqlite).toContain(5000);
      expect(onSqlite.filter((id) => id >= 5000)).toEqual(afterIds);
      expect(onSqlite.length).toBe(25 + written.length + afterIds.length);
      expect(await page.locator('#move-status').textContent()).toMatch(/Rolled back/);
      await screenshot(page, '11-move-rolled-back');
      await noSeriousViolations('rolled back');
      expect(demo.stderr()).not.toMatch(/password/i);
    } finally {
      await router.close();
      await registry.close();
    }
  }, 300_000);
});
