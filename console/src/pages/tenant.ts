import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { generateTypes, introspect, kitCode, kitEnvFile, redactText, type SchemaModel } from '@byos/runtime';
import { schemaBrowser } from '../fleet/schema-view.ts';
import { errorPage, html, type Markup, page } from '../html.ts';
import type { PageDeps } from '../server.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };
const oneLine = (error: unknown) => redactText(((error as Error)?.message ?? String(error)).split('\n')[0] ?? 'failed');

/**
 * A tenant's page: its schema from the SchemaModel, the generated types to download, the connection kit for its
 * provider (the code and .env `byos kit` prints: never a password), and the way to its migrations, imports and moves.
 */
export function registerTenant(app: Hono, deps: PageDeps): void {
  const { ctx } = deps;
  app.get('/tenants/:tenant', async (c) => {
    const name = c.req.param('tenant');
    const tenant = await ctx.tenant(name);
    if (!tenant) return c.html(errorPage(deps.secrets.csrf, 'Tenant not found', `no tenant named ${name} in the stack files or the operator's records`), 404);
    const model: Outcome<SchemaModel> = await ctx
      .withTenant(name, (db) => introspect(db))
      .then(
        (value) => ({ ok: true as const, value }),
        (error) => ({ ok: false as const, error: oneLine(error) }),
      );
    const types = model.ok ? await writeTypes(ctx.options.workDir, name, model.value).then(ok, failure) : undefined;
    const kit = await ctx
      .profile(name)
      .then(
        (profile) =>
          profile ? ok({ code: kitCode(profile, { lang: 'ts' }), env: kitEnvFile(profile) }) : failure(new Error(`no connection profile for tenant ${name}`)),
        failure,
      );
    const spec = tenant.spec;
    const encoded = encodeURIComponent(name);
    return c.html(
      page(
        { title: name, csrf: deps.secrets.csrf, section: 'fleet', styles: ['fleet.css'] },
        html`<h1>Tenant ${name}</h1>
          ${
            spec
              ? html`<dl class="facts">
                  <dt>Provider</dt><dd>${spec.provider}</dd><dt>Region</dt><dd>${spec.region}</dd>
                  <dt>Residency</dt><dd>${spec.residency ?? 'none'}</dd><dt>Compliance</dt><dd>${spec.compliance.join(', ').toUpperCase() || 'none'}</dd>
                </dl>`
              : ''
          }
          <nav class="tenant-links" aria-label="Tenant actions">
            <a class="button" href="/tenants/${encoded}/migrations">Migrations</a>
            <a class="button" href="/import?tenant=${encoded}">Import a file</a>
            <a class="button" href="/move?tenant=${encoded}">Move this tenant</a>
            <a class="button" href="/">Back to the fleet</a>
          </nav>
          <h2>Schema</h2>
          ${model.ok ? schemaBrowser(model.value) : html`<p class="error" role="alert">cannot read the schema: ${model.error}</p>`}
          <h2>Generated types</h2>
          ${typesSection(types)}
          <h2>Connection kit</h2>
          ${kit.ok ? kitSection(kit.value) : html`<p class="error">${kit.error}</p>`}`,
      ),
    );
  });
}

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const failure = (error: unknown): Outcome<never> => ({ ok: false, error: oneLine(error) });

/** `byos types --zod --kysely` for the live schema, written where /download serves it from. */
async function writeTypes(workDir: string, tenant: string, model: SchemaModel): Promise<string> {
  const folder = join(workDir, 'downloads', 'types');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, `${tenant}.ts`), generateTypes(model, { zod: true, kysely: true }));
  return `/download/types/${encodeURIComponent(tenant)}.ts`;
}

function typesSection(types: Outcome<string> | undefined): Markup {
  if (!types) return html`<p class="muted">no schema to generate types from</p>`;
  if (!types.ok) return html`<p class="error">${types.error}</p>`;
  return html`<p>Row and Insert interfaces, Zod schemas and the Kysely <code>DB</code> interface of the live schema, as <code>byos types --zod --kysely</code> writes them.</p>
    <p><a class="button primary" href="${types.value}" download>Download TypeScript types</a></p>`;
}

function kitSection(kit: { code: string; env: string }): Markup {
  return html`<p>Copy-paste connection code for this tenant's provider, as <code>byos kit</code> prints it; the password never appears here.</p>
    <h3>Code (TypeScript)</h3>
    <pre class="kit-code" tabindex="0"><code>${kit.code}</code></pre>
    <h3>.env template</h3>
    <pre class="kit-env" tabindex="0"><code>${kit.env}</code></pre>`;
}
