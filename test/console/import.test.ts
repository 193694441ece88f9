import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUpload, receiveUpload, UploadError } from '../../console/src/import/files.ts';
import { type DemoConsole, launchBrowser, openConsole, screenshot, seriousA11yViolations, startDemoConsole } from './harness.ts';

let demo: DemoConsole;
let browser: Browser;
let page: Page;

const sqlitePath = () => join(demo.dir, 'demo-sqlite.sqlite');
const crewRows = () => {
  const db = new Database(sqlitePath(), { readonly: true });
  try {
    return db.prepare('select id, full_name, age, email from crew order by id').all() as { id: number; full_name: string; age: number | null; email: string }[];
  } finally {
    db.close();
  }
};

// Semicolons, a header "Years" no rule maps to `age`, and three bad rows: a word for a number, a missing NOT NULL
// name, another word for a number.
const CREW_CSV = [
  'Id;Full Name;Years;E-mail',
  '1;Ada Lovelace;36;ada@example.com',
  '2;Bob;abc;bob@example.com',
  '3;;40;nobody@example.com',
  '4;Dan;41;dan@example.com',
  '5;Eve;old;eve@example.com',
  '',
].join('\n');

beforeAll(async () => {
  demo = await startDemoConsole('console-import');
  // A table with constraints the file breaks, created with a real SQLite connection on the demo tenant's database.
  const db = new Database(sqlitePath());
  db.exec('create table crew (id integer primary key, full_name text not null, age integer check (age >= 0), email text)');
  db.close();
  browser = await launchBrowser();
  page = await openConsole(browser, demo);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

async function uploadCsv(name: string, text: string | Buffer, mimeType = 'text/csv') {
  await page.setInputFiles('#import-file', { name, mimeType, buffer: Buffer.isBuffer(text) ? text : Buffer.from(text) });
}

async function loadAndWait() {
  await page.click('#load');
  await expect.poll(() => page.textContent('#load-status'), { timeout: 30_000 }).toMatch(/^Done|^Failed/);
}

describe('byos console: import wizard and export', () => {
  it('shows tenants and tables, and /import has no serious accessibility violations', async () => {
    await page.goto(`${demo.origin}/import`);
    expect(await page.locator('#tenant option').allTextContents()).toEqual(expect.arrayContaining(['demo-sqlite', 'demo-postgres']));
    await page.selectOption('#tenant', 'demo-sqlite');
    await page.click('form.filters button[type=submit]');
    await page.selectOption('#table', 'crew');
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector('#import-file');
    expect(await page.locator('label[for=import-file]').textContent()).toBe('File to import');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 60_000);

  it('uploads a CSV, shows the sniffed settings and the mapping with confidences, and previews the rejects after a mapping change', async () => {
    await page.goto(`${demo.origin}/import?tenant=demo-sqlite&table=crew`);
    await uploadCsv('crew list.csv', CREW_CSV);
    await page.waitForSelector('#wizard:not([hidden])');
    expect(await page.textContent('#sniffed [data-setting=delimiter]')).toBe(';');
    expect(await page.textContent('#sniffed [data-setting=header]')).toBe('yes');
    expect(await page.textContent('#sniffed [data-setting=encoding]')).toMatch(/utf-8/i);
    // Id, Full Name and E-mail are matched with their confidences; Years is not guessed, so the load waits.
    expect(await page.inputValue('select[data-header="Id"]')).toBe('id');
    expect(await page.inputValue('select[data-header="Full Name"]')).toBe('full_name');
    expect(await page.inputValue('select[data-header="E-mail"]')).toBe('email');
    expect(await page.locator('#mapping tbody tr').first().locator('.badge').textContent()).toMatch(/^\d+%$/);
    expect(await page.textContent('#mapping-problem')).toContain('Years');
    expect(await page.isDisabled('#load')).toBe(true);

    await page.selectOption('select[data-header="Years"]', 'age');
    await expect.poll(() => page.textContent('#preview-summary')).toContain('5 row(s) read: 2 will load, 3 rejected');
    expect(await page.textContent('#mapping-problem')).toBe('');
    // The choice is explicit; the other headers keep the runtime's match and confidence.
    const cells = (header: string) => page.locator(`#mapping tr:has(select[data-header="${header}"]) td`).allTextContents();
    await expect.poll(async () => (await cells('Years')).slice(1)).toEqual(['100%', 'explicit']);
    expect((await cells('Full Name')).slice(1)).toEqual(['95%', 'normalised']);
    const rejected = await page.locator('#rejected-rows tbody tr').allTextContents();
    expect(rejected).toHaveLength(3);
    expect(rejected[0]).toMatch(/^33Years.*not a number/);
    expect(rejected[1]).toMatch(/^44Full Name/);
    expect(rejected[2]).toMatch(/^66Years/);
    expect(await page.locator('#preview-rows tbody tr').count()).toBe(2);
    expect(await page.locator('#preview-rows tbody tr').first().textContent()).toContain('Ada Lovelace');
    expect(crewRows()).toEqual([]); // a preview writes nothing
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, '03-import-mapping');
  }, 60_000);

  it('loads the good rows with a progress bar that reaches the end, and offers the rejects file', async () => {
    await page.selectOption('#on-error', 'skip');
    await loadAndWait();
    expect(await page.textContent('#load-status')).toBe('Done.');
    expect(await page.getAttribute('#load-progress', 'max')).toBe(await page.$eval('#load-progress', (e) => String((e as unknown as { value: number }).value)));
    expect(await page.textContent('#load-result')).toContain('Rows loaded: 2. Rows rejected: 3.');
    expect(crewRows()).toEqual([
      { id: 1, full_name: 'Ada Lovelace', age: 36, email: 'ada@example.com' },
      { id: 4, full_name: 'Dan', age: 41, email: 'dan@example.com' },
    ]);
    const href = await page.getAttribute('#rejects-link', 'href');
    expect(href).toMatch(/^\/download\/rejects\/[\w-]+\/crew_list\.rejects\.csv$/);
    const rejects = await page.request.get(`${demo.origin}${href}`);
    expect(rejects.status()).toBe(200);
    const text = await rejects.text();
    expect(text).toContain('byos_error');
    expect(text).toContain('Bob');
    expect(text).toContain('Eve');
    expect(text).not.toContain('Ada Lovelace');
    await screenshot(page, '04-import-loaded');
  }, 60_000);

  it('remembers the accepted mapping for the next file into the table', async () => {
    await page.goto(`${demo.origin}/import?tenant=demo-sqlite&table=crew`);
    await uploadCsv('more crew.csv', 'Id;Full Name;Years;E-mail\n6;Fay;29;fay@example.com\n');
    await page.waitForSelector('#wizard:not([hidden])');
    expect(await page.inputValue('select[data-header="Years"]')).toBe('age');
    expect(await page.textContent('#mapping-note')).toContain('Pre-filled');
    expect(await page.textContent('#mapping-problem')).toBe('');
    await page.selectOption('#on-error', 'abort');
    await loadAndWait();
    expect(await page.textContent('#load-result')).toContain('Rows loaded: 1. Rows rejected: 0.');
    expect(await page.isHidden('#rejects-link')).toBe(true);
    expect(crewRows().map((r) => r.id)).toEqual([1, 4, 6]);
  }, 60_000);

  it('all or nothing: a load with rejected rows leaves the table as it was', async () => {
    await uploadCsv('bad crew.csv', 'Id;Full Name;Years;E-mail\n7;Gil;30;gil@example.com\n8;Hal;-;hal@example.com\n');
    await expect.poll(() => page.textContent('#preview-summary')).toContain('1 rejected');
    await page.selectOption('#on-error', 'abort');
    await loadAndWait();
    expect(await page.textContent('#load-result')).toContain('nothing loaded');
    expect(await page.isVisible('#rejects-link')).toBe(true);
    expect(crewRows().map((r) => r.id)).toEqual([1, 4, 6]);
  }, 60_000);

  it('refuses a malformed file with a clear error and loads nothing', async () => {
    await uploadCsv('broken.xlsx', 'this is not a workbook', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    await expect.poll(() => page.textContent('#upload-status')).toContain('broken.xlsx is named .xlsx but is not a zip workbook');
    expect(await page.getAttribute('#upload-status', 'class')).toContain('error');
    expect(await page.isHidden('#wizard')).toBe(true);
    expect(await page.textContent('#upload-status')).not.toContain(demo.dir);
    expect(crewRows().map((r) => r.id)).toEqual([1, 4, 6]);
  }, 60_000);

  it('imports an XLSX sheet', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('People');
    sheet.addRows([
      ['Id', 'Full Name', 'Years', 'E-mail'],
      [10, 'Ivy', 33, 'ivy@example.com'],
      [11, 'Jon', 44, 'jon@example.com'],
    ]);
    await uploadCsv('people.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    await page.waitForSelector('#wizard:not([hidden])');
    expect(await page.textContent('#sniffed [data-setting=format]')).toBe('xlsx');
    expect(await page.textContent('#sniffed [data-setting=sheet]')).toBe('People');
    expect(await page.isVisible('#set-sheet')).toBe(true);
    expect(await page.isVisible('#set-delimiter')).toBe(false);
    await loadAndWait();
    expect(await page.textContent('#load-result')).toContain('Rows loaded: 2.');
    expect(crewRows().filter((r) => r.id >= 10)).toEqual([
      { id: 10, full_name: 'Ivy', age: 33, email: 'ivy@example.com' },
      { id: 11, full_name: 'Jon', age: 44, email: 'jon@example.com' },
    ]);
  }, 60_000);

  it('exports Genre to CSV with a column masked', async () => {
    await page.goto(`${demo.origin}/import?tenant=demo-sqlite&table=Genre`);
    await page.selectOption('select[data-column="Name"]', 'redact');
    await page.click('#export button[type=submit]');
    await expect.poll(() => page.textContent('#export-status'), { timeout: 30_000 }).toMatch(/exported|error/i);
    expect(await page.textContent('#export-status')).toBe('25 row(s), 2 column(s) exported as CSV, masked: Genre.Name.');
    const href = await page.getAttribute('#export-link', 'href');
    expect(href).toMatch(/^\/download\/exports\/[\w-]+\/Genre\.csv$/);
    const lines = (await (await page.request.get(`${demo.origin}${href}`)).text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe('GenreId,Name');
    expect(lines).toHaveLength(26);
    expect(lines[1]).toBe('1,[redacted]');
    expect(lines.join('\n')).not.toContain('Rock');
  }, 60_000);

  it('exports a table of the Postgres tenant to XLSX, masked', async () => {
    await page.goto(`${demo.origin}/import?tenant=demo-postgres`);
    const genre = (await page.locator('#table option').allTextContents()).find((t) => /^"?genre"?$/i.test(t));
    expect(genre).toBeDefined();
    await page.selectOption('#table', genre!);
    await page.click('form.filters button[type=submit]');
    const nameColumn = await page.locator('#export select[data-column]').nth(1).getAttribute('data-column');
    await page.selectOption(`select[data-column="${nameColumn}"]`, 'partial');
    await page.selectOption('#export-format', 'xlsx');
    await page.click('#export button[type=submit]');
    await expect.poll(() => page.textContent('#export-status'), { timeout: 30_000 }).toMatch(/exported as XLSX|error/i);
    const href = await page.getAttribute('#export-link', 'href');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await (await page.request.get(`${demo.origin}${href}`)).body()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(26);
    expect(sheet.getRow(1).getCell(2).text).toBe(nameColumn);
    expect(sheet.getRow(2).getCell(2).text).toMatch(/^\*+\w{1,4}$|^\*+$/); // "Rock" is four characters: masked whole
  }, 60_000);
});

describe('byos console: uploads', () => {
  const work = join(tmpdir(), `byos-import-uploads-${process.pid}`);
  afterAll(() => rm(work, { recursive: true, force: true }));
  const stream = (...chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(Buffer.from(chunk));
        controller.close();
      },
    });

  it("keeps the client's base name only, sanitised, under uploads/<random id>/", async () => {
    const upload = await receiveUpload(work, stream('a,b\n1,2\n'), '../../etc/pass wd.csv');
    expect(upload.name).toBe('pass_wd.csv');
    expect(upload.path).toBe(join(work, 'uploads', upload.id, 'pass_wd.csv'));
    expect(await readFile(upload.path, 'utf8')).toBe('a,b\n1,2\n');
    expect((await findUpload(work, upload.id)).path).toBe(upload.path);
    await expect(findUpload(work, '../uploads')).rejects.toThrow('no such upload');
  });

  it('refuses a file over the limit (declared or streamed) and keeps nothing of it', async () => {
    const before = await readdir(join(work, 'uploads'));
    await expect(receiveUpload(work, stream('x'), 'big.csv', 11, 10)).rejects.toThrow('big.csv is larger than 10 bytes');
    const streamed = receiveUpload(work, stream('12345', '67890', '1'), 'big.csv', undefined, 10);
    await expect(streamed).rejects.toBeInstanceOf(UploadError);
    await expect(streamed).rejects.toMatchObject({ status: 413 });
    await expect(receiveUpload(work, stream('x'), 'notes.pdf')).rejects.toThrow('choose a .csv, .tsv, .txt or .xlsx file');
    expect(await readdir(join(work, 'uploads'))).toEqual(before);
  });
});
