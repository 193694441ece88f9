import type { Context, Hono } from 'hono';
import { SwitchJournal } from '@byos/runtime/switch';
import { closeRollbackWindow } from '@byos/runtime/switch';
import { errorPage, html, page } from '../html.ts';
import { planMove } from '../move/plan.ts';
import { MoveBusyError, startSwitchJob } from '../move/run.ts';
import { checkProviderRegion, describeProfile, providerRegions, readTargetProfile, readyTargets } from '../move/targets.ts';
import type { PageDeps } from '../server.ts';

const TENANT = /^[\w-]{1,63}$/;

/** The JSON body's tenant, checked to be one of the fleet's. */
async function tenantOf(deps: PageDeps, body: { tenant?: unknown }) {
  const tenant = typeof body.tenant === 'string' ? body.tenant : '';
  if (!TENANT.test(tenant) || !(await deps.ctx.tenant(tenant))) throw new BadRequest(`no tenant ${JSON.stringify(tenant)} in the fleet`);
  return tenant;
}

class BadRequest extends Error {}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const body = await c.req.json().catch(() => undefined);
  if (!body || typeof body !== 'object') throw new BadRequest('send a JSON object');
  return body as Record<string, unknown>;
}

/** Runs a JSON route: a BadRequest answers 400 with its one line; anything else goes to app.onError. */
function route(handler: (c: Context) => Promise<Response>) {
  return async (c: Context) => {
    try {
      return await handler(c);
    } catch (error) {
      if (error instanceof BadRequest) return c.json({ error: error.message }, 400);
      if (error instanceof MoveBusyError) return c.json({ error: error.message }, 409);
      throw error;
    }
  };
}

function targetId(body: Record<string, unknown>): string {
  const target = body.target as { profile?: unknown } | undefined;
  if (typeof target?.profile !== 'string') throw new BadRequest('name the target: {"target": {"profile": "<tenant>.<provider>.json"}}');
  return target.profile;
}

