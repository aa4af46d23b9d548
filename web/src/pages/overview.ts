import { getJson, type Health, type Readiness, type ApiResult } from '../api';
import { h, replace, richText } from '../dom';
import { arr, duration, int, mb, num, str, utc, DASH } from '../fmt';
import { readiness, type Page } from '../page';
import { apiError, bar, empty, okMark, section, stat, statusPill, table } from '../ui';

export function overviewPage(): Page {
  const root = h('div', { class: 'page page-overview' });
  const why = h('div', { id: 'overview-readiness' });
  const head = h('div', { id: 'overview-health' });
  const comps = h('div');
  const checks = h('div');
  const agents = h('div');
  root.append(
    h('h1', null, 'Overview'),
    why,
    head,
    h('div', { class: 'cols' }, section('Health score components', comps), section('Readiness checks', checks)),
    section('Agents', agents),
  );

  const showReadiness = (r: ApiResult<Readiness>): void => {
    if (!r.ok) {
      // A 503 ("no health report yet") is said once, by the health section below.
      replace(why, r.status === 503 ? null : apiError(r));
      return;
    }
    const ready = r.data.ready === true;
    const reasons = arr(r.data.reasons).filter((x): x is string => typeof x === 'string');
    replace(
      why,
      h(
        'div',
        { class: 'readiness-summary ' + (ready ? 'is-ready' : 'is-not-ready') },
        h('span', { class: 'big-badge ' + (ready ? 'ready' : 'not-ready') }, ready ? 'READY' : 'NOT READY'),
        statusPill(r.data.status),
        reasons.length
          ? h('ul', { class: 'reasons' }, reasons.map((x) => h('li', null, ...richText(x))))
          : h('span', { class: 'muted' }, ready ? 'every readiness check passes' : 'the service gave no reason'),
      ),
    );
  };
  if (readiness.last) showReadiness(readiness.last);
  const unsubscribe = readiness.subscribe(showReadiness);

  return {
    name: 'overview',
    root,
    everyMs: 5_000,
    async refresh() {
      const r = await getJson<Health>('/api/health');
      if (!r.ok) {
        replace(head, apiError(r));
        const note = r.status === 503 ? 'no health report yet' : 'health unavailable';
        replace(comps, empty(note));
        replace(checks, empty(note));
        replace(agents, empty(note));
        return;
      }
      const d = r.data;
      replace(
        head,
        h(
          'div',
          { class: 'stats' },
          stat('Status', statusPill(d.status)),
          stat('Health score', [num(d.score, 1), h('span', { class: 'muted small' }, ' / 100')], 'num', 'health-score'),
          stat('Ready (health report)', d.ready === true ? 'yes' : d.ready === false ? 'no' : DASH),
          stat('Evaluated at', utc(d.at, true)),
        ),
      );

      const cs = arr(d.components);
      replace(
        comps,
        cs.length
          ? table(
              [
                { label: 'component' },
                { label: 'weight', num: true },
                { label: 'score 0–1', num: true },
                { label: '' },
                { label: 'points', num: true, title: 'weight × score' },
                { label: 'detail' },
              ],
              cs.map((c) => [
                str(c.name),
                num(c.weight, 0),
                num(c.score, 2),
                bar(c.score),
                typeof c.weight === 'number' && typeof c.score === 'number' ? num(c.weight * c.score, 1) : DASH,
                h('span', { class: 'detail' }, ...richText(c.detail ?? DASH)),
              ]),
              { id: 'health-components' },
            )
          : empty('no score components in the health report'),
      );

      const ks = arr(d.checks);
      replace(
        checks,
        ks.length
          ? table(
              [{ label: 'check' }, { label: 'state' }, { label: 'reason' }],
              ks.map((c) => [str(c.name), okMark(c.ok), h('span', { class: 'detail' }, ...richText(c.reason ?? DASH))]),
              { id: 'health-checks' },
            )
          : empty('no readiness checks in the health report'),
      );

      const as = arr(d.agents);
      replace(
        agents,
        as.length
          ? table(
              [
                { label: 'agent' },
                { label: 'state' },
                { label: 'pid', num: true },
                { label: 'restarts', num: true },
                { label: 'breaker' },
                { label: 'RSS MB', num: true },
                { label: 'CPU %', num: true },
                { label: 'ready for', num: true },
                { label: 'last exit' },
              ],
              as.map((a) => [
                str(a.name),
                h('span', { class: 'agent-state state-' + str(a.state) }, str(a.state)),
                str(a.pid),
                h('span', { class: (a.restarts ?? 0) > 0 ? 'warn-text' : '' }, int(a.restarts)),
                h('span', { class: 'breaker-' + str(a.breaker) }, str(a.breaker)),
                mb(a.rss_bytes),
                num(a.cpu_percent, 1),
                duration(a.ready_for_ms),
                h('span', { class: 'detail' }, str(a.last_exit)),
              ]),
              { id: 'agents-table' },
            )
          : empty('no agents in the health report'),
      );
    },
    dispose() {
      unsubscribe();
    },
  };
}
