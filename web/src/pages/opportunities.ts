import { getJson, type Opportunities } from '../api';
import { h, replace } from '../dom';
import { arr, int, isNum, logRetPct, num, pct, str, utc } from '../fmt';
import type { Page } from '../page';
import { apiError, disabled, empty, NO_MODEL, pairLink, section, stat, table } from '../ui';

export function opportunitiesPage(): Page {
  const root = h('div', { class: 'page page-opportunities' });
  const head = h('div');
  const body = h('div');
  root.append(h('h1', null, 'Opportunities'), head, section('Gated candidates', body));

  return {
    name: 'opportunities',
    root,
    everyMs: 30_000,
    async refresh() {
      const r = await getJson<Opportunities>('/api/opportunities');
      if (!r.ok) {
        replace(head);
        replace(body, apiError(r));
        return;
      }
      const d = r.data;
      const active = isNum(d.models_active) ? d.models_active : 0;
      const cands = arr(d.candidates)
        .slice()
        .sort((a, b) => (isNum(a.rank) ? a.rank : Infinity) - (isNum(b.rank) ? b.rank : Infinity));
      replace(
        head,
        h(
          'div',
          { class: 'stats' },
          stat('Hour', utc(d.t), '', 'opportunities-hour'),
          stat('Gate', d.go === true ? h('span', { class: 'pill status-go' }, 'GO') : d.go === false ? h('span', { class: 'pill status-nogo' }, 'NOT GO') : '–'),
          stat('Active models', int(d.models_active)),
          stat('Predictions', int(d.predictions)),
          stat('Candidates', int(cands.length)),
        ),
      );

      if (cands.length === 0) {
        const hour = isNum(d.t) ? `Hour ${utc(d.t)}` : 'No hour has been gated yet';
        const reason = typeof d.empty_reason === 'string' && d.empty_reason ? d.empty_reason : null;
        const box =
          active === 0
            ? disabled('No opportunities: no trained model is active', reason ?? NO_MODEL, 'opportunities-empty')
            : empty('No candidate passed the gate', reason ?? 'the service gave no reason', 'opportunities-empty');
        box.append(h('div', { class: 'empty-hour', id: 'opportunities-empty-hour' }, hour));
        replace(body, box);
        return;
      }

      const rows = cands.map((c) => [
        int(c.rank),
        pairLink(c.pair),
        isNum(c.horizon_h) ? `${c.horizon_h} h` : '–',
        h('span', { class: 'strong' }, num(c.p_up, 3)),
        logRetPct(c.pred),
        h('span', { class: 'interval' }, `${logRetPct(c.lo)} .. ${logRetPct(c.hi)}`),
        pct(c.round_trip_cost, 2),
        h('span', { class: 'mono small' }, str(c.model_id)),
      ]);
      replace(
        body,
        d.go === false
          ? h('div', { class: 'notice' }, 'The service is not GO: these candidates are listed for information, no new entries are taken.')
          : null,
        table(
          [
            { label: 'rank', num: true },
            { label: 'pair' },
            { label: 'horizon', num: true },
            { label: 'P(up)', num: true },
            { label: 'median', num: true, title: 'median forecast, as a simple return' },
            { label: '80% interval', num: true, title: 'conformal interval lo .. hi, as simple returns' },
            { label: 'round-trip cost', num: true },
            { label: 'model' },
          ],
          rows,
          { id: 'opportunities-table' },
        ),
        h('p', { class: 'muted small' }, 'Returns are the model’s log-return forecasts shown as simple returns over the horizon.'),
      );
    },
    dispose() {},
  };
}
