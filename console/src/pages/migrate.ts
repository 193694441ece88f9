import type { Context, Hono } from 'hono';
import { FORMS } from '@byos/runtime/migrate/sentence';
import { html, page } from '../html.ts';
import {
  applyPending,
  applySentence,
  fleetTenant,
  MigrateInputError,
  planPending,
  previewSentence,
  type TenantMigrations,
  tenantMigrations,
} from '../migrate/service.ts';
import type { PageDeps } from '../server.ts';

/** Sentences shown under the box: the reader's own examples, one per form it knows. */
const EXAMPLES = [...new Set(FORMS.map((f) => f.example))].slice(0, 12);

/**
 * The plain-language migration box (`/migrate`: preview, then apply to some or all tenants) and each tenant's
 * migrations page (`/tenants/:tenant/migrations`: applied, pending, drift; plan and apply). Everything goes through
 * @byos/runtime/migrate, as `byos migrate new|plan|up|status|drift` do.
 */
export function registerMigrate(app: Hono, deps: PageDeps): void {
  const { ctx, secrets } = deps;

  app.get('/migrate', async (c) => {
    const { tenants } = await ctx.fleet();
    const names = tenants.map((t) => t.tenant);
    const wanted = c.req.query('tenant');
    const selected = wanted && names.includes(wanted) ? wanted : names[0];
    return c.html(
      page(
        { title: 'Plain-language migration', csrf: secrets.csrf, section: 'migrate', scripts: ['migrate.js'], styles: ['migrate.css'] },
        html`<h1>Plain-language migration</h1>
<p class="muted">Describe a schema change in a sentence. The preview shows the ops, the SQL on each dialect, the lint findings and the rollback; nothing changes until you apply.</p>
<form id="migrate-form" class="panel" novalidate>
  <div class="field">
    <label for="sentence">Describe the change</label>
    <textarea id="sentence" name="sentence" rows="2" required aria-describedby="sentence-help" placeholder="add a nullable text column notes to Album"></textarea>
    <p id="sentence-help" class="muted">Table and column names are read against the chosen tenant's schema, whatever their case.</p>
  </div>
  <div class="field">
    <label for="read-tenant">Read against tenant</label>
    <select id="read-tenant" name="tenant">
      ${names.map((n) => html`<option value="${n}" ${n === selected ? html`selected` : ''}>${n}</option>`)}
    </select>
  </div>
  <button type="submit" class="primary" id="preview-button">Preview</button>
</form>
<details class="examples">
  <summary>Sentences the reader understands</summary>
  <ul id="examples">${EXAMPLES.map((e) => html`<li><button type="button" class="example" data-sentence="${e}">${e}</button></li>`)}</ul>
</details>
<p id="preview-status" role="status" aria-live="polite"></p>
<section id="preview" aria-labelledby="preview-heading" hidden>
  <h2 id="preview-heading">Preview</h2>
  <div id="preview-body"></div>
  <h2>Apply</h2>
  <form id="apply-form" class="panel" novalidate>
    <fieldset>
      <legend>Apply to</legend>
      ${names.map(
        (n) =>
          html`<div class="check"><input type="checkbox" id="apply-${n}" name="tenant" value="${n}" ${n === wanted ? html`checked` : ''}><label for="apply-${n}">${n}</label></div>`,
      )}
    </fieldset>
    <div class="check"><input type="checkbox" id="despite" name="despite"><label for="despite">Apply despite lint findings (destructive or risky changes)</label></div>
    <button type="submit" class="primary" id="apply-button">Apply</button>
  </form>
  <p id="apply-status" role="status" aria-live="polite"></p>
  <div id="apply-results"></div>
</section>`,
      ),
    );
  });

  app.post('/migrate/preview', async (c) => {
    const body = await jsonBody(c);
    try {
      const tenant = body.tenant ? await fleetTenant(ctx, body.tenant) : (await ctx.fleet()).tenants[0]?.tenant;
      if (!tenant) throw new MigrateInputError('the fleet has no tenant to read the sentence against');
      return c.json(await previewSentence(ctx, String(body.sentence ?? ''), tenant));
    } catch (error) {
      return inputError(c, error);
    }
  });

  app.post('/migrate/apply', async (c) => {
    const body = await jsonBody(c);
    try {
      const tenants = Array.isArray(body.tenants) ? body.tenants : [];
      for (const t of tenants) await fleetTenant(ctx, t);
      return c.json({ outcomes: await applySentence(ctx, String(body.sentence ?? ''), tenants as string[], body.despiteFindings === true) });
    } catch (error) {
      return inputError(c, error);
    }
  });

  app.get('/tenants/:tenant/migrations', async (c) => {
    const tenant = await fleetTenant(ctx, c.req.param('tenant')).catch(() => undefined);
    if (!tenant) return c.notFound();
    const info = await tenantMigrations(ctx, tenant).catch(
      (error: Error) => ({ tenant, folder: '', rows: [], drift: [], error: error.message }) as TenantMigrations,
    );
    return c.html(
      page(
        { title: `Migrations of ${tenant}`, csrf: secrets.csrf, section: 'migrate', scripts: ['migrate.js'], styles: ['migrate.css'] },
        migrationsPage(info),
      ),
    );
  });

  app.post('/tenants/:tenant/migrations/plan', async (c) => {
    try {
      const tenant = await fleetTenant(ctx, c.req.param('tenant'));
      return c.json({ plans: await planPending(ctx, tenant) });
    } catch (error) {
      return inputError(c, error);
    }
  });

  app.post('/tenants/:tenant/migrations/apply', async (c) => {
    const body = await jsonBody(c);
    try {
      const tenant = await fleetTenant(ctx, c.req.param('tenant'));
      return c.json(await applyPending(ctx, tenant, body.despiteFindings === true));
    } catch (error) {
      return inputError(c, error);
    }
  });
}

