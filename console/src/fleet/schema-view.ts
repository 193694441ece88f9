import type { SchemaModel } from '@byos/runtime';
import { html, type Markup } from '../html.ts';

type Table = SchemaModel['tables'][number];
type Column = Table['columns'][number];

/**
 * The schema browser: schemas, then each table's columns, keys, relations and indexes, then views and the objects
 * with no neutral form (triggers, policies, routines). Names from the database only ever pass through `html`.
 */
export function schemaBrowser(model: SchemaModel): Markup {
  const schemas = [...new Set([...model.schemas.map((s) => s.name), ...model.tables.map((t) => t.schema), ...model.views.map((v) => v.schema)])];
  const qualified = (schema: string, name: string) => (schema === model.defaultSchema ? name : `${schema}.${name}`);
  let anchor = 0;
  const ids = new Map<Table, string>(model.tables.map((t) => [t, `table-${anchor++}`]));
  return html`<p class="muted">${model.dialect} · default schema <code>${model.defaultSchema}</code> · ${model.tables.length} tables · ${model.views.length} views</p>
    ${schemas.map((schema) => {
      const tables = model.tables.filter((t) => t.schema === schema);
      const views = model.views.filter((v) => v.schema === schema);
      return html`<section class="schema" aria-label="Schema ${schema}">
        <h3>Schema <code>${schema}</code></h3>
        ${tables.length ? html`<ul class="toc">${tables.map((t) => html`<li><a href="#${ids.get(t)!}">${t.name}</a></li>`)}</ul>` : html`<p class="muted">no tables</p>`}
        ${tables.map((t) => tableSection(t, ids.get(t)!, qualified))}
        ${views.length ? html`<h4>Views</h4><ul>${views.map((v) => html`<li><code>${v.name}</code>${v.materialized ? ' (materialized)' : ''}: ${v.columns.map((c) => c.name).join(', ')}</li>`)}</ul>` : ''}
      </section>`;
    })}
    ${model.enums.length ? html`<h3>Enums</h3><ul>${model.enums.map((e) => html`<li><code>${qualified(e.schema, e.name)}</code>: ${e.values.join(', ')}</li>`)}</ul>` : ''}
    ${objectsSection(model.objects)}`;
}

function tableSection(table: Table, id: string, qualified: (schema: string, name: string) => string): Markup {
  const pk = new Set(table.primaryKey?.columns ?? []);
  const referencing = new Map<string, string>();
  for (const fk of table.foreignKeys)
    fk.columns.forEach((c, i) => referencing.set(c, `${qualified(fk.referencedSchema, fk.referencedTable)}.${fk.referencedColumns[i] ?? ''}`));
  return html`<div class="schema-table" id="${id}">
    <h4>${table.name}</h4>
    ${table.comment ? html`<p class="muted">${table.comment}</p>` : ''}
    <table class="columns">
      <caption>Columns of ${table.name}</caption>
      <thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Nullable</th><th scope="col">Default</th><th scope="col">Key</th></tr></thead>
      <tbody>${table.columns.map((c) => columnRow(c, pk.has(c.name), referencing.get(c.name)))}</tbody>
    </table>
    ${
      table.foreignKeys.length
        ? html`<p><strong>Relations</strong></p><ul class="relations">${table.foreignKeys.map(
            (fk) =>
              html`<li class="foreign-key">${fk.name ? html`<code>${fk.name}</code>: ` : ''}(${fk.columns.join(', ')}) → <code>${qualified(fk.referencedSchema, fk.referencedTable)}</code>(${fk.referencedColumns.join(', ')})
                <span class="muted">on delete ${fk.onDelete}, on update ${fk.onUpdate}</span></li>`,
          )}</ul>`
        : ''
    }
    ${
      table.indexes.length || table.uniques.length
        ? html`<p><strong>Indexes</strong></p><ul class="indexes">
            ${table.uniques.map((u) => html`<li>${u.name ? html`<code>${u.name}</code>: ` : ''}unique (${u.columns.join(', ')})</li>`)}
            ${table.indexes.map((i) => html`<li class="index"><code>${i.name}</code>: ${i.unique ? 'unique ' : ''}(${i.columns.join(', ')})${i.where ? html` where <code>${i.where}</code>` : ''}</li>`)}
          </ul>`
        : ''
    }
    ${table.checks.length ? html`<p><strong>Checks</strong></p><ul>${table.checks.map((c) => html`<li><code>${c.expression}</code></li>`)}</ul>` : ''}
  </div>`;
}

function columnRow(column: Column, primary: boolean, references: string | undefined): Markup {
  const extra = [column.identity ? `identity (${column.identity})` : '', column.generated ? `generated ${column.generated.kind}` : '']
    .filter(Boolean)
    .join(', ');
  return html`<tr>
    <th scope="row"><code>${column.name}</code></th>
    <td><code>${column.nativeType}</code>${extra ? html` <span class="muted">${extra}</span>` : ''}</td>
    <td>${column.nullable ? 'yes' : 'no'}</td>
    <td>${column.default === null ? html`<span class="muted">none</span>` : html`<code>${column.default}</code>`}</td>
    <td>${primary ? html`<span class="badge ok">primary</span> ` : ''}${references ? html`→ <code>${references}</code>` : ''}</td>
  </tr>`;
}

function objectsSection(objects: SchemaModel['objects']): Markup {
  if (!objects.length) return html``;
  const kinds = [...new Set(objects.map((o) => o.kind))].sort();
  return html`<h3>Policies, triggers and other objects</h3>
    ${kinds.map(
      (kind) =>
        html`<h4>${kind}</h4><ul class="objects">${objects
          .filter((o) => o.kind === kind)
          .map(
            (o) =>
              html`<li><details><summary><code>${o.name}</code>${o.table ? html` on <code>${o.table}</code>` : ''}</summary><pre tabindex="0">${o.definition}</pre></details></li>`,
          )}</ul>`,
    )}`;
}
