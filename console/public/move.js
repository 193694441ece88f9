// The move wizard: (1) pick the target, (2) review the plan and start, (3) follow the real switch, verification, rollback.
import { el, follow, send, setText } from './console.js';

const root = document.getElementById('move');
if (root) {
  const tenant = root.dataset.tenant;
  const $ = (id) => document.getElementById(id);
  const show = (step) => {
    for (const [name, section] of [
      ['target', 'step-target'],
      ['review', 'step-review'],
      ['progress', 'step-progress'],
    ]) {
      $(section).hidden = name !== step && !(step === 'progress' && name === 'review' && $('review').childElementCount);
      const nav = $(`nav-${name}`);
      if (name === step) nav.setAttribute('aria-current', 'step');
      else nav.removeAttribute('aria-current');
    }
  };
  const fail = (where, error) => where.replaceChildren(el('p', { class: 'error', role: 'alert' }, error.message ?? String(error)));
  const seconds = (s) => (s < 1 ? `${Math.max(1, Math.round(s * 1000))} ms` : `${s.toFixed(1)} s`);
  const findingList = (findings) =>
    findings.length
      ? el(
          'ul',
          { class: 'findings' },
          findings.map((f) =>
            el(
              'li',
              {},
              el('span', { class: `badge ${f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : 'ok'}` }, f.severity),
              ' ',
              el('code', {}, f.subject),
              ': ',
              f.message,
              f.remediation ? ` (${f.remediation})` : '',
            ),
          ),
        )
      : el('p', {}, 'Nothing is left behind: every table, column and row is carried.');

  // Step 1a: a ready profile → review.
  $('pick-profile').addEventListener('submit', async (event) => {
    event.preventDefault();
    const profile = new FormData(event.target).get('profile');
    if (profile) await review(String(profile));
  });

  // Step 1b: provider + region, checked against the residency before anything else.
  $('pick-region').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const out = $('region-result');
    out.replaceChildren(el('p', {}, 'Checking…'));
    try {
      const check = await send('/move/check', { json: { tenant, provider: form.get('provider'), region: form.get('region') } });
      if (!check.allowed) {
        out.replaceChildren(el('p', { class: 'error refused', role: 'alert' }, 'Refused: ', check.message));
        return;
      }
      const ok = el(
        'p',
        {},
        el('span', { class: 'badge ok' }, 'allowed'),
        ` ${form.get('provider')} ${form.get('region')} is inside ${check.residency ?? 'any residency'}.`,
      );
      if (check.target) {
        const go = el('button', { type: 'button', class: 'primary' }, `Review the move to ${check.target.provider} · ${check.target.database}`);
        go.addEventListener('click', () => review(check.target.id));
        out.replaceChildren(ok, el('p', {}, go));
        return;
      }
      out.replaceChildren(
        ok,
        el('p', {}, 'No database is ready there yet. Provision it the GitOps way (nothing is run from here):'),
        el(
          'ol',
          {},
          check.gitops.steps.map((s) => el('li', {}, s)),
        ),
        el('p', {}, el('code', {}, check.gitops.file)),
        el('pre', { class: 'diff' }, check.gitops.change),
      );
    } catch (error) {
      fail(out, error);
    }
  });

  // Step 2: the plan, the same findings `byos copy` and the switch give, and the estimate.
  async function review(profile) {
    const box = $('review');
    box.replaceChildren(el('p', {}, 'Planning…'));
    show('review');
    try {
      const plan = await send('/move/plan', { json: { tenant, target: { profile } } });
      const start = el('button', { type: 'button', class: 'primary', id: 'start', disabled: plan.blocked }, 'Start the move');
      const back = el('button', { type: 'button' }, 'Back');
      back.addEventListener('click', () => show('target'));
      start.addEventListener('click', async () => {
        start.disabled = true;
        try {
          const { job } = await send('/move/start', { json: { tenant, target: { profile } } });
          attach(job);
        } catch (error) {
          start.disabled = false;
          fail($('start-error'), error);
        }
      });
      box.replaceChildren(
        el(
          'p',
          {},
          'From ',
          el('strong', {}, plan.from.provider),
          ` · ${plan.from.host} · ${plan.from.database} to `,
          el('strong', {}, plan.to.provider),
          ` · ${plan.to.host} · ${plan.to.database}`,
        ),
        el('h3', {}, `What will be carried: ${plan.tables.length} tables, ${plan.totalRows.toLocaleString('en')} rows`),
        el(
          'table',
          { class: 'plan' },
          el('caption', { class: 'muted' }, 'Tables the move copies, with their rows now'),
          el(
            'thead',
            {},
            el('tr', {}, el('th', { scope: 'col' }, 'Table'), el('th', { scope: 'col' }, 'Columns'), el('th', { scope: 'col', class: 'num' }, 'Rows')),
          ),
          el(
            'tbody',
            {},
            plan.tables.map((t) =>
              el('tr', {}, el('th', { scope: 'row' }, t.table), el('td', {}, t.columns), el('td', { class: 'num' }, t.rows.toLocaleString('en'))),
            ),
          ),
        ),
        el('h3', {}, 'What will not be carried, or changes on the way'),
        findingList(plan.findings),
        plan.blocked ? el('p', { class: 'error', role: 'alert' }, 'The plan refuses this move (errors above): fix them first.') : '',
        el('h3', {}, 'Time estimate'),
        el(
          'p',
          { class: 'estimate' },
          `About ${seconds(plan.estimate.seconds)} of copying: ${plan.totalRows.toLocaleString('en')} rows ÷ ${plan.estimate.rowsPerSecond.toLocaleString('en')} rows/s (${plan.estimate.basis}). An estimate: the move also captures, catches up and verifies, and writers pause only for the cut-over.`,
        ),
        el('p', {}, back, ' ', start),
        el('div', { id: 'start-error' }),
      );
    } catch (error) {
      fail(box, error);
    }
  }

  // Step 3: follow the job; a reload finds it again (the page carries its id) and the events replay from the start.
  function attach(jobId) {
    root.dataset.job = jobId;
    $('window-open')?.remove();
    show('progress');
    const status = $('move-status');
    const rows = new Map();
    const copyBody = el('tbody');
    const copyTable = el(
      'table',
      { class: 'copy' },
      el('caption', { class: 'muted' }, 'Copy progress per table'),
      el(
        'thead',
        {},
        el('tr', {}, el('th', { scope: 'col' }, 'Table'), el('th', { scope: 'col' }, 'Progress'), el('th', { scope: 'col', class: 'num' }, 'Rows')),
      ),
      copyBody,
    );
    const lag = el('p', { id: 'lag' });
    const steps = el('ol', { class: 'log' });
    const result = el('div', { id: 'result' });
    $('progress').replaceChildren(el('h3', {}, 'Steps'), steps, copyTable, lag, result);
    const tableRow = (name) => {
      let row = rows.get(name);
      if (!row) {
        const bar = el('progress', { max: 1, value: 0, 'aria-label': `${name} copied` });
        const count = el('td', { class: 'num' });
        row = { bar, count };
        rows.set(name, row);
        copyBody.append(el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, bar), count));
      }
      return row;
    };
    follow(jobId, (event) => {
      if (event.type === 'progress') {
        if (event.step === 'copying' && event.table) {
          const row = tableRow(event.table);
          row.bar.max = Math.max(1, event.totalRows ?? 1);
          row.bar.value = event.rows ?? 0;
          setText(row.count, `${(event.rows ?? 0).toLocaleString('en')} / ${(event.totalRows ?? 0).toLocaleString('en')}`);
          setText(status, `Copying ${event.table}…`);
        } else if (event.step === 'replaying') {
          setText(lag, `Catching up: ${event.lag ?? 0} change(s) waiting. ${event.message ?? ''}`);
          setText(status, 'Catching up with the writes made during the copy…');
        } else {
          if (event.step !== 'started' || !steps.childElementCount) steps.append(el('li', {}, event.message ?? event.step));
          setText(
            status,
            event.direction === 'rollback' || event.step?.startsWith('rollback')
              ? `Rolling back: ${event.message ?? event.step}`
              : `${event.message ?? event.step}…`,
          );
        }
        return;
      }
      if (event.type === 'failed') {
        setText(status, 'The move failed.');
        result.replaceChildren(
          el('p', { class: 'error', role: 'alert' }, event.message),
          el('p', {}, 'Reload the page to try again: running the move again continues it from its journal.'),
        );
        return;
      }
      if (lag.textContent && event.changesReplayed !== undefined)
        setText(lag, `Caught up: ${event.changesReplayed} change(s) replayed, the last ones inside the pause.`);
      if (event.result === 'switched' || event.result === 'rolled-back') setText($('now-on'), `Now on: ${event.to}`);
      showResult(event, status, result);
    });
  }

  function showResult(report, status, result) {
    if (report.result === 'verify-failed') {
      setText(status, 'Verification failed: the move stopped.');
      result.replaceChildren(
        el('p', { class: 'error', role: 'alert' }, `${report.message} Writers stayed on the source database; nothing was flipped.`),
        findingList(report.findings ?? []),
      );
      return;
    }
    const parts = [];
    if (report.direction === 'rollback') {
      setText(status, `Rolled back: ${report.tenant} is on ${report.to} again.`);
      parts.push(
        el('p', { class: 'done rolled-back' }, el('span', { class: 'badge ok' }, 'rolled back'), ` ${report.from} → ${report.to}`),
        el('p', {}, `${report.changesReplayed} change(s) written since the move were carried back. Writers were held ${Math.round(report.pauseMs)} ms.`),
      );
    } else {
      setText(status, `Moved: ${report.tenant} is on ${report.to}.`);
      parts.push(
        el(
          'p',
          { class: 'done switched' },
          el('span', { class: 'badge ok' }, report.resumed ? 'switched (resumed)' : 'switched'),
          ` ${report.from} → ${report.to}`,
        ),
      );
      parts.push(el('p', {}, `${report.rowsCopied.toLocaleString('en')} rows copied, ${report.changesReplayed} change(s) replayed during the move.`));
    }
    const v = report.verification;
    if (v) {
      const equal = v.tables.filter((t) => t.equal).length;
      parts.push(
        el('h3', {}, 'Verification'),
        el(
          'p',
          { class: 'verified' },
          el('span', { class: `badge ${v.equal ? 'ok' : 'bad'}` }, v.equal ? 'equal' : 'different'),
          ` ${equal} of ${v.tables.length} tables verified equal`,
        ),
        el(
          'table',
          { class: 'verify' },
          el('caption', { class: 'muted' }, `Rows and checksums, source and target (verification mode ${v.scope.mode})`),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { scope: 'col' }, 'Table'),
              el('th', { scope: 'col', class: 'num' }, 'Source rows'),
              el('th', { scope: 'col', class: 'num' }, 'Target rows'),
              el('th', { scope: 'col' }, 'Checksum in the pause'),
              el('th', { scope: 'col' }, 'Equal'),
            ),
          ),
          el(
            'tbody',
            {},
            v.tables.map((t) =>
              el(
                'tr',
                {},
                el('th', { scope: 'row' }, t.table),
                el('td', { class: 'num' }, t.sourceRows),
                el('td', { class: 'num' }, t.targetRows),
                el('td', {}, el('code', {}, t.targetChecksum)),
                el('td', {}, t.equal ? 'yes' : 'NO'),
              ),
            ),
          ),
        ),
        el(
          'p',
          { class: 'muted' },
          `Scope: row counts of ${v.scope.counted.length} table(s) and checksums of ${v.scope.checksummed.length} compared with writers held, ${v.scope.keysRechecked} replayed row(s) re-read on both sides` +
            (v.scope.preVerified ? `; every row of ${v.scope.preVerified.length} table(s) checksummed before the pause, writers running.` : '.'),
        ),
      );
    }
    if (report.pauseMs > 0 || report.pauseTimings) {
      parts.push(
        el('h3', {}, 'Pause'),
        el('p', { class: 'pause' }, `Writers were held for ${report.pauseMs.toFixed(0)} ms.`),
        report.pauseTimings
          ? el(
              'ul',
              { class: 'timings' },
              Object.entries(report.pauseTimings).map(([k, ms]) => el('li', {}, `${k}: ${Number(ms).toFixed(1)} ms`)),
            )
          : '',
      );
    }
    const acks = report.acknowledgements;
    if (acks) {
      parts.push(
        el('h3', {}, 'Applications following the registry'),
        el('p', {}, `${acks.acknowledged.length} router(s) acknowledged version ${acks.version} of the registry within ${acks.waitedMs} ms.`),
        acks.missing.length
          ? el('p', { class: 'error' }, `Did not acknowledge (may still use the old database): ${acks.missing.map((r) => r.routerId).join(', ')}`)
          : '',
      );
    }
    if (report.direction !== 'rollback' && report.state === 'switched') {
      const rollback = el('button', { type: 'button', class: 'danger', 'data-action': 'rollback' }, 'Roll back to the previous database');
      const finish = el('button', { type: 'button', 'data-action': 'finish' }, 'Close the rollback window');
      parts.push(
        el('h3', {}, 'Cut over'),
        el(
          'p',
          {},
          'The cut-over is done: the switch flipped the tenant to the new database inside the pause, once verification passed. Until you close the window, writes to the new database are captured so a rollback carries them back.',
        ),
        el('p', {}, rollback, ' ', finish),
      );
    }
    result.replaceChildren(...parts);
  }

  // Rollback and close-the-window buttons, wherever they are on the page.
  root.addEventListener('click', async (event) => {
    const button = event.target.closest?.('button[data-action]');
    if (!button) return;
    button.disabled = true;
    const where = button.parentElement;
    try {
      if (button.dataset.action === 'rollback') {
        const { job } = await send('/move/rollback', { json: { tenant } });
        attach(job);
      } else {
        await send('/move/finish', { json: { tenant } });
        where.replaceChildren(el('span', { class: 'badge ok' }, 'window closed'), ' The rollback window is closed: the move is final.');
      }
    } catch (error) {
      button.disabled = false;
      where.append(el('span', { class: 'error', role: 'alert' }, ` ${error.message}`));
    }
  });

  if (root.dataset.job) attach(root.dataset.job);
}
