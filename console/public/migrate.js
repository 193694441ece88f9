// The migration box and a tenant's migrations page. Everything shown is built with el()/textContent: SQL, names
// and messages from the server are text, never markup.
import { el, send, setText } from './console.js';

const DIALECT_LABELS = { postgres: 'PostgreSQL', sqlite: 'SQLite', mssql: 'SQL Server' };

function findingItem(f) {
  return el(
    'li',
    { class: `finding ${f.severity}` },
    el('span', { class: `badge ${f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : 'ok'}` }, f.severity),
    ' ',
    el('strong', {}, f.rule),
    ` ${f.subject}: ${f.message}`,
    f.dialects ? el('span', { class: 'muted' }, ` (${f.dialects.map((d) => DIALECT_LABELS[d] ?? d).join(', ')})`) : '',
    f.remediation ? el('div', { class: 'muted' }, `Fix: ${f.remediation}`) : '',
  );
}

function sqlBlock(lines, label) {
  return el('pre', { 'aria-label': label, tabindex: '0' }, lines.length ? `${lines.join(';\n\n')};` : '-- nothing');
}

// ---- /migrate -------------------------------------------------------------------------------------------------
const form = document.getElementById('migrate-form');
if (form) {
  const sentence = document.getElementById('sentence');
  const tenant = document.getElementById('read-tenant');
  const status = document.getElementById('preview-status');
  const section = document.getElementById('preview');
  const body = document.getElementById('preview-body');
  const applyForm = document.getElementById('apply-form');
  const applyButton = document.getElementById('apply-button');
  const applyStatus = document.getElementById('apply-status');
  const results = document.getElementById('apply-results');
  let previewed = null;

  for (const button of document.querySelectorAll('button.example')) {
    button.addEventListener('click', () => {
      sentence.value = button.dataset.sentence;
      sentence.focus();
    });
  }
  sentence.addEventListener('input', () => {
    applyButton.disabled = previewed !== sentence.value;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.className = '';
    setText(status, 'Reading the sentence…');
    // The previous preview goes at once: what shows next is this sentence's.
    section.hidden = true;
    body.replaceChildren();
    try {
      const preview = await send('/migrate/preview', { json: { sentence: sentence.value, tenant: tenant.value } });
      previewed = sentence.value;
      renderPreview(preview);
      section.hidden = false;
      applyButton.disabled = false;
      results.replaceChildren();
      setText(applyStatus, '');
      setText(
        status,
        `Preview for ${preview.tenant} (${preview.dialect}): ${preview.ops.length} op${preview.ops.length === 1 ? '' : 's'}, nothing applied yet.`,
      );
    } catch (error) {
      previewed = null;
      section.hidden = true;
      status.className = 'error';
      const suggestions = error.data?.suggestions ?? [];
      status.replaceChildren(
        el('span', { id: 'preview-error' }, error.message),
        suggestions.length ? el('span', { class: 'suggestions' }, ` Sentences close to it: ${suggestions.join(' · ')}`) : '',
      );
    }
  });

  function renderPreview(p) {
    const parts = [];
    parts.push(
      el('h3', {}, 'Ops'),
      el(
        'ul',
        { id: 'ops' },
        p.ops.map((o) => el('li', {}, el('code', {}, o.text))),
      ),
    );
    if (p.notes.length)
      parts.push(
        el(
          'ul',
          { class: 'notes' },
          p.notes.map((n) => el('li', { class: 'muted' }, `Note: ${n}`)),
        ),
      );
    parts.push(el('p', { class: 'muted' }, `File ${p.folder}/${p.file}`));
    if (p.pending.length) parts.push(el('p', { class: 'warn-text' }, `${p.tenant} has pending migrations that applying runs first: ${p.pending.join(', ')}`));
    parts.push(el('h3', {}, 'SQL per dialect'));
    const grid = el('div', { class: 'dialects' });
    for (const d of p.dialects) {
      const label = DIALECT_LABELS[d.dialect] ?? d.dialect;
      grid.append(
        el(
          'div',
          { class: 'dialect', 'data-dialect': d.dialect },
          el('h4', {}, label),
          d.error
            ? el('p', { class: 'error' }, `Does not compile: ${d.error}`)
            : sqlBlock(
                d.statements.map((s) => s.sql + (s.outsideTransaction ? ' -- outside the transaction' : '')),
                `${label} SQL`,
              ),
        ),
      );
    }
    parts.push(grid);
    parts.push(el('h3', {}, 'Lint findings'));
    parts.push(
      p.findings.length
        ? el('ul', { id: 'findings' }, p.findings.map(findingItem))
        : el('p', { id: 'findings' }, 'No lint findings: the change is safe on every dialect.'),
    );
    if (p.blocking) parts.push(el('p', { class: 'error', id: 'blocking' }, 'Lint errors: applying needs "Apply despite lint findings".'));
    parts.push(el('h3', {}, 'Rollback'));
    const first = p.dialects.find((d) => !d.error) ?? p.dialects[0];
    const rollback = el('div', { id: 'rollback' });
    if (first?.rollback.irreversible) rollback.append(el('p', {}, `No rollback: ${first.rollback.irreversible}`));
    else if (first) {
      rollback.append(
        el(
          'ul',
          {},
          first.rollback.ops.map((o) => el('li', {}, el('code', {}, o))),
        ),
      );
      for (const loss of first.rollback.lossy) rollback.append(el('p', { class: 'warn-text' }, `Rolling back ${loss}`));
      const rgrid = el('div', { class: 'dialects' });
      for (const d of p.dialects) {
        const label = DIALECT_LABELS[d.dialect] ?? d.dialect;
        if (!d.error)
          rgrid.append(el('div', { class: 'dialect' }, el('h4', {}, `${label} rollback`), sqlBlock(d.rollback.statements, `${label} rollback SQL`)));
      }
      rollback.append(rgrid);
    }
    parts.push(rollback);
    body.replaceChildren(...parts);
  }

  applyForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const tenants = [...applyForm.querySelectorAll('input[name="tenant"]:checked')].map((i) => i.value);
    applyStatus.className = '';
    results.replaceChildren();
    setText(applyStatus, `Applying to ${tenants.join(', ') || 'no tenant'}…`);
    applyButton.disabled = true;
    try {
      const { outcomes } = await send('/migrate/apply', {
        json: { sentence: sentence.value, tenants, despiteFindings: document.getElementById('despite').checked },
      });
      const table = el(
        'table',
        { id: 'apply-table' },
        el('caption', {}, 'Result per tenant'),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Tenant'), el('th', { scope: 'col' }, 'Result'), el('th', { scope: 'col' }, 'Detail'))),
        el(
          'tbody',
          {},
          outcomes.map((o) =>
            el(
              'tr',
              { 'data-tenant': o.tenant, 'data-status': o.status },
              el('th', { scope: 'row' }, el('a', { href: `/tenants/${encodeURIComponent(o.tenant)}/migrations` }, o.tenant)),
              el('td', {}, el('span', { class: `badge ${o.status === 'applied' ? 'ok' : 'bad'}` }, o.status)),
              el('td', {}, o.status === 'applied' ? (o.ran.length ? `ran ${o.ran.join(', ')}` : 'already up to date') : o.error),
            ),
          ),
        ),
      );
      results.replaceChildren(table);
      const failed = outcomes.filter((o) => o.status !== 'applied').length;
      setText(
        applyStatus,
        failed ? `${outcomes.length - failed} applied, ${failed} not applied.` : `Applied to ${outcomes.length} tenant${outcomes.length === 1 ? '' : 's'}.`,
      );
    } catch (error) {
      applyStatus.className = 'error';
      setText(applyStatus, error.message);
    } finally {
      applyButton.disabled = previewed !== sentence.value;
    }
  });
}

