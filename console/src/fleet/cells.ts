import { html, type Markup } from '../html.ts';
import type { PolicyGate } from './policy.ts';
import type { AuditStatus, BackupStatus, Health, KeyState, MoveStatus, PiiSummary, Probe, SchemaVersion } from './probes.ts';

/** Table cells of the fleet view, one function per probe. Every value goes through `html` (escaped). */

const badge = (kind: 'ok' | 'bad' | 'warn', text: string) => html`<span class="badge ${kind}">${text}</span>`;

/** A probe's cell: its error as one line, or the value rendered. */
export function probeCell<T>(probe: Probe<T>, render: (value: T) => Markup): Markup {
  return probe.ok ? render(probe.value) : html`<span class="probe-error">${probe.error}</span>`;
}

const when = (iso: string | null | undefined) => (iso ? html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time>` : '');

export function policyCell(gate: PolicyGate): Markup {
  if (!gate.rules.length) return html`<span class="muted">no rules apply</span>`;
  return html`<ul class="rules">
    ${gate.rules.map(
      (r) => html`<li class="rule ${r.status}">
        ${r.status === 'pass' ? badge('ok', 'pass') : r.status === 'violation' ? badge('bad', 'violation') : badge('warn', 'advisory')}
        <span class="rule-name" title="${r.description}">${r.rule}</span>
        ${r.messages.length ? html`<ul class="messages">${r.messages.map((m) => html`<li>${m}</li>`)}</ul>` : ''}
        ${r.remediation ? html`<p class="remediation"><span class="muted">Remediation:</span> ${r.remediation}</p>` : ''}
      </li>`,
    )}
  </ul>
  ${gate.resources === 0 ? html`<p class="muted small">no cloud resources to judge (local provider)</p>` : ''}`;
}

export const healthCell = (h: Health) =>
  html`${badge('ok', 'reachable')} <span class="latency">${h.latencyMs} ms</span> <span class="muted">${h.dialect}</span>`;

export function schemaCell(s: SchemaVersion): Markup {
  const version = s.last ? html`<code>${s.last.id}_${s.last.name}</code>` : html`<span class="muted">no migration applied</span>`;
  const drift =
    s.drift === undefined
      ? ''
      : s.drift.length
        ? html`<br>${badge('bad', `${s.drift.length} drift`)}<ul class="messages">${s.drift.slice(0, 5).map((d) => html`<li>${d}</li>`)}</ul>`
        : html`<br>${badge('ok', 'no drift')}`;
  return html`${version}${s.pending ? html`<br><span class="muted">${s.pending} pending</span>` : ''}${drift}`;
}

export function piiCell(p: PiiSummary): Markup {
  const categories = Object.entries(p.byCategory).sort(([a], [b]) => a.localeCompare(b));
  if (!categories.length) return html`<span class="muted">none found</span>`;
  return html`<span>${p.columns} column${p.columns === 1 ? '' : 's'}</span>
    <ul class="pii">${categories.map(([category, columns]) => html`<li><strong>${category}</strong>: ${columns.join(', ')}</li>`)}</ul>`;
}

export function keysCell(k: KeyState): Markup {
  if (!k.present) return html`<span class="muted">no field encryption</span>`;
  if (!k.activeKeyId) return badge('warn', 'no active key');
  return html`${badge('ok', 'active')} <code>${k.activeKeyId}</code><br><span class="muted">since</span> ${when(k.activeSince)}${
    k.retired ? html`<br><span class="muted">${k.retired} retired</span>` : ''
  }${k.rotating ? html`<br>${badge('warn', 'rotation in progress')}` : ''}`;
}

export function auditCell(a: AuditStatus): Markup {
  if (!a.present) return html`<span class="muted">no audit trail</span>`;
  return html`${a.intact ? badge('ok', 'intact') : badge('bad', 'tampered')} <span>${a.entries} entries</span><br><span class="muted">verified</span> ${when(a.verifiedAt)}${
    a.problems ? html`<ul class="messages">${a.problems.slice(0, 5).map((p) => html`<li>${p}</li>`)}</ul>` : ''
  }`;
}

export function backupCell(b: BackupStatus): Markup {
  if (!b.last) return html`<span class="muted">never verified</span>`;
  const verdict = b.last.ok === undefined ? '' : b.last.ok ? badge('ok', 'restored') : badge('bad', 'failed');
  return html`${verdict} ${when(b.last.at)} <span class="muted">by ${b.last.actor}</span>`;
}

export function moveCell(m: MoveStatus): Markup {
  if (m.job) return html`${badge('warn', 'moving')} <span class="muted">since</span> ${when(m.job.startedAt)}`;
  if (!m.journal) return html`<span class="muted">none</span>`;
  if (m.journal.state === 'in-progress') return html`${badge('warn', 'in progress')} <span>at step ${m.journal.step}</span> ${when(m.journal.at)}`;
  return html`<span class="muted">last: ${m.journal.state}</span> ${when(m.journal.at)}`;
}
