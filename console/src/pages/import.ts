import type { Context, Hono } from 'hono';
import { MASK_KINDS } from '@byos/runtime/guard/masking';
import { TEXT_ENCODINGS } from '@byos/runtime/import';
import { html, page } from '../html.ts';
import { exportToDownload, type ExportRequest, type ImportRequest, listTables, previewImport, startImport, type TableInfo } from '../import/actions.ts';
import { receiveUpload, UPLOAD_LIMIT_BYTES, UploadError } from '../import/files.ts';
import type { PageDeps } from '../server.ts';

/** The import wizard (upload, sniffed settings, mapping, preview, load with progress, rejects) and the table export. */
export function registerImport(app: Hono, { ctx, secrets }: PageDeps): void {
  const knownTenant = async (tenant: unknown): Promise<string> => {
    if (typeof tenant !== 'string' || !(await ctx.tenant(tenant))) throw new Error(`no tenant ${JSON.stringify(tenant)} in the fleet`);
    return tenant;
  };
  const json = async <T>(c: Context): Promise<T & { tenant: string; table: string }> => {
    const body = (await c.req.json().catch(() => undefined)) as (T & { tenant: string; table: string }) | undefined;
    if (!body || typeof body !== 'object') throw new Error('send a JSON body');
    await knownTenant(body.tenant);
    if (typeof body.table !== 'string' || !body.table) throw new Error('name the target table');
    return body;
  };

  app.get('/import', async (c) => {
    const { tenants } = await ctx.fleet();
    const tenant = tenants.find((t) => t.tenant === c.req.query('tenant'))?.tenant;
    let tables: TableInfo[] = [];
    let problem: string | undefined;
    if (tenant) tables = await listTables(ctx, tenant).catch((error: Error) => ((problem = error.message.split('\n')[0]), []));
    const table = tables.find((t) => t.name === c.req.query('table'));
    return c.html(
      page(
        { title: 'Import and export', csrf: secrets.csrf, section: 'import', scripts: ['import.js'], styles: ['import.css'] },
        html`<h1>Import and export</h1>
<form method="get" action="/import" class="filters">
  <div><label for="tenant">Tenant</label>
  <select id="tenant" name="tenant"><option value="">Choose a tenant</option>${tenants.map(
    (t) => html`<option value="${t.tenant}" ${t.tenant === tenant ? html`selected` : ''}>${t.tenant}</option>`,
  )}</select></div>
  ${
    tenant
      ? html`<div><label for="table">Table</label>
  <select id="table" name="table"><option value="">Choose a table</option>${tables.map(
    (t) => html`<option value="${t.name}" ${t.name === table?.name ? html`selected` : ''}>${t.name}</option>`,
  )}</select></div>`
      : ''
  }
  <div><button type="submit">${tenant ? 'Choose' : 'Show tables'}</button></div>
</form>
${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
${tenant && table ? wizard(tenant, table) : html`<p class="muted">Choose a tenant and a table to import a file into it or to export it.</p>`}`,
      ),
    );
  });

  app.post('/import/upload', async (c) => {
    const name = decodeURIComponent(c.req.header('x-file-name') ?? '');
    const length = c.req.header('content-length');
    try {
      const upload = await receiveUpload(ctx.options.workDir, c.req.raw.body, name, length ? Number(length) : undefined);
      return c.json({ upload: upload.id, name: upload.name, size: upload.size });
    } catch (error) {
      if (error instanceof UploadError) return c.json({ error: error.message }, error.status);
      throw error;
    }
  });

  app.post('/import/preview', async (c) => {
    const request = await json<ImportRequest>(c);
    try {
      return c.json(await previewImport(ctx, request));
    } catch (error) {
      return c.json({ error: (error as Error).message.split('\n')[0] }, 400);
    }
  });

  app.post('/import/load', async (c) => {
    const request = await json<ImportRequest & { onError?: string; expectedRows?: number }>(c);
    const job = await startImport(ctx, request);
    return c.json({ job: job.id });
  });

  app.post('/export', async (c) => {
    const request = await json<ExportRequest>(c);
    try {
      return c.json(await exportToDownload(ctx, request));
    } catch (error) {
      return c.json({ error: (error as Error).message.split('\n')[0] }, 400);
    }
  });
}

const DELIMITERS: [string, string][] = [
  ['', 'as sniffed'],
  [',', 'comma ,'],
  [';', 'semicolon ;'],
  ['tab', 'tab'],
  ['|', 'pipe |'],
];

