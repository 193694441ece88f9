import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, introspect, parseConnectionProfile } from '@byos/runtime';
import { type DemoConsole, launchBrowser, openConsole, screenshot, seriousA11yViolations, startDemoConsole } from './harness.ts';

let demo: DemoConsole;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemoConsole('console-migrate');
  browser = await launchBrowser();
  page = await openConsole(browser, demo);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** The columns of a table (matched case-insensitively: Album on SQLite, album on Postgres), read over a real connection. */
async function columns(tenant: 'demo-sqlite' | 'demo-postgres', table: string): Promise<string[]> {
  const file = join(demo.dir, 'profiles', `${tenant}.json`);
  const db = await connect(parseConnectionProfile(JSON.parse(await readFile(file, 'utf8')), file));
  try {
    const model = await introspect(db);
    const found = model.tables.find((t) => t.name.toLowerCase() === table.toLowerCase());
    if (!found) throw new Error(`no table ${table} on ${tenant}`);
    return found.columns.map((c) => c.name.toLowerCase());
  } finally {
    await db.close();
  }
}

/** Every file under the migrations folder (per-tenant folders included). */
async function migrationFiles(): Promise<string[]> {
  const root = join(demo.dir, 'migrations');
  if (!existsSync(root)) return [];
  return (await readdir(root, { recursive: true })).map(String).sort();
}

async function preview(sentence: string, tenant = 'demo-sqlite') {
  await page.selectOption('#read-tenant', tenant);
  await page.fill('#sentence', sentence);
  await page.click('#preview-button');
}

async function apply(tenants: string[], despite = false) {
  for (const box of await page.locator('#apply-form input[name="tenant"]').all()) {
    const value = await box.getAttribute('value');
    if (tenants.includes(value!)) await box.check();
    else await box.uncheck();
  }
  if (despite) await page.check('#despite');
  else await page.uncheck('#despite');
  await page.click('#apply-button');
  await page.waitForSelector('#apply-table');
  return page.$$eval('#apply-table tbody tr', (rows) =>
    rows.map((r) => ({
      tenant: r.getAttribute('data-tenant'),
      status: r.getAttribute('data-status'),
      detail: r.querySelector('td:last-child')?.textContent ?? '',
    })),
  );
}

