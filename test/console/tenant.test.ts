import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, sql } from '@byos/runtime';
import { type DemoConsole, launchBrowser, openConsole, screenshot, seriousA11yViolations, startDemoConsole } from './harness.ts';

const HOSTILE_TABLE = '<img src=x onerror=alert(1)>';
const HOSTILE_COLUMN = '<script>alert(2)</script>';

let demo: DemoConsole;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemoConsole('console-tenant');
  browser = await launchBrowser();
  page = await openConsole(browser, demo);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const tableSection = (name: string) => page.locator('.schema-table').filter({ has: page.getByRole('heading', { level: 4, name, exact: true }) });

describe('console tenant page', () => {
  it('browses the Chinook schema of both tenants: tables, columns, foreign keys, indexes', async () => {
    const password = (await readFile(join(demo.dir, 'postgres.password'), 'utf8')).trim();
    for (const [tenant, album, artistId, artist, index] of [
      ['demo-sqlite', 'Album', 'ArtistId', 'Artist', 'IFK_AlbumArtistId'],
      ['demo-postgres', 'album', 'artist_id', 'artist', 'album_artist_id_idx'],
    ] as const) {
      const response = await page.goto(`${demo.origin}/tenants/${tenant}`);
      expect(response?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Tenant ${tenant}`);
      const section = tableSection(album);
      const columns = await section.locator('table.columns tbody th[scope="row"]').allInnerTexts();
      expect(columns).toContain(artistId);
      expect(columns.length).toBe(3);
      expect(await section.locator('li.foreign-key').innerText()).toMatch(new RegExp(`\\(${artistId}\\) → ${artist}\\(${artistId}\\)`));
      expect(await section.locator('li.index').allInnerTexts()).toContain(`${index}: (${artistId})`);
      expect(await section.locator('tbody tr').first().innerText()).toContain('primary');
      for (const table of ['Track', 'Invoice', 'Customer']) expect(await tableSection(tenant === 'demo-sqlite' ? table : table.toLowerCase()).count()).toBe(1);
      const links = page.getByRole('navigation', { name: 'Tenant actions' });
      expect(await links.getByRole('link', { name: 'Migrations' }).getAttribute('href')).toBe(`/tenants/${tenant}/migrations`);
      expect(await links.getByRole('link', { name: 'Import a file' }).getAttribute('href')).toBe(`/import?tenant=${tenant}`);
      expect(await links.getByRole('link', { name: 'Move this tenant' }).getAttribute('href')).toBe(`/move?tenant=${tenant}`);
      expect(await page.locator('pre.kit-code').innerText()).toContain(`tenant: "${tenant}"`);
      expect(await page.content()).not.toContain(password);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, '02-tenant');
  });

  it('offers the generated types as a download holding the Album types', async () => {
    await page.goto(`${demo.origin}/tenants/demo-sqlite`);
    const href = await page.getByRole('link', { name: 'Download TypeScript types' }).getAttribute('href');
    expect(href).toBe('/download/types/demo-sqlite.ts');
    const download = await page.request.get(`${demo.origin}${href}`);
    expect(download.status()).toBe(200);
    const text = await download.text();
    expect(text).toMatch(/export interface AlbumRow \{/);
    expect(text).toMatch(/export interface DB \{/); // the Kysely DB interface
  });

  it('renders hostile table and column names as text: no element created, no script run', async () => {
    const db = await connect({ provider: 'local-sqlite', dialect: 'sqlite', database: join(demo.dir, 'demo-sqlite.sqlite') });
    try {
      await sql`create table ${sql.id(HOSTILE_TABLE)} (id integer primary key, ${sql.id(HOSTILE_COLUMN)} text default '<b>x</b>')`.execute(db.db);
      expect((await db.db.introspection.getTables()).map((t) => t.name)).toContain(HOSTILE_TABLE);
    } finally {
      await db.close();
    }
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    await page.goto(`${demo.origin}/tenants/demo-sqlite`);
    await expect.poll(() => page.getByRole('heading', { level: 4, name: HOSTILE_TABLE, exact: true }).count()).toBe(1);
    expect(await page.getByText(HOSTILE_COLUMN, { exact: true }).count()).toBe(1);
    expect(await page.getByText("'<b>x</b>'", { exact: true }).count()).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('b').count()).toBe(0);
    // Only the console's own scripts, by src.
    expect(await page.locator('script').evaluateAll((s) => s.map((e) => e.getAttribute('src')))).toEqual(['/static/console.js']);
    // The fleet view scans it for personal data too: still text there.
    await page.goto(`${demo.origin}/`);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toBe(0);
  });

  it('answers 404 for an unknown tenant, naming it', async () => {
    const response = await page.goto(`${demo.origin}/tenants/no-such-tenant`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('alert').innerText()).toContain('no tenant named no-such-tenant');
  });
});
