import { getJson, type Model, type Models, type Report, type Versus } from '../api';
import { h, replace, richText } from '../dom';
import { arr, int, isNum, num, str, utc, utcDay, DASH } from '../fmt';
import type { Page } from '../page';
import { reliabilityDiagram } from '../reliability';
import { apiError, disabled, empty, NO_MODEL, section, stat, table } from '../ui';

const METRICS: { key: keyof Report; label: string; higher: boolean; digits: number }[] = [
  { key: 'auc', label: 'AUC', higher: true, digits: 3 },
  { key: 'brier', label: 'Brier', higher: false, digits: 4 },
  { key: 'log_loss', label: 'log loss', higher: false, digits: 4 },
  { key: 'hit_rate', label: 'hit rate', higher: true, digits: 3 },
  { key: 'precision_at_k', label: 'precision@k', higher: true, digits: 3 },
  { key: 'mae', label: 'MAE (log return)', higher: false, digits: 5 },
];

export function modelsPage(): Page {
  const root = h('div', { class: 'page page-models' });
  const head = h('div');
  const active = h('div');
  const detail = h('div', { id: 'model-detail' });
  const hist = h('div');
  root.append(h('h1', null, 'Models'), head, active, detail, section('Model history', hist));
  let selected: string | null = null;
  let lastModels: Model[] = [];

  function showDetail(): void {
    const m = lastModels.find((x) => x.id === selected);
    if (!m) {
      replace(detail);
      return;
    }
    replace(
      detail,
      section(
        `Model ${str(m.id)} (${str(m.status)})`,
        m.status !== 'active' ? h('div', { class: 'notice' }, `This model is ${str(m.status)}, not serving: its figures are shown for reference only.`) : null,
        modelBody(m),
        h('button', { type: 'button', class: 'link-button', onclick: () => { selected = null; showDetail(); markRows(); } }, 'close'),
      ),
    );
  }

  function markRows(): void {
    for (const tr of hist.querySelectorAll<HTMLTableRowElement>('tr[data-id]')) tr.classList.toggle('selected', tr.dataset.id === selected);
  }

  return {
    name: 'models',
    root,
    everyMs: 60_000,
    async refresh() {
      const r = await getJson<Models>('/api/models');
      if (!r.ok) {
        replace(head);
        replace(active, apiError(r));
        replace(hist);
        replace(detail);
        return;
      }
      const d = r.data;
      const models = arr(d.models);
      lastModels = models;
      const nActive = isNum(d.models_active) ? d.models_active : 0;
      const horizons = arr(d.horizons);
      replace(
        head,
        h(
          'div',
          { class: 'stats' },
          stat('Active models', int(d.models_active), 'num', 'models-active-count'),
          stat('Horizons', horizons.length ? horizons.map((x) => (isNum(x.horizon_h) ? `${x.horizon_h} h` : DASH)).join(', ') : DASH),
          stat('Models in registry', int(models.length)),
        ),
      );

      const cards = horizons.filter((x) => x.active).map((x) => modelCard(x.horizon_h, x.active as Model));
      const idle = horizons.filter((x) => !x.active);
      if (nActive === 0 || !cards.length) {
        const last = models.filter((m) => m.status === 'rejected' || m.status === 'failed').slice(-3);
        replace(
          active,
          disabled('No active model', NO_MODEL, 'models-empty'),
          last.length
            ? h(
                'div',
                { class: 'notice' },
                'Latest training outcomes: ',
                h('ul', { class: 'reasons' }, last.map((m) => h('li', null, `${str(m.id)} (${isNum(m.horizon_h) ? m.horizon_h + ' h' : DASH}, ${str(m.status)}): `, ...richText(m.reason ?? DASH)))),
              )
            : null,
        );
      } else {
        replace(
          active,
          h('div', { id: 'models-active', class: 'model-cards' }, cards),
          idle.length
            ? h('div', { class: 'notice' }, `No active model for ${idle.map((x) => (isNum(x.horizon_h) ? x.horizon_h + ' h' : DASH)).join(', ')}: these horizons make no predictions.`)
            : null,
        );
      }

      if (!models.length) {
        replace(hist, empty('No model has been trained yet', 'run `cst train` to train the configured horizons'));
      } else {
        const rows = models
          .slice()
          .sort((a, b) => (b.created_at ?? 0) - (a.created_at ?? 0))
          .map((m) => {
            const tr = h(
              'tr',
              { 'data-id': m.id ?? '', class: 'clickable', title: 'show this model’s report', onclick: () => { selected = m.id ?? null; showDetail(); markRows(); } },
              h('td', { class: 'mono small' }, str(m.id)),
              h('td', { class: 'num' }, isNum(m.horizon_h) ? `${m.horizon_h} h` : DASH),
              h('td', null, utc(m.created_at)),
              h('td', null, h('span', { class: 'model-status status-' + str(m.status) }, str(m.status))),
              h('td', { class: 'detail' }, ...richText(m.reason ?? DASH)),
              h('td', null, utc(m.activated_at)),
              h('td', null, utc(m.retired_at)),
              h('td', null, `${utcDay(m.train_from)} .. ${utcDay(m.train_to)}`),
              h('td', { class: 'num' }, num(m.report?.ece, 4)),
            );
            return tr;
          });
        replace(
          hist,
          h(
            'table',
            { class: 'grid', id: 'models-history' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['id', 'horizon', 'created', 'status', 'reason', 'activated', 'retired', 'trained on', 'ECE'].map((l, i) => h('th', { class: i === 1 || i === 8 ? 'num' : null }, l)),
              ),
            ),
            h('tbody', null, rows),
          ),
        );
        markRows();
      }
      showDetail();
    },
    dispose() {},
  };
}