describe('byos console: plain-language migrations', () => {
  it('previews a sentence: ops, SQL for postgres and sqlite, lint findings, rollback', async () => {
    await page.goto(`${demo.origin}/migrate?tenant=demo-sqlite`);
    expect(await page.textContent('h1')).toBe('Plain-language migration');
    // The reader's own examples are on the page.
    expect(await page.locator('button.example').count()).toBeGreaterThan(3);
    await preview('add a nullable text column notes to Album');
    await page.waitForSelector('#ops');
    expect(await page.textContent('#ops')).toContain('addColumn Album.notes');
    expect(await page.textContent('.dialect[data-dialect="postgres"] pre')).toMatch(/ALTER TABLE "Album" ADD COLUMN "notes" text/);
    expect(await page.textContent('.dialect[data-dialect="sqlite"] pre')).toMatch(/ALTER TABLE "Album" ADD COLUMN "notes" TEXT/);
    expect(await page.textContent('.dialect[data-dialect="mssql"] pre')).toMatch(/ALTER TABLE \[dbo\]\.\[Album\] ADD \[notes\]/);
    expect(await page.textContent('#findings')).toMatch(/No lint findings/);
    const rollback = await page.textContent('#rollback');
    expect(rollback).toContain('dropColumn Album.notes');
    expect(rollback).toMatch(/DROP COLUMN "notes"/);
    // Nothing is written or applied by a preview.
    expect(await migrationFiles()).toEqual([]);
    expect(await columns('demo-sqlite', 'Album')).not.toContain('notes');
    await screenshot(page, '05-migrate-preview');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('applies to demo-sqlite only: the column exists there and not on demo-postgres', async () => {
    const outcomes = await apply(['demo-sqlite']);
    expect(outcomes).toEqual([{ tenant: 'demo-sqlite', status: 'applied', detail: 'ran 0001_add_a_nullable_text_column_notes_to_album' }]);
    expect(await columns('demo-sqlite', 'Album')).toContain('notes');
    expect(await columns('demo-postgres', 'album')).not.toContain('notes');
    // Laid out as byos demo does: one folder per tenant, which `byos migrate up --dir` takes.
    expect(await migrationFiles()).toContain(join('demo-sqlite', '0001_add_a_nullable_text_column_notes_to_album.ts'));
    await screenshot(page, '06-migrate-applied');
  });

  it('applies a second sentence to every tenant: both have it (demo-postgres read on the embedded server)', async () => {
    await preview('add a nullable integer column popularity to Artist', 'demo-postgres');
    await page.waitForSelector('#ops');
    expect(await page.textContent('.dialect[data-dialect="postgres"] pre')).toMatch(/ALTER TABLE "artist" ADD COLUMN "popularity" integer/);
    const outcomes = await apply(['demo-sqlite', 'demo-postgres']);
    expect(outcomes.map((o) => [o.tenant, o.status]).sort()).toEqual([
      ['demo-postgres', 'applied'],
      ['demo-sqlite', 'applied'],
    ]);
    // Each tenant's own folder numbers its migrations: the second on demo-sqlite, the first on demo-postgres.
    expect(outcomes.find((o) => o.tenant === 'demo-sqlite')!.detail).toBe('ran 0002_add_a_nullable_integer_column_popularity_to_artist');
    expect(outcomes.find((o) => o.tenant === 'demo-postgres')!.detail).toBe('ran 0001_add_a_nullable_integer_column_popularity_to_artist');
    expect(await columns('demo-sqlite', 'Artist')).toContain('popularity');
    expect(await columns('demo-postgres', 'artist')).toContain('popularity');
    expect(await columns('demo-postgres', 'album')).not.toContain('notes');
  });

  it('lists them as applied on the tenant migrations page, with no drift', async () => {
    await page.goto(`${demo.origin}/tenants/demo-sqlite/migrations`);
    const rows = await page.$$eval('#migration-rows tbody tr', (trs) => trs.map((r) => [r.getAttribute('data-id'), r.getAttribute('data-state')]));
    expect(rows).toEqual([
      ['0001', 'applied'],
      ['0002', 'applied'],
    ]);
    expect(await page.textContent('#drift')).toMatch(/No drift/);
    await page.click('#plan-pending');
    await page.waitForSelector('#pending-status:has-text("planned")');
    expect(await page.textContent('#pending-plan')).toContain('Nothing pending');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto(`${demo.origin}/tenants/demo-postgres/migrations`);
    expect(await page.$$eval('#migration-rows tbody tr', (trs) => trs.map((r) => r.getAttribute('data-state')))).toEqual(['applied']);
    expect(await page.textContent('#migration-rows')).toContain('add_a_nullable_integer_column_popularity_to_artist');
  });

  it('plans and applies a pending migration from the tenant migrations page', async () => {
    // A migration someone added to the tenant's folder (as `byos migrate new` or an editor would): pending.
    const file = join(demo.dir, 'migrations', 'demo-postgres', '0002_album_label.sql');
    await writeFile(file, '-- byos:up\nALTER TABLE album ADD COLUMN label text;\n-- byos:down\nALTER TABLE album DROP COLUMN label;\n');
    await page.goto(`${demo.origin}/tenants/demo-postgres/migrations`);
    expect(await page.$$eval('#migration-rows tbody tr', (trs) => trs.map((r) => [r.getAttribute('data-id'), r.getAttribute('data-state')]))).toEqual([
      ['0001', 'applied'],
      ['0002', 'pending'],
    ]);
    await page.click('#plan-pending');
    await page.waitForSelector('#pending-plan .plan');
    expect(await page.textContent('#pending-plan')).toMatch(/0002_album_label[\s\S]*ALTER TABLE album ADD COLUMN label text/);
    expect(await columns('demo-postgres', 'album')).not.toContain('label');
    await page.click('#apply-pending');
    await page.waitForSelector('#migration-rows tbody tr[data-id="0002"][data-state="applied"]');
    expect(await columns('demo-postgres', 'album')).toContain('label');
    // The runtime's drift check does not follow raw SQL into the implied schema: it reports the column, and the page lists it.
    expect(await page.textContent('#drift')).toContain('schema-drift album.label: column in the database but not in the migrations');
  });

  it('says clearly what it could not read in a nonsense sentence, and changes nothing', async () => {
    const before = await migrationFiles();
    await page.goto(`${demo.origin}/migrate?tenant=demo-sqlite`);
    await preview('make the moon purple');
    await page.waitForSelector('#preview-error');
    expect(await page.textContent('#preview-error')).toBe('could not understand "make the moon purple"');
    expect(await page.isHidden('#preview')).toBe(true);
    // Posted anyway, apply refuses the same way, per tenant, writing nothing.
    // A string, so that vitest leaves the browser's own dynamic import alone.
    const answer = (await page.evaluate(`import('/static/console.js').then(({ send }) =>
      send('/migrate/apply', { json: { sentence: 'make the moon purple', tenants: ['demo-sqlite'] } }))`)) as { outcomes: unknown[] };
    expect(answer.outcomes[0]).toMatchObject({ tenant: 'demo-sqlite', status: 'failed', error: 'could not understand "make the moon purple"' });
    expect(await migrationFiles()).toEqual(before);
  });

  it('shows a lint finding for a destructive sentence and applies it only with the explicit confirmation', async () => {
    const before = await migrationFiles();
    await preview('drop column notes from Album');
    await page.waitForSelector('#findings li');
    expect(await page.textContent('#findings')).toContain('ban-drop-column');
    expect(await page.isVisible('#blocking')).toBe(true);
    const refused = await apply(['demo-sqlite']);
    expect(refused[0]).toMatchObject({ tenant: 'demo-sqlite', status: 'failed' });
    expect(refused[0]!.detail).toMatch(/^refused: ban-drop-column .*apply despite lint findings/);
    expect(await columns('demo-sqlite', 'Album')).toContain('notes');
    expect(await migrationFiles()).toEqual(before);
    const confirmed = await apply(['demo-sqlite'], true);
    expect(confirmed[0]).toMatchObject({ tenant: 'demo-sqlite', status: 'applied', detail: 'ran 0003_drop_column_notes_from_album' });
    expect(await columns('demo-sqlite', 'Album')).not.toContain('notes');
  });
});
