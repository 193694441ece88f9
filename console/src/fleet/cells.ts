import { html, type Markup } from '../html.ts';
import type { PolicyGate } from './policy.ts';
import type { AuditStatus, BackupStatus, Health, KeyState, MoveStatus, PiiSummary, Probe, SchemaVersion } from './probes.ts';

/** Table cells of the fleet view, one function per probe. Every value goes through `html` (escaped). */

const badge = (kind: 'ok' | 'bad' | 'warn', text: string) => html`<span class="badge ${kind}">${text}</span>`;

/** A probe's cell: its error as one line, or the value rendered. */
export function probeCell<T>(probe: Probe<T>, render: (value: T) => Markup): Markup {
  return probe.ok ? render(probe.value) : html`<span class="probe-error">${probe.error}</span>`;
}

// Shown to the minute (the datetime attribute and the title keep the full instant).
const when = (iso: string | null | undefined) =>
  iso ? html`<time datetime="${iso}" title="${iso}">${iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$|Z$/, ' UTC')}</time>` : '';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The gate at a glance: one summary line, what needs attention spelled out, the passing rules folded. */
export function policyCell(gate: PolicyGate): Markup {
  if (!gate.rules.length) return html`<span class="muted">no rules apply</span>`;
  const violations = gate.rules.filter((r) => r.status === 'violation');
  const advisories = gate.rules.filter((r) => r.status === 'advisory');
  const passes = gate.rules.filter((r) => r.status === 'pass');
  const attention = [...violations, ...advisories];
  const headline = [
    ...(violations.length ? [plural(violations.length, 'mandatory rule')] : []),
    ...(advisories.length ? [plural(advisories.length, 'advisory', 'advisories')] : []),
  ];
  const summary = violations.length
    ? html`<p class="gate-summary bad">violates ${headline.join(', ')}</p>`
    : advisories.length
      ? html`<p class="gate-summary warn">${headline.join(', ')}</p>`
      : '';
  const passList = html`<ul class="rules">${passes.map(ruleItem)}</ul>`;
  return html`${summary}
    ${attention.length ? html`<ul class="rules attention">${attention.map(ruleItem)}</ul>` : ''}
    ${
      passes.length
        ? html`<details class="passes"><summary>${attention.length ? plural(passes.length, 'rule') : `all ${plural(passes.length, 'rule')}`} pass</summary>${passList}</details>`
        : ''
    }
    ${gate.local ? html`<p class="muted small">no cloud resources to judge (local provider)</p>` : ''}`;
}

function ruleItem(r: PolicyGate['rules'][number]): Markup {
  return html`<li class="rule ${r.status}">
    ${r.status === 'pass' ? badge('ok', 'pass') : r.status === 'violation' ? badge('bad', 'violation') : badge('warn', 'advisory')}
    <span class="rule-name" title="${r.description}">${r.rule}</span>
    ${r.messages.length ? html`<ul class="messages">${r.messages.map((m) => html`<li>${m}</li>`)}</ul>` : ''}
    ${r.remediation ? html`<p class="remediation"><span class="muted">Remediation:</span> ${r.remediation}</p>` : ''}
  </li>`;
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

/** Counts per category on one line (most columns first); the columns themselves folded. */
export function piiCell(p: PiiSummary): Markup {
  const categories = Object.entries(p.byCategory).sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b));
  if (!categories.length) return html`<span class="muted">none found</span>`;
  const counts = categories.map(([category, columns]) => `${columns.length} ${category}`).join(', ');
  return html`<details class="pii">
    <summary><span class="pii-summary">${plural(p.columns, 'column')}: ${counts}</span></summary>
    <ul class="pii">${categories.map(([category, columns]) => html`<li><strong>${category}</strong>: ${columns.join(', ')}</li>`)}</ul>
  </details>`;
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
  // The chain is verified on every load; when is in the title, not the cell.
  return html`<span title="chain verified ${a.verifiedAt}">${a.intact ? badge('ok', 'intact') : badge('bad', 'tampered')}</span>
    <span class="nowrap">${plural(a.entries ?? 0, 'entry', 'entries')}</span>${
      a.problems ? html`<ul class="messages">${a.problems.slice(0, 5).map((p) => html`<li>${p}</li>`)}</ul>` : ''
    }`;
}

export function backupCell(b: BackupStatus): Markup {
  // Verifications are recorded in the audit trail only: without one, there is no record to read either way.
  if (!b.recorded) return html`<span class="muted" title="byos backup verify records into the audit trail (byos_audit)">no record (no audit trail)</span>`;
  if (!b.last) return html`<span class="muted">never verified</span>`;
  const verdict = b.last.ok === undefined ? 'no verdict' : b.last.ok ? 'ok' : 'failed';
  return html`<span class="backup ${b.last.ok === false ? 'error' : ''}">verified ${when(b.last.at)}: ${verdict}</span>${
    b.last.tables === undefined ? '' : html` <span class="muted">(${plural(b.last.tables, 'table')})</span>`
  }<br><span class="muted small">by ${b.last.actor}</span>`;
}

export function moveCell(m: MoveStatus): Markup {
  if (m.job) return html`${badge('warn', 'moving')} <span class="muted">since</span> ${when(m.job.startedAt)}`;
  if (!m.journal) return html`<span class="muted">none</span>`;
  if (m.journal.state === 'in-progress') return html`${badge('warn', 'in progress')} <span>at step ${m.journal.step}</span> ${when(m.journal.at)}`;
  return html`<span class="muted">last: ${m.journal.state}</span> ${when(m.journal.at)}`;
}