function modelCard(horizon: number | null | undefined, m: Model): HTMLElement {
  return h(
    'section',
    { class: 'card model-card', 'data-horizon': isNum(horizon) ? String(horizon) : '' },
    h('h2', null, `${isNum(horizon) ? horizon + ' h' : DASH} horizon · active model `, h('span', { class: 'mono' }, str(m.id))),
    modelBody(m),
  );
}

function modelBody(m: Model): HTMLElement {
  const rep = m.report;
  const facts = h(
    'div',
    { class: 'stats' },
    stat('Created', utc(m.created_at)),
    stat('Activated', utc(m.activated_at)),
    stat('Trained on', `${utcDay(m.train_from)} .. ${utcDay(m.train_to)}`),
    m.feature_set ? stat('Feature set', h('span', { class: 'mono small' }, m.feature_set)) : null,
    stat('ECE', num(rep?.ece, 4), 'num'),
    stat(
      'Beats baselines',
      rep?.beats_baselines === true ? h('span', { class: 'ok' }, 'yes') : rep?.beats_baselines === false ? h('span', { class: 'bad' }, 'no') : DASH,
    ),
  );
  if (!rep) return h('div', null, facts, empty('No evaluation report stored for this model'));
  const lost = arr(rep.lost).filter((x) => typeof x === 'string');
  const metrics = table(
    [{ label: 'metric' }, { label: 'model', num: true }, { label: 'baseline', num: true }, { label: 'Δ', num: true }, { label: '' }],
    METRICS.map(({ key, label, higher, digits }) => {
      const v = rep[key] as Versus | null | undefined;
      const mv = v?.model;
      const bv = v?.baseline;
      const both = isNum(mv) && isNum(bv);
      const better = both ? (higher ? mv > bv : mv < bv) : null;
      return [
        label + (higher ? ' ↑' : ' ↓'),
        num(mv, digits),
        num(bv, digits),
        both ? (mv - bv > 0 ? '+' : '') + num(mv - bv, digits) : DASH,
        better === null ? DASH : better ? h('span', { class: 'ok' }, 'better') : h('span', { class: 'bad' }, 'not better'),
      ];
    }),
    { class: 'grid metrics-table' },
  );
  const bins = arr(rep.reliability?.bins);
  const weights = arr(rep.stacker_weights).filter(isNum);
  return h(
    'div',
    null,
    facts,
    h(
      'div',
      { class: 'model-body' },
      h(
        'div',
        null,
        metrics,
        h('p', { class: 'muted small' }, '↑ higher is better, ↓ lower is better; out-of-sample against the baseline.'),
        lost.length ? h('div', { class: 'notice' }, 'Lost to the baseline on: ' + lost.join(', ')) : null,
        weights.length ? h('p', { class: 'small' }, 'Stacker weights: ', h('span', { class: 'mono' }, weights.map((w) => num(w, 3)).join(', '))) : null,
        m.reason ? h('p', { class: 'small' }, 'Registry: ', ...richText(m.reason)) : null,
      ),
      h(
        'div',
        { class: 'reliability-box' },
        h('div', { class: 'small muted' }, `Reliability (n=${int(rep.reliability?.n)}, ECE ${num(rep.reliability?.ece ?? rep.ece, 4)})`),
        bins.length ? reliabilityDiagram(bins, `reliability diagram of ${str(m.id)}`) : empty('no reliability bins in the report'),
      ),
    ),
  );
}