function migrationsPage(info: TenantMigrations) {
  const pending = info.rows.filter((r) => r.state === 'pending');
  return html`<h1>Migrations of ${info.tenant}</h1>
<p class="muted">Folder ${info.folder || '(none)'}${info.dialect ? html` · ${info.dialect}` : ''} · <a href="/migrate?tenant=${info.tenant}">write a migration from a sentence</a></p>
${info.error ? html`<p class="error" role="alert">${info.error}</p>` : ''}
<section aria-labelledby="status-heading">
<h2 id="status-heading">Migrations</h2>
${
  info.rows.length
    ? html`<table id="migration-rows">
<thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">State</th><th scope="col">Applied at</th></tr></thead>
<tbody>${info.rows.map(
        (r) =>
          html`<tr data-id="${r.id}" data-state="${r.state}"><td>${r.id}</td><td>${r.name}</td><td><span class="badge ${stateClass(r.state)}">${r.state}</span></td><td>${r.appliedAt ?? ''}</td></tr>`,
      )}</tbody>
</table>`
    : html`<p>No migrations yet.</p>`
}
</section>
<section aria-labelledby="drift-heading">
<h2 id="drift-heading">Drift</h2>
${
  info.drift.length
    ? html`<ul id="drift">${info.drift.map((f) => html`<li><span class="badge bad">${f.rule}</span> ${f.subject}: ${f.message}</li>`)}</ul>`
    : html`<p id="drift">${info.error ? 'Not checked.' : 'No drift: the database matches the applied migrations.'}</p>`
}
</section>
<section aria-labelledby="pending-heading">
<h2 id="pending-heading">Pending</h2>
<p>${pending.length ? `${pending.length} pending: ${pending.map((r) => `${r.id}_${r.name}`).join(', ')}` : 'Nothing pending.'}</p>
<form id="pending-form" class="panel" data-tenant="${info.tenant}" novalidate>
  <div class="check"><input type="checkbox" id="pending-despite" name="despite"><label for="pending-despite">Apply despite lint findings</label></div>
  <button type="button" id="plan-pending">Plan pending</button>
  <button type="submit" class="primary" id="apply-pending" ${pending.length ? '' : html`disabled`}>Apply pending</button>
</form>
<p id="pending-status" role="status" aria-live="polite"></p>
<div id="pending-plan"></div>
</section>`;
}

const stateClass = (state: string) => (state === 'applied' ? 'ok' : state === 'pending' ? 'warn' : 'bad');

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  try {
    const body = await c.req.json();
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  } catch {
    throw new Error('send a JSON body');
  }
}

/** A problem the user can fix answers 400 with its message (and the reader's suggestions); anything else goes to onError. */
function inputError(c: Context, error: unknown) {
  if (error instanceof MigrateInputError) return c.json({ error: error.message, suggestions: error.suggestions }, 400);
  throw error;
}
