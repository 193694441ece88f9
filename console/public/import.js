// The import wizard: upload → sniffed settings → mapping with confidences → preview with rejects → load with
// progress; and the table export. Everything from the server is put into the page as text.
import { el, follow, send, setText } from './console.js';

const root = document.getElementById('import');
if (root) wire(root);

function wire(section) {
  const { tenant, table } = section.dataset;
  const $ = (id) => document.getElementById(id);
  const state = { upload: null, map: null, columns: [], rowsRead: 0 };

  const uploadStatus = $('upload-status');
  const fileInput = $('import-file');
  const zone = $('dropzone');

  async function upload(file) {
    if (!file) return;
    $('wizard').hidden = true;
    uploadStatus.classList.remove('error');
    setText(uploadStatus, `Uploading ${file.name}…`);
    try {
      const answer = await send(`/import/upload`, {
        body: file,
        headers: { 'x-file-name': encodeURIComponent(file.name), 'content-type': 'application/octet-stream' },
      });
      state.upload = answer.upload;
      state.map = null;
      for (const id of ['set-delimiter', 'set-header', 'set-encoding', 'set-sheet', 'set-date']) $(id).value = '';
      setText(uploadStatus, `Uploaded ${answer.name} (${answer.size.toLocaleString('en')} bytes). Reading it…`);
      await preview();
    } catch (error) {
      showError(uploadStatus, error);
    }
  }

  fileInput.addEventListener('change', () => upload(fileInput.files[0]));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    upload(e.dataTransfer.files[0]);
  });

  function settings() {
    const header = $('set-header').value;
    return {
      delimiter: $('set-delimiter').value || undefined,
      header: header === '' ? undefined : header === 'true',
      encoding: $('set-encoding').value || undefined,
      sheet: $('set-sheet').value || undefined,
      dateFormat: $('set-date').value || undefined,
    };
  }

  function request(extra = {}) {
    return { tenant, table, upload: state.upload, settings: settings(), ...(state.map ? { map: state.map } : {}), ...extra };
  }

  async function preview() {
    try {
      const answer = await send('/import/preview', { json: request() });
      render(answer);
      setText(uploadStatus, `Read ${answer.file}.`);
      $('wizard').hidden = false;
    } catch (error) {
      $('wizard').hidden = true;
      showError(uploadStatus, error);
    }
  }

  $('settings').addEventListener('submit', (e) => {
    e.preventDefault();
    preview();
  });

  function render(answer) {
    const details = answer.details ?? {};
    const sniffed = $('sniffed');
    sniffed.replaceChildren();
    const shown = { format: answer.format, ...details };
    for (const [k, v] of Object.entries(shown)) {
      if (v === undefined) continue;
      sniffed.append(el('dt', {}, k), el('dd', { 'data-setting': k }, v === '\t' ? 'tab' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)));
    }
    section.classList.toggle('is-xlsx', answer.format === 'xlsx');
    renderMapping(answer);
    setText($('mapping-problem'), answer.problem ?? '');
    const load = $('load');
    load.disabled = Boolean(answer.problem);
    if (answer.problem) {
      setText($('preview-summary'), 'Settle the mapping to see the preview.');
      $('preview-rows').querySelector('thead').replaceChildren();
      $('preview-rows').querySelector('tbody').replaceChildren();
      $('rejected-rows').querySelector('tbody').replaceChildren();
      return;
    }
    state.rowsRead = answer.rowsRead;
    setText(
      $('preview-summary'),
      `${answer.rowsRead} row(s) read: ${answer.rowsRead - answer.rowsRejected} will load, ${answer.rowsRejected} rejected.${answer.notes.length ? ` ${answer.notes.join(' ')}` : ''}`,
    );
    const columns = Object.keys(answer.preview[0] ?? {});
    $('preview-rows')
      .querySelector('thead')
      .replaceChildren(
        el(
          'tr',
          {},
          columns.map((c) => el('th', { scope: 'col' }, c)),
        ),
      );
    $('preview-rows')
      .querySelector('tbody')
      .replaceChildren(
        ...answer.preview.map((row) =>
          el(
            'tr',
            {},
            columns.map((c) => el('td', {}, row[c] ?? 'null')),
          ),
        ),
      );
    $('rejected-rows')
      .querySelector('tbody')
      .replaceChildren(
        ...answer.rejected.map((r) =>
          el('tr', { class: 'rejected' }, el('td', {}, r.row), el('td', {}, r.line), el('td', {}, r.header ?? '(row)'), el('td', {}, r.reason)),
        ),
      );
    $('rejected-rows').hidden = answer.rejected.length === 0;
  }

  function renderMapping(answer) {
    const columns = JSON.parse(section.dataset.columns);
    setText(
      $('mapping-note'),
      answer.remembered ? 'Pre-filled from the mapping accepted last time for this table.' : 'Matched automatically; change any column below.',
    );
    const body = $('mapping').querySelector('tbody');
    body.replaceChildren(
      ...answer.mapping.map((m, i) => {
        // A guess below 50% is not offered as the choice: the user picks.
        const chosen = m.undecided && m.confidence < 0.5 ? null : m.column;
        const select = el(
          'select',
          { id: `map-${i}`, 'data-header': m.header },
          el('option', { value: '' }, '(leave out)'),
          columns.map((c) => el('option', { value: c, selected: c === chosen }, c)),
        );
        select.addEventListener('change', () => {
          // Only the user's choices are explicit: the other headers keep the runtime's match and confidence.
          state.map = { ...(state.map ?? {}), [m.header]: select.value || null };
          preview();
        });
        const confidence = Math.round(m.confidence * 100);
        return el(
          'tr',
          {},
          el('th', { scope: 'row' }, el('label', { for: `map-${i}` }, m.header)),
          el('td', {}, select),
          el('td', {}, el('span', { class: `badge ${confidence >= 80 ? 'ok' : 'warn'}` }, `${confidence}%`)),
          el('td', {}, m.undecided ? `${m.method}: needs your choice` : m.method),
        );
      }),
    );
  }

  $('load').addEventListener('click', async () => {
    const load = $('load');
    load.disabled = true;
    const bar = $('load-progress');
    const status = $('load-status');
    const link = $('rejects-link');
    link.hidden = true;
    setText($('load-result'), '');
    $('load-result').classList.remove('error');
    bar.max = Math.max(state.rowsRead, 1);
    bar.value = 0;
    setText(status, 'Starting the load…');
    try {
      const { job } = await send('/import/load', { json: request({ onError: $('on-error').value, expectedRows: state.rowsRead }) });
      follow(job, (event) => {
        if (event.type === 'progress') {
          bar.value = Math.min(event.rows ?? 0, bar.max);
          setText(status, event.message ?? 'Loading…');
          return;
        }
        load.disabled = false;
        if (event.type === 'failed') {
          setText(status, 'Failed: the table is unchanged.');
          showError($('load-result'), new Error(event.message));
          return;
        }
        bar.value = bar.max;
        setText(status, event.committed ? 'Done.' : 'Done: nothing loaded.');
        setText($('load-result'), `${event.message}. Rows loaded: ${event.rowsLoaded}. Rows rejected: ${event.rowsRejected}.`);
        if (event.rejects) {
          link.href = event.rejects;
          link.hidden = false;
        }
      });
    } catch (error) {
      load.disabled = false;
      setText(status, 'Failed.');
      showError($('load-result'), error);
    }
  });

  $('export').addEventListener('submit', async (e) => {
    e.preventDefault();
    const status = $('export-status');
    const link = $('export-link');
    link.hidden = true;
    status.classList.remove('error');
    setText(status, 'Exporting…');
    const mask = Object.fromEntries(
      [...document.querySelectorAll('#export select[data-column]')].filter((s) => s.value).map((s) => [s.dataset.column, s.value]),
    );
    try {
      const answer = await send('/export', { json: { tenant, table, format: $('export-format').value, bom: $('export-bom').checked, mask } });
      setText(
        status,
        `${answer.rows} row(s), ${answer.columns} column(s) exported as ${answer.format.toUpperCase()}${answer.masked.length ? `, masked: ${answer.masked.join(', ')}` : ''}.`,
      );
      link.href = answer.download;
      link.hidden = false;
    } catch (error) {
      showError(status, error);
    }
  });
}

function showError(node, error) {
  node.classList.add('error');
  setText(node, error.message);
}