// ---- /tenants/:tenant/migrations --------------------------------------------------------------------------------
const pendingForm = document.getElementById('pending-form');
if (pendingForm) {
  const tenant = pendingForm.dataset.tenant;
  const status = document.getElementById('pending-status');
  const out = document.getElementById('pending-plan');
  const base = `/tenants/${encodeURIComponent(tenant)}/migrations`;

  document.getElementById('plan-pending').addEventListener('click', async () => {
    setText(status, 'Planning…');
    try {
      const { plans } = await send(`${base}/plan`, { json: {} });
      out.replaceChildren(
        ...(plans.length
          ? plans.map((p) =>
              el(
                'div',
                { class: 'plan' },
                el('h3', {}, `${p.id}_${p.name}`),
                sqlBlock(
                  p.steps.flatMap((s) => s.statements.map((x) => x.sql)),
                  `SQL of ${p.id}_${p.name}`,
                ),
                el('p', {}, p.rollback ? `Rollback: ${p.rollbackText.join('; ')}` : `No rollback: ${p.irreversible}`),
                p.findings.length ? el('ul', {}, p.findings.map(findingItem)) : el('p', { class: 'muted' }, 'No lint findings.'),
              ),
            )
          : [el('p', {}, 'Nothing pending.')]),
      );
      setText(status, `${plans.length} pending migration${plans.length === 1 ? '' : 's'} planned.`);
    } catch (error) {
      status.className = 'error';
      setText(status, error.message);
    }
  });

  pendingForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    setText(status, 'Applying…');
    try {
      const result = await send(`${base}/apply`, { json: { despiteFindings: document.getElementById('pending-despite').checked } });
      if (result.status === 'applied') {
        setText(status, result.ran.length ? `Applied ${result.ran.join(', ')}. Reloading…` : 'Nothing to apply.');
        setTimeout(() => location.reload(), 600);
      } else {
        status.className = 'error';
        setText(status, result.error);
      }
    } catch (error) {
      status.className = 'error';
      setText(status, error.message);
    }
  });
}
