import {
  CandlestickSeries,
  HistogramSeries,
  LineSeries,
  LineStyle,
  type IChartApi,
  type ISeriesApi,
} from 'lightweight-charts';
import { getJson, type Coin, type Pairs, type PredictionRow, type Predictions } from '../api';
import { COLORS, HORIZON_COLORS, finite, makeChart, series, ts } from '../charts';
import { h, replace } from '../dom';
import { arr, int, isNum, logRetPct, num, price, str, utc } from '../fmt';
import type { Page } from '../page';
import { apiError, disabled, empty, NO_MODEL, section, table } from '../ui';

const STORE_KEY = 'cst.lastPair';
let remembered: string | null = null;

export function lastPair(): string | null {
  if (remembered) return remembered;
  try {
    remembered = localStorage.getItem(STORE_KEY);
  } catch {
    remembered = null;
  }
  return remembered;
}

function remember(pair: string): void {
  remembered = pair;
  try {
    localStorage.setItem(STORE_KEY, pair);
  } catch {
    /* storage may be unavailable: remembering the pair is a convenience only */
  }
}

const HOURS = [168, 720, 2160];

export function coinPage(arg: string | null): Page {
  let pair: string | null = arg && arg.trim() ? arg : null;
  let hours = 720;

  const root = h('div', { class: 'page page-coin' });
  const picker = h('select', { id: 'pair-select', 'aria-label': 'pair' });
  const hoursSel = h(
    'select',
    { id: 'hours-select', 'aria-label': 'window' },
    HOURS.map((n) => h('option', { value: String(n), selected: n === hours }, n === 168 ? '7 days' : n === 720 ? '30 days' : '90 days')),
  );
  const exchange = h('span', { class: 'muted' });
  const title = h('h1', null, 'Coin');
  const pairsMsg = h('div');
  const chartMsg = h('div');
  const legend = h('div', { class: 'legend', id: 'coin-legend' });
  const chartBox = h('div', { class: 'chart-slot' });
  const latestBox = h('div');
  const histBox = h('div');
  root.append(
    h('div', { class: 'titlebar' }, title, h('label', { class: 'picker' }, 'Pair ', picker), h('label', { class: 'picker' }, 'Window ', hoursSel), exchange),
    pairsMsg,
    section('Hourly candles', chartMsg, legend, chartBox),
    section('Latest prediction per horizon', latestBox),
    section('Prediction history (P(up), last 7 days)', histBox),
  );

  picker.addEventListener('change', () => {
    if (picker.value) location.hash = '#/coin/' + encodeURIComponent(picker.value);
  });

  let chart: IChartApi | null = null;
  let chartEl: HTMLElement | null = null;
  let candleS: ISeriesApi<'Candlestick'> | null = null;
  let volS: ISeriesApi<'Histogram'> | null = null;
  let sentS: ISeriesApi<'Line'> | null = null;
  let whaleS: ISeriesApi<'Histogram'> | null = null;
  let predChart: IChartApi | null = null;
  let predEl: HTMLElement | null = null;
  const predSeries = new Map<number, ISeriesApi<'Line'>>();
  let firstFit = true;
  let disposed = false;

  hoursSel.addEventListener('change', () => {
    hours = Number(hoursSel.value) || 720;
    firstFit = true;
    void loadCoin();
  });

  function dropChart(): void {
    chart?.remove();
    chart = null;
    chartEl = null;
    candleS = volS = sentS = whaleS = null;
  }

  function dropPredChart(): void {
    predChart?.remove();
    predChart = null;
    predEl = null;
    predSeries.clear();
  }

  let pairsLoaded = false;

  async function loadPairs(): Promise<void> {
    if (pairsLoaded) return;
    const r = await getJson<Pairs>('/api/pairs');
    if (disposed) return;
    if (!r.ok) {
      replace(pairsMsg, apiError(r));
      if (pair) replace(picker, h('option', { value: pair, selected: true }, pair));
      return;
    }
    pairsLoaded = true;
    replace(pairsMsg);
    const pairs = arr(r.data.pairs).filter((p): p is string => typeof p === 'string');
    exchange.textContent = typeof r.data.exchange === 'string' ? `exchange: ${r.data.exchange}` : '';
    if (!pair) {
      const prev = lastPair();
      pair =
        (prev && pairs.includes(prev) ? prev : null) ??
        pairs.find((p) => p.startsWith('BTC/')) ??
        pairs.find((p) => p.startsWith('XBT/')) ??
        pairs[0] ??
        null;
      if (pair) history.replaceState(null, '', '#/coin/' + encodeURIComponent(pair));
    }
    const options = pairs.map((p) => h('option', { value: p, selected: p === pair }, p));
    if (pair && !pairs.includes(pair)) options.unshift(h('option', { value: pair, selected: true }, `${pair} (not listed)`));
    if (!pairs.length) options.unshift(h('option', { value: '' }, 'no pairs'));
    replace(picker, options);
  }

  async function loadCoin(): Promise<void> {
    if (!pair) return;
    const p = pair;
    const r = await getJson<Coin>(`/api/coin?pair=${encodeURIComponent(p)}&hours=${hours}`);
    if (disposed || p !== pair) return;
    if (!r.ok) {
      dropChart();
      replace(chartMsg, apiError(r));
      replace(legend);
      replace(chartBox);
      return;
    }
    const candles = series(arr(r.data.candles), (c) => {
      const time = ts(c.t);
      if (time === null || !finite(c.open) || !finite(c.high) || !finite(c.low) || !finite(c.close)) return null;
      return { time, open: c.open, high: c.high, low: c.low, close: c.close, volume: finite(c.volume) ? c.volume : null };
    });
    const sent = series(arr(r.data.sentiment), (x) => {
      const time = ts(x.t);
      return time !== null && finite(x.value) ? { time, value: x.value } : null;
    });
    const whale = series(arr(r.data.whale), (x) => {
      const time = ts(x.t);
      return time !== null && finite(x.value) ? { time, value: x.value, color: x.value >= 0 ? COLORS.up : COLORS.down } : null;
    });

    if (!candles.length) {
      dropChart();
      replace(chartMsg, empty(`No candles stored for ${p} in the last ${hours} hours`, 'the collector has not stored hourly candles for this pair in this window'));
      replace(legend);
      replace(chartBox);
      return;
    }
    replace(chartMsg);
    if (!chart) {
      chartEl = h('div', { id: 'coin-chart', class: 'chart chart-tall' });
      replace(chartBox, chartEl);
      chart = makeChart(chartEl);
      candleS = chart.addSeries(CandlestickSeries, {
        upColor: COLORS.up,
        downColor: COLORS.down,
        borderUpColor: COLORS.up,
        borderDownColor: COLORS.down,
        wickUpColor: COLORS.up,
        wickDownColor: COLORS.down,
        priceFormat: { type: 'price', precision: precisionFor(candles[candles.length - 1]?.close ?? 1), minMove: minMoveFor(candles[candles.length - 1]?.close ?? 1) },
      });
      volS = chart.addSeries(HistogramSeries, { priceScaleId: 'vol', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false });
      chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    }
    candleS?.setData(candles.map(({ time, open, high, low, close }) => ({ time, open, high, low, close })));
    volS?.setData(
      candles.map((c) => ({
        time: c.time,
        value: c.volume ?? 0,
        color: c.close >= c.open ? 'rgba(38,166,154,0.35)' : 'rgba(239,83,80,0.35)',
      })),
    );
    if (sent.length && chart && !sentS) {
      sentS = chart.addSeries(LineSeries, { color: COLORS.amber, lineWidth: 2, title: 'sentiment', priceLineVisible: false }, 1);
    }
    sentS?.setData(sent);
    if (whale.length && chart && !whaleS) {
      whaleS = chart.addSeries(HistogramSeries, { title: 'whale', priceLineVisible: false }, sentS ? 2 : 1);
    }
    whaleS?.setData(whale);
    const panes = chart?.panes() ?? [];
    panes[0]?.setStretchFactor(3);
    for (const pane of panes.slice(1)) pane.setStretchFactor(1);
    if (firstFit) {
      chart?.timeScale().fitContent();
      firstFit = false;
    }
    chartEl?.setAttribute('data-candles', String(candles.length));

    const last = candles[candles.length - 1];
    const note = typeof r.data.note === 'string' && r.data.note ? r.data.note : null;
    const absent = (what: string): string => `${what}: no series for this pair/window`;
    replace(
      legend,
      h('span', null, `${p} · 1 h · ${int(candles.length)} candles · last ${last ? utc(last.time) : '–'} · close `, h('b', null, last ? price(last.close) : '–')),
      sent.length
        ? h('span', { class: 'legend-item sent' }, `sentiment: ${int(sent.length)} points (pane below)`)
        : note
          ? null
          : h('span', { class: 'legend-item muted' }, absent('sentiment')),
      whale.length
        ? h('span', { class: 'legend-item whale' }, `whale net flow: ${int(whale.length)} points (pane below)`)
        : note
          ? null
          : h('span', { class: 'legend-item muted' }, absent('whale')),
      // The service's own word on a missing overlay, when it gives one.
      note ? h('span', { class: 'legend-item muted', id: 'coin-note' }, note) : null,
    );
  }

  async function loadPredictions(): Promise<void> {
    if (!pair) return;
    const p = pair;
    const r = await getJson<Predictions>(`/api/predictions?pair=${encodeURIComponent(p)}`);
    if (disposed || p !== pair) return;
    if (!r.ok) {
      dropPredChart();
      replace(latestBox, apiError(r));
      replace(histBox, apiError(r));
      return;
    }
    const active = isNum(r.data.models_active) ? r.data.models_active : 0;
    const latest = arr(r.data.latest)
      .slice()
      .sort((a, b) => (a.horizon_h ?? 0) - (b.horizon_h ?? 0));
    const hist = arr(r.data.history);
    const why = typeof r.data.empty_reason === 'string' && r.data.empty_reason ? r.data.empty_reason : null;
    if (active === 0) {
      dropPredChart();
      replace(latestBox, disabled('Predictions disabled', why ?? NO_MODEL, 'predictions-disabled'));
      replace(
        histBox,
        disabled(
          'Prediction history disabled',
          hist.length ? `${hist.length} stored predictions exist, but no model is active now, so none is shown as current.` : 'no model is active, so there is no prediction history to show',
        ),
      );
      return;
    }
    replace(
      latestBox,
      latest.length
        ? table(
            [
              { label: 'horizon', num: true },
              { label: 'hour' },
              { label: 'P(up)', num: true },
              { label: 'conf', num: true, title: 'calibrated probability of the direction the model leans to' },
              { label: 'median', num: true, title: 'median forecast, as a simple return' },
              { label: 'lo (10%)', num: true },
              { label: 'hi (90%)', num: true },
              { label: 'model' },
            ],
            latest.map((x) => [
              isNum(x.horizon_h) ? `${x.horizon_h} h` : '–',
              utc(x.t),
              h('span', { class: 'strong' }, num(x.p_up, 3)),
              num(x.conf, 3),
              logRetPct(x.pred),
              logRetPct(x.lo),
              logRetPct(x.hi),
              h('span', { class: 'mono small' }, str(x.model_id)),
            ]),
            { id: 'predictions-latest' },
          )
        : empty(`No prediction for ${p}`, why ?? 'the active models have not predicted this pair in the last 7 days'),
      h('p', { class: 'muted small' }, 'Median and the 80% interval (lo .. hi) are log-return forecasts over the horizon, shown as simple returns.'),
    );

    const byH = new Map<number, PredictionRow[]>();
    for (const x of hist) {
      if (!isNum(x.horizon_h)) continue;
      const list = byH.get(x.horizon_h) ?? [];
      list.push(x);
      byH.set(x.horizon_h, list);
    }
    if (!hist.length) {
      dropPredChart();
      replace(histBox, empty(`No predictions stored for ${p} in the last 7 days`, why));
      return;
    }
    if (!predChart) {
      predEl = h('div', { id: 'prediction-chart', class: 'chart chart-short' });
      replace(histBox, h('div', { class: 'legend', id: 'prediction-legend' }), predEl);
      predChart = makeChart(predEl);
    }
    const legendEl = histBox.querySelector('#prediction-legend');
    const keys = [...byH.keys()].sort((a, b) => a - b);
    keys.forEach((hz, i) => {
      let s = predSeries.get(hz);
      if (!s && predChart) {
        s = predChart.addSeries(LineSeries, {
          color: HORIZON_COLORS[i % HORIZON_COLORS.length],
          lineWidth: 2,
          title: `${hz} h`,
          priceFormat: { type: 'price', precision: 3, minMove: 0.001 },
        });
        if (i === 0) s.createPriceLine({ price: 0.5, color: COLORS.grey, lineStyle: LineStyle.Dashed, lineWidth: 1, axisLabelVisible: false, title: '0.5' });
        predSeries.set(hz, s);
      }
      s?.setData(
        series(byH.get(hz) ?? [], (x) => {
          const time = ts(x.t);
          return time !== null && finite(x.p_up) ? { time, value: x.p_up } : null;
        }),
      );
    });
    predChart?.timeScale().fitContent();
    if (legendEl) {
      replace(
        legendEl,
        keys.map((hz, i) =>
          h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: `background:${HORIZON_COLORS[i % HORIZON_COLORS.length]}` }), `P(up) ${hz} h`),
        ),
      );
    }
  }

  return {
    name: 'coin',
    root,
    everyMs: 60_000,
    async refresh() {
      await loadPairs();
      if (disposed) return;
      if (!pair) {
        replace(chartMsg, empty('No pair to show', pairsLoaded ? 'the service lists no pairs yet' : 'the pair list could not be loaded (see the error above)'));
        replace(latestBox);
        replace(histBox);
        return;
      }
      remember(pair);
      title.textContent = pair;
      await Promise.all([loadCoin(), loadPredictions()]);
    },
    dispose() {
      disposed = true;
      dropChart();
      dropPredChart();
    },
  };
}

function precisionFor(p: number): number {
  const a = Math.abs(p);
  return a >= 1000 ? 2 : a >= 1 ? 4 : a >= 0.01 ? 6 : 8;
}

function minMoveFor(p: number): number {
  return 1 / 10 ** precisionFor(p);
}
