import { getJson, type DataStatus } from '../api';
import { h, replace, richText } from '../dom';
import { arr, int, isNum, pct, str, utc, DASH } from '../fmt';
import type { Page } from '../page';
import { apiError, bar, empty, pairLink, section, stat, table } from '../ui';

/** `live` / `covered` may be a count or the list of pairs: accept both. */
function countOf(x: unknown): number | null {
  if (Array.isArray(x)) return x.length;
  return isNum(x) ? x : null;
}

export function dataPage(): Page {
  const root = h('div', { class: 'page page-data' });
  const cov = h('div');
  const missing = h('div');
  const rej = h('div');
  const byReason = h('div');
  const stored = h('div');
  const title = h('h1', null, 'Data');
  root.append(
    title,
    section('Coverage', cov),
    section('Missing pairs', missing),
    h('div', { class: 'cols' }, section('Data-quality rejections per pair and reason', rej), section('Rejections per reason', byReason)),
    stored,
  );

  return {
    name: 'data',
    root,
    everyMs: 60_000,
    async refresh() {
      const r = await getJson<DataStatus>('/api/data');
      if (!r.ok) {
        replace(cov, apiError(r));
        replace(missing);
        replace(rej);
        replace(byReason);
        replace(stored);
        return;
      }
      title.textContent = typeof r.data.exchange === 'string' && r.data.exchange ? `Data · ${r.data.exchange}` : 'Data';
      const c = r.data.coverage;
      if (!c) {
        replace(cov, empty('No coverage audit yet', 'the collector has not audited coverage yet (it does so after its first collection round)', 'coverage-empty'));
        replace(missing);
      } else {
        const live = countOf(c.live);
        const covered = countOf(c.covered);
        const frac = isNum(c.fraction) ? c.fraction : live !== null && covered !== null && live > 0 ? covered / live : null;
        replace(
          cov,
          h(
            'div',
            { class: 'stats' },
            stat('Live pairs', int(live), 'num'),
            stat('Covered', int(covered), 'num'),
            stat('Coverage', h('span', { class: frac !== null && frac < 0.99 ? 'warn-text' : '' }, pct(frac, 1)), 'num big', 'coverage-pct'),
            stat('Audited at', utc(c.at)),
          ),
          bar(frac, 0.99, 0.9),
          h('p', { class: 'small muted' }, 'Covered = live pairs with fresh, complete hourly data.'),
        );
        const miss = arr(c.missing);
        replace(
          missing,
          miss.length
            ? table(
                [{ label: 'pair' }, { label: 'reason' }],
                miss.map((m) => [pairLink(m.pair), h('span', { class: 'detail' }, ...richText(m.reason ?? DASH))]),
                { id: 'missing-table' },
              )
            : empty('No live pair is missing'),
        );
      }

      const rows = arr(r.data.rejections)
        .slice()
        .sort((a, b) => (b.count ?? 0) - (a.count ?? 0));
      const total = rows.reduce((s, x) => s + (isNum(x.count) ? x.count : 0), 0);
      const pairs = new Set(rows.map((x) => x.pair).filter(Boolean));
      replace(
        rej,
        rows.length
          ? h(
              'div',
              null,
              h('div', { class: 'stats' }, stat('Rejected rows', int(total), 'num'), stat('Pairs affected', int(pairs.size), 'num'), stat('Reasons', int(new Set(rows.map((x) => x.reason)).size), 'num')),
              table(
                [{ label: 'pair' }, { label: 'reason' }, { label: 'count', num: true }],
                rows.map((x) => [pairLink(x.pair), h('span', { class: 'detail' }, str(x.reason)), int(x.count)]),
                { id: 'rejections-table' },
              ),
            )
          : empty('No data-quality rejections recorded', null, 'rejections-empty'),
      );
      const agg = new Map<string, { count: number; pairs: Set<string> }>();
      for (const x of rows) {
        const k = x.reason ?? DASH;
        const e = agg.get(k) ?? { count: 0, pairs: new Set<string>() };
        e.count += isNum(x.count) ? x.count : 0;
        if (x.pair) e.pairs.add(x.pair);
        agg.set(k, e);
      }
      replace(
        byReason,
        agg.size
          ? table(
              [{ label: 'reason' }, { label: 'pairs', num: true }, { label: 'count', num: true }],
              [...agg.entries()].sort((a, b) => b[1].count - a[1].count).map(([k, e]) => [h('span', { class: 'detail' }, k), int(e.pairs.size), int(e.count)]),
            )
          : empty('nothing rejected'),
      );
      // Optional in the contract: stored hourly candles per pair.
      const cs = r.data.candles;
      if (!Array.isArray(cs)) replace(stored);
      else
        replace(
          stored,
          section(
            'Stored hourly candles per pair',
            cs.length
              ? table(
                  [{ label: 'pair' }, { label: 'candles', num: true }, { label: 'first' }, { label: 'last' }, { label: 'gaps', num: true }],
                  cs
                    .slice()
                    .sort((a, b) => String(a.pair).localeCompare(String(b.pair)))
                    .map((x) => [pairLink(x.pair), int(x.count), utc(x.first), utc(x.last), h('span', { class: (x.gaps ?? 0) > 0 ? 'warn-text' : '' }, int(x.gaps))]),
                  { id: 'candles-table' },
                )
              : empty('No candles stored yet'),
          ),
        );
    },
    dispose() {},
  };
}