function wizard(tenant: string, table: TableInfo) {
  const limit = `${UPLOAD_LIMIT_BYTES / 1024 / 1024} MiB`;
  return html`<section id="import" data-tenant="${tenant}" data-table="${table.name}" data-columns="${JSON.stringify(table.columns.filter((c) => c.insertable).map((c) => c.name))}" aria-labelledby="import-heading">
<h2 id="import-heading">Import a file into ${table.name}</h2>
<div class="dropzone" id="dropzone">
  <p>Drop a CSV, TSV or XLSX file here (up to ${limit}), or choose one:</p>
  <label for="import-file">File to import</label>
  <input type="file" id="import-file" accept=".csv,.tsv,.txt,.xlsx">
</div>
<p id="upload-status" role="status" aria-live="polite"></p>
<div id="wizard" hidden>
  <h3>How the file was read</h3>
  <dl id="sniffed" class="sniffed"></dl>
  <form id="settings" class="filters">
    <div class="csv-only"><label for="set-delimiter">Delimiter</label><select id="set-delimiter" name="delimiter">${DELIMITERS.map(
      ([v, l]) => html`<option value="${v}">${l}</option>`,
    )}</select></div>
    <div class="csv-only"><label for="set-header">First row</label><select id="set-header" name="header"><option value="">as sniffed</option><option value="true">is a header</option><option value="false">is data</option></select></div>
    <div class="csv-only"><label for="set-encoding">Encoding</label><select id="set-encoding" name="encoding"><option value="">as sniffed</option>${TEXT_ENCODINGS.map(
      (e) => html`<option value="${e}">${e}</option>`,
    )}</select></div>
    <div class="xlsx-only"><label for="set-sheet">Sheet</label><input id="set-sheet" name="sheet" placeholder="the first"></div>
    <div><label for="set-date">Dates like 03/04/2024</label><select id="set-date" name="dateFormat"><option value="">as sniffed</option><option>DMY</option><option>MDY</option><option>YMD</option></select></div>
    <div><button type="submit">Read again</button></div>
  </form>
  <h3>Column mapping</h3>
  <p class="muted" id="mapping-note"></p>
  <table id="mapping"><caption class="visually-hidden">File columns and the table columns they load into</caption>
    <thead><tr><th scope="col">File column</th><th scope="col">Table column</th><th scope="col">Confidence</th><th scope="col">Matched by</th></tr></thead>
    <tbody></tbody></table>
  <p id="mapping-problem" class="error" role="alert"></p>
  <h3>Validation preview</h3>
  <p id="preview-summary" role="status" aria-live="polite"></p>
  <div class="scroll"><table id="preview-rows"><caption class="visually-hidden">The first rows as they will be stored</caption><thead></thead><tbody></tbody></table></div>
  <table id="rejected-rows"><caption>Rejected rows</caption>
    <thead><tr><th scope="col">Row</th><th scope="col">Line</th><th scope="col">Column</th><th scope="col">Reason</th></tr></thead><tbody></tbody></table>
  <h3>Load</h3>
  <div class="filters">
    <div><label for="on-error">When rows are rejected</label><select id="on-error"><option value="skip">load the good rows, skip the rejected ones</option><option value="abort">load nothing (all or nothing)</option></select></div>
    <div><button type="button" id="load" class="primary">Load into ${table.name}</button></div>
  </div>
  <label for="load-progress">Load progress</label>
  <progress id="load-progress" max="1" value="0"></progress>
  <p id="load-status" role="status" aria-live="polite"></p>
  <p id="load-result"></p>
  <p><a id="rejects-link" hidden download>Download the rejected rows</a></p>
</div>
</section>
${exportForm(table)}`;
}

function exportForm(table: TableInfo) {
  return html`<section aria-labelledby="export-heading">
<h2 id="export-heading">Export ${table.name}</h2>
<form id="export" class="panel">
  <div class="filters">
    <div><label for="export-format">Format</label><select id="export-format" name="format"><option value="csv">CSV</option><option value="xlsx">XLSX</option></select></div>
    <div class="check"><input type="checkbox" id="export-bom" name="bom"><label for="export-bom">UTF-8 byte-order mark (Excel on Windows)</label></div>
  </div>
  <table><caption>Masking (hash and token need BYOS_MASK_KEY set where the console runs)</caption>
    <thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Mask</th></tr></thead>
    <tbody>${table.columns.map(
      (c, i) =>
        html`<tr><th scope="row">${c.name}</th><td>${c.type}</td><td><label class="visually-hidden" for="mask-${i}">Mask for ${c.name}</label><select id="mask-${i}" data-column="${c.name}"><option value="">export as is</option>${MASK_KINDS.map(
          (k) => html`<option value="${k}">${k}</option>`,
        )}</select></td></tr>`,
    )}</tbody></table>
  <p><button type="submit" class="primary">Export</button></p>
  <p id="export-status" role="status" aria-live="polite"></p>
  <p><a id="export-link" hidden download>Download the export</a></p>
</form>
</section>`;
}