/** The move wizard: (1) pick the target, (2) review the plan and start, (3) progress, verification, rollback. */
export function registerMove(app: Hono, deps: PageDeps): void {
  const { ctx, secrets } = deps;
  const opts = (title: string) => ({ title, csrf: secrets.csrf, section: 'move' as const, scripts: ['move.js'], styles: ['move.css'] });

  app.get('/move', async (c) => {
    const tenant = c.req.query('tenant');
    const fleet = await ctx.fleet();
    if (!tenant) {
      return c.html(
        page(
          opts('Move a tenant'),
          html`<h1>Move a tenant</h1>
<p>Pick the tenant to move to another database. The move copies it while it keeps running, catches up, verifies and flips it.</p>
<ul class="tenant-list">${fleet.tenants.map((t) => html`<li><a href="/move?tenant=${t.tenant}">${t.tenant}</a> <span class="muted">${t.spec?.provider ?? ''} ${t.spec?.region ?? ''}</span></li>`)}</ul>`,
        ),
      );
    }
    const known = fleet.tenants.find((t) => t.tenant === tenant);
    if (!known || !TENANT.test(tenant)) return c.html(errorPage(secrets.csrf, 'No such tenant', `no tenant ${tenant} in the fleet`), 404);
    const active = await ctx.profile(tenant);
    const targets = await readyTargets(ctx, tenant, active);
    const job = ctx.jobs.latest('move', tenant);
    const journal = await SwitchJournal.open(ctx.options.stateDir, tenant);
    const state = journal.state();
    const where = active ? describeProfile(active) : undefined;
    const providers = providerRegions();
    return c.html(
      page(
        opts(`Move ${tenant}`),
        html`<h1>Move ${tenant}</h1>
<div id="move" data-tenant="${tenant}" data-job="${job?.id ?? ''}" data-journal="${state}">
<ol class="steps" aria-label="Steps">
  <li id="nav-target" aria-current="step">1. Target</li>
  <li id="nav-review">2. Review</li>
  <li id="nav-progress">3. Move and verify</li>
</ol>
<p class="panel" id="now-on">Now on: ${where ? html`<strong>${where.provider}</strong> · ${where.host} · database <code>${where.database}</code>` : 'no connection profile'}
${known.spec?.residency ? html` · residency <strong>${known.spec.residency}</strong>` : ''}${known.spec?.compliance?.length ? html` · ${known.spec.compliance.join(', ')}` : ''}</p>
${
  state === 'switched' && !job
    ? html`<div class="panel" id="window-open"><p>The last move of ${tenant} finished (${journal.done('begin')?.data?.from ?? ''} → ${journal.done('begin')?.data?.to ?? ''}) and its rollback window is open.</p>
<p><button type="button" class="danger" data-action="rollback">Roll back to the previous database</button> <button type="button" data-action="finish">Close the rollback window</button></p></div>`
    : ''
}
<section id="step-target" aria-labelledby="h-target">
<h2 id="h-target">1. Pick the target</h2>
<form id="pick-profile">
<fieldset><legend>A ready database (its profile in the profiles folder)</legend>
${
  targets.length
    ? targets.map(
        (t, i) =>
          html`<div class="choice"><input type="radio" name="profile" id="target-${i}" value="${t.id}" ${i === 0 ? 'checked' : ''}><label for="target-${i}"><strong>${t.provider}</strong> · ${t.host} · database <code>${t.database}</code>${t.region ? html` · region ${t.region}` : ''}</label></div>`,
      )
    : html`<p class="muted">No other ready profile for ${tenant} (<code>${tenant}.&lt;provider&gt;.json</code> in the profiles folder).</p>`
}
</fieldset>
<p><button type="submit" class="primary" ${targets.length ? '' : 'disabled'}>Review the move</button></p>
</form>
<form id="pick-region">
<fieldset><legend>Or a provider and region (checked against the tenant's residency first)</legend>
<div class="row">
<div><label for="provider">Provider</label>
<select id="provider" name="provider">${providers.map((p) => html`<option value="${p.provider}">${p.provider}</option>`)}</select></div>
<div><label for="region">Region</label>
<input id="region" name="region" list="regions" autocomplete="off" required>
<datalist id="regions">${[...new Set(providers.flatMap((p) => p.regions))].sort().map((r) => html`<option value="${r}"></option>`)}</datalist></div>
<div><button type="submit">Check the region</button></div>
</div>
</fieldset>
</form>
<div id="region-result" role="status" aria-live="polite"></div>
</section>
<section id="step-review" aria-labelledby="h-review" hidden>
<h2 id="h-review">2. Review the plan</h2>
<div id="review"></div>
</section>
<section id="step-progress" aria-labelledby="h-progress" hidden>
<h2 id="h-progress">3. Move and verify</h2>
<p id="move-status" role="status" aria-live="polite"></p>
<div id="progress"></div>
</section>
</div>`,
      ),
    );
  });

  app.post(
    '/move/check',
    route(async (c) => {
      const body = await jsonBody(c);
      const tenant = await tenantOf(deps, body);
      const spec = (await ctx.tenant(tenant))?.spec;
      return c.json(await checkProviderRegion(ctx, tenant, spec, String(body.provider ?? ''), String(body.region ?? '')));
    }),
  );

  /** The tenant a request names, its active profile and the target profile it picked. */
  const moveSides = async (body: Record<string, unknown>) => {
    const tenant = await tenantOf(deps, body);
    const from = await ctx.profile(tenant);
    if (!from) throw new BadRequest(`no connection profile for ${tenant}`);
    const to = await readTargetProfile(ctx, tenant, targetId(body)).catch((e: Error) => {
      throw new BadRequest(e.message);
    });
    return { tenant, from, to };
  };

  app.post(
    '/move/plan',
    route(async (c) => {
      const { from, to } = await moveSides(await jsonBody(c));
      return c.json(await planMove(from, to));
    }),
  );

  app.post(
    '/move/start',
    route(async (c) => {
      const { tenant, from, to } = await moveSides(await jsonBody(c));
      // The same refusals the review showed: a plan with errors never starts.
      const plan = await planMove(from, to);
      if (plan.blocked) throw new BadRequest(`the plan refuses this move: ${plan.findings.find((f) => f.severity === 'error')?.message}`);
      const job = startSwitchJob(ctx, tenant, { to });
      return c.json({ job: job.id });
    }),
  );

  app.post(
    '/move/rollback',
    route(async (c) => {
      const tenant = await tenantOf(deps, await jsonBody(c));
      const job = startSwitchJob(ctx, tenant, { rollback: true });
      return c.json({ job: job.id });
    }),
  );

  app.post(
    '/move/finish',
    route(async (c) => {
      const tenant = await tenantOf(deps, await jsonBody(c));
      await closeRollbackWindow({ tenant, router: ctx.router, stateDir: ctx.options.stateDir });
      return c.json({ tenant, closed: true });
    }),
  );
}
