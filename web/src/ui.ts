// Shared page pieces: error and empty states, tables, stat tiles.

import type { ApiErr } from './api';
import { h, richText, type Child } from './dom';

/**
 * An API failure, inline, naming the endpoint and status. A 503 is the service saying it
 * has nothing to show yet (e.g. "no health report yet"): an expected state, shown as a
 * notice, not as an error.
 */
export function apiError(e: ApiErr): HTMLElement {
  const expected = e.status === 503;
  const status = e.status === null ? 'no response' : `HTTP ${e.status}`;
  return h(
    'div',
    { class: expected ? 'notice api-unavailable' : 'error api-error', role: 'status', 'data-endpoint': e.endpoint },
    h('span', { class: 'endpoint' }, `${e.endpoint} → ${status}:`),
    ' ',
    h('span', { class: 'msg' }, ...richText(e.error)),
  );
}

/** An honest empty state: what is missing and, when the API says, why. */
export function empty(title: string, reason?: string | null, id?: string, extra?: Child): HTMLElement {
  return h(
    'div',
    { class: 'empty', id: id ?? null },
    h('div', { class: 'empty-title' }, title),
    reason ? h('div', { class: 'empty-reason' }, ...richText(reason)) : null,
    extra ?? null,
  );
}

export const NO_MODEL =
  'No trained model is active: run `cst train` (then check `cst models`) to train and activate one. ' +
  'Until then the service makes no predictions and this section stays empty.';

/** A greyed-out section: shown, labelled, but visibly not live. */
export function disabled(title: string, reason: string, id?: string): HTMLElement {
  return h(
    'div',
    { class: 'disabled-panel', id: id ?? null, 'aria-disabled': 'true' },
    h('div', { class: 'empty-title' }, title),
    h('div', { class: 'empty-reason' }, ...richText(reason)),
  );
}

export interface Col {
  label: string;
  num?: boolean;
  title?: string;
}

export function table(cols: Col[], rows: Child[][], attrs?: Record<string, string>): HTMLTableElement {
  return h(
    'table',
    { class: 'grid', ...(attrs ?? {}) },
    h('thead', null, h('tr', null, cols.map((c) => h('th', { class: c.num ? 'num' : null, title: c.title ?? null }, c.label)))),
    h(
      'tbody',
      null,
      rows.map((r) => h('tr', null, r.map((cell, i) => h('td', { class: cols[i]?.num ? 'num' : null }, cell)))),
    ),
  );
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

export function stat(label: string, value: Child, cls?: string, id?: string): HTMLElement {
  return h('div', { class: 'stat ' + (cls ?? ''), id: id ?? null }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value));
}

export function statusPill(status: string | null | undefined): HTMLElement {
  const s = (status ?? '').toLowerCase();
  const label = s === 'go' ? 'GO' : s === 'degraded' ? 'DEGRADED' : s === 'nogo' ? 'NO-GO' : '–';
  return h('span', { class: `pill status-${s || 'unknown'}` }, label);
}

export function okMark(ok: boolean | null | undefined): HTMLElement {
  if (ok === true) return h('span', { class: 'ok' }, '✓ ok');
  if (ok === false) return h('span', { class: 'bad' }, '✗ failing');
  return h('span', { class: 'muted' }, '–');
}

/** A 0..1 score as a bar with its value. */
export function bar(score: number | null | undefined, good = 0.8, warn = 0.5): HTMLElement {
  const v = typeof score === 'number' && Number.isFinite(score) ? Math.max(0, Math.min(1, score)) : null;
  const cls = v === null ? '' : v >= good ? 'good' : v >= warn ? 'warn' : 'poor';
  return h(
    'div',
    { class: 'bar' },
    h('div', { class: `bar-fill ${cls}`, style: `width:${v === null ? 0 : (v * 100).toFixed(1)}%` }),
  );
}

/** Colour for a signed number. */
export function signCls(x: number | null | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x) || x === 0) return '';
  return x > 0 ? 'pos' : 'neg';
}

export function pairLink(pair: string | null | undefined): Child {
  if (!pair) return '–';
  return h('a', { href: '#/coin/' + encodeURIComponent(pair) }, pair);
}
