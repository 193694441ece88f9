import type { Hono } from 'hono';
import { auditCell, backupCell, healthCell, keysCell, moveCell, piiCell, policyCell, probeCell, schemaCell } from '../fleet/cells.ts';
import { PolicyCache } from '../fleet/policy.ts';
import { fleetStatus, type Probe, type TenantStatus } from '../fleet/probes.ts';
import { applyQuery, type FleetQuery, readQuery, statusLabel, violatesPolicy } from '../fleet/view.ts';
import { html, type Markup, page } from '../html.ts';
import type { PageDeps } from '../server.ts';

/**
 * The fleet view: every tenant with its policy verdict per rule and what its database says right now. Filter and
 * sort are a GET form (works without scripts); `?format=json` (or Accept: application/json) gives the same data.
 */
export function registerFleet(app: Hono, deps: PageDeps): void {
  const policies = new PolicyCache();
  app.get('/', async (c) => {
    const { tenants, problems } = await deps.ctx.fleet();
    const statuses = await fleetStatus(deps.ctx, policies, tenants);
    const query = readQuery(new URL(c.req.url).searchParams);
    const shown = applyQuery(statuses, query);
    if (c.req.query('format') === 'json' || c.req.header('accept')?.includes('application/json')) {
      return c.json({ tenants: shown, problems, query });
    }
    const providers = [...new Set(statuses.map((t) => t.provider).filter((p): p is string => Boolean(p)))].sort();
    return c.html(
      page(
        { title: 'Fleet', csrf: deps.secrets.csrf, section: 'fleet', scripts: ['fleet.js'], styles: ['fleet.css'] },
        html`<h1>Fleet</h1>
          <p class="summary">${summary(statuses)}</p>
          ${filterForm(query, providers)}
          ${problems.length ? problemTable(problems) : ''}
          ${shown.length ? fleetTable(shown) : html`<p class="muted" role="status">No tenant matches these filters.</p>`}`,
      ),
    );
  });
}

function summary(statuses: TenantStatus[]): string {
  const violating = statuses.filter(violatesPolicy).length;
  const unreachable = statuses.filter((t) => !t.health.ok).length;
  return [
    `${statuses.length} tenant${statuses.length === 1 ? '' : 's'}`,
    violating ? `${violating} violate${violating === 1 ? 's' : ''} policy` : 'none violates policy',
    ...(unreachable ? [`${unreachable} unreachable`] : []),
  ].join(' · ');
}

function filterForm(query: FleetQuery, providers: string[]): Markup {
  const option = (value: string, label: string, current: string) => html`<option value="${value}" ${value === current ? 'selected' : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/" role="search" aria-label="Filter the fleet">
    <div><label for="fleet-q">Search</label><input id="fleet-q" name="q" type="search" value="${query.q}" placeholder="name, region, framework"></div>
    <div><label for="fleet-provider">Provider</label><select id="fleet-provider" name="provider">
      ${option('', 'All providers', query.provider)}${providers.map((p) => option(p, p, query.provider))}
    </select></div>
    <div><label for="fleet-compliance">Compliance</label><select id="fleet-compliance" name="compliance">
      ${option('', 'All', query.compliance)}${option('violates', 'Violates policy', query.compliance)}${option('passes', 'Passes policy', query.compliance)}
    </select></div>
    <div><label for="fleet-sort">Sort by</label><select id="fleet-sort" name="sort">
      ${option('status', 'Status (violations first)', query.sort)}${option('name', 'Name', query.sort)}${option('provider', 'Provider', query.sort)}
    </select></div>
    <div><button type="submit" class="primary">Apply</button></div>
    <div><a href="/" class="button">Reset</a></div>
  </form>`;
}

function problemTable(problems: { file: string; message: string }[]): Markup {
  return html`<h2>Stack files that are not valid tenant specs</h2>
    <table class="problems">
      <thead><tr><th scope="col">File</th><th scope="col">Problem</th></tr></thead>
      <tbody>${problems.map((p) => html`<tr class="problem"><td><code>${p.file}</code></td><td class="error">${p.message}</td></tr>`)}</tbody>
    </table>`;
}

function fleetTable(statuses: TenantStatus[]): Markup {
  return html`<h2>Tenants</h2>
    <div class="fleet-scroll" role="region" aria-label="Tenants" tabindex="0">
    <table class="fleet">
      <thead><tr>
        <th scope="col">Tenant</th><th scope="col">Provider · region · residency</th><th scope="col">Compliance</th>
        <th scope="col">Connection</th><th scope="col">Schema version</th><th scope="col">Personal data</th><th scope="col">Encryption keys</th>
        <th scope="col">Audit chain</th><th scope="col">Backup verified</th><th scope="col">Move</th>
      </tr></thead>
      <tbody>${statuses.map(tenantRow)}</tbody>
    </table>
    </div>`;
}

function tenantRow(t: TenantStatus): Markup {
  const violates = violatesPolicy(t);
  const label = statusLabel(t);
  // Unreachable, every database probe fails with the connection's error: said once, in the Connection column.
  const db = <T>(probe: Probe<T>, render: (value: T) => Markup) => (t.health.ok ? probeCell(probe, render) : html`<span class="muted">unreachable</span>`);
  return html`<tr class="tenant ${violates ? 'violates' : ''}" data-tenant="${t.tenant}">
    <th scope="row">
      <a href="/tenants/${encodeURIComponent(t.tenant)}">${t.tenant}</a>
      <br><span class="badge ${violates ? 'bad' : label === 'healthy' ? 'ok' : 'warn'} status">${label}</span>
      <br><span class="muted small">${t.source}</span>
    </th>
    <td class="nowrap">${t.provider ?? '?'}<br><span class="muted">${t.region ?? '?'} ·</span> ${t.residency ?? html`<span class="muted">no residency</span>`}</td>
    <td class="compliance">
      <div class="frameworks">${t.compliance.length ? t.compliance.map((f) => html`<span class="framework">${f.toUpperCase()}</span>`) : html`<span class="muted">no framework</span>`}</div>
      ${probeCell(t.policy, policyCell)}
    </td>
    <td class="health">${probeCell(t.health, healthCell)}</td>
    <td>${db(t.schema, schemaCell)}</td>
    <td class="pii">${db(t.pii, piiCell)}</td>
    <td>${db(t.keys, keysCell)}</td>
    <td>${db(t.audit, auditCell)}</td>
    <td class="backup">${db(t.backup, backupCell)}</td>
    <td>${probeCell(t.move, moveCell)}</td>
  </tr>`;
}
