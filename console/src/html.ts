import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/**
 * Pages are HTML built with hono's `html` template: every interpolated value is escaped, so a table named
 * `<img src=x onerror=alert(1)>` shows as text. `raw` is for markup this code wrote itself, never for data.
 */
export { html, raw };
export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  title: string;
  csrf: string;
  /** Which nav entry is current. */
  section?: 'fleet' | 'import' | 'migrate' | 'move';
  /** Extra scripts from /static (file names only). */
  scripts?: string[];
  /** Extra stylesheets from /static (file names only). */
  styles?: string[];
}

export function page(options: PageOptions, body: Markup): Markup {
  const nav = (href: string, label: string, key: PageOptions['section']) =>
    html`<a href="${href}" ${options.section === key ? raw('aria-current="page"') : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="byos-csrf" content="${options.csrf}">
<title>${options.title} · BYOS Console</title>
<link rel="stylesheet" href="/static/console.css">
<script type="module" src="/static/console.js"></script>
${(options.styles ?? []).map((s) => html`<link rel="stylesheet" href="/static/${s}">`)}
${(options.scripts ?? []).map((s) => html`<script type="module" src="/static/${s}"></script>`)}
</head>
<body>
<header class="top">
  <a class="brand" href="/">BYOS Console</a>
  <nav aria-label="Main">${nav('/', 'Fleet', 'fleet')}${nav('/import', 'Import', 'import')}${nav('/migrate', 'Migrate', 'migrate')}${nav('/move', 'Move', 'move')}</nav>
</header>
<main id="main">
${body}
</main>
</body>
</html>`;
}

/** A one-line error page: what went wrong and where, never a stack. */
export function errorPage(csrf: string, title: string, message: string): Markup {
  return page({ title, csrf }, html`<h1>${title}</h1><p class="error" role="alert">${message}</p><p><a href="/">Back to the fleet</a></p>`);
}
