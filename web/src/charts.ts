// lightweight-charts with the dashboard's dark theme, and data sanitising: the library
// throws on unsorted or duplicate times, so every series goes through `series()` first.

import {
  AreaSeries,
  ColorType,
  LineSeries,
  LineStyle,
  type ISeriesApi,
  CrosshairMode,
  createChart,
  type DeepPartial,
  type ChartOptions,
  type IChartApi,
  type UTCTimestamp,
} from 'lightweight-charts';

export const COLORS = {
  bg: '#12161c',
  grid: '#1f2630',
  text: '#aeb8c4',
  up: '#26a69a',
  down: '#ef5350',
  accent: '#4c9aff',
  amber: '#f0b429',
  violet: '#b388ff',
  grey: '#7d8793',
};

export const HORIZON_COLORS = ['#4c9aff', '#f0b429', '#b388ff', '#26c6da', '#ff8a65', '#9ccc65'];

export function makeChart(el: HTMLElement, extra?: DeepPartial<ChartOptions>): IChartApi {
  return createChart(el, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: COLORS.bg },
      textColor: COLORS.text,
      fontSize: 11,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
      attributionLogo: false,
      panes: { separatorColor: '#2a3340', enableResize: true },
    },
    grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
    crosshair: { mode: CrosshairMode.Normal },
    rightPriceScale: { borderColor: '#2a3340' },
    timeScale: { borderColor: '#2a3340', timeVisible: true, secondsVisible: false },
    localization: { locale: 'en-US' },
    ...extra,
  });
}

export function finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Sorted by time, one point per time (the last wins), rows with a bad time or value dropped. */
export function series<R, P extends { time: UTCTimestamp }>(rows: R[], map: (r: R) => P | null): P[] {
  const byTime = new Map<number, P>();
  for (const r of rows) {
    const p = map(r);
    if (p && finite(p.time)) byTime.set(p.time, p);
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

export function ts(t: unknown): UTCTimestamp | null {
  return finite(t) ? (Math.floor(t) as UTCTimestamp) : null;
}

type Pt = { time: UTCTimestamp; value: number };

/** Equity (and optionally buy-and-hold) above, drawdown below, in one chart. */
export class EquityChart {
  readonly chart: IChartApi;
  private equity: ISeriesApi<'Line'>;
  private bh: ISeriesApi<'Line'> | null = null;
  private dd: ISeriesApi<'Area'>;
  private fitted = false;

  constructor(el: HTMLElement, withBuyAndHold: boolean) {
    this.chart = makeChart(el);
    this.equity = this.chart.addSeries(LineSeries, { color: COLORS.accent, lineWidth: 2, title: 'equity', priceLineVisible: false });
    if (withBuyAndHold)
      this.bh = this.chart.addSeries(LineSeries, { color: COLORS.grey, lineWidth: 1, lineStyle: LineStyle.Dashed, title: 'buy & hold', priceLineVisible: false });
    this.dd = this.chart.addSeries(
      AreaSeries,
      {
        lineColor: COLORS.down,
        topColor: 'rgba(239,83,80,0.05)',
        bottomColor: 'rgba(239,83,80,0.45)',
        lineWidth: 1,
        title: 'drawdown %',
        priceLineVisible: false,
        invertFilledArea: true,
        priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
      },
      1,
    );
    const panes = this.chart.panes();
    panes[0]?.setStretchFactor(3);
    panes[1]?.setStretchFactor(1);
  }

  /** `drawdown` is the fall from the high as a fraction (0.05 = 5 %): drawn below zero. */
  set(equity: Pt[], drawdown: Pt[], buyAndHold?: Pt[]): void {
    this.equity.setData(equity);
    this.bh?.setData(buyAndHold ?? []);
    this.dd.setData(drawdown.map((p) => ({ time: p.time, value: -Math.abs(p.value) * 100 })));
    if (!this.fitted) {
      this.chart.timeScale().fitContent();
      this.fitted = true;
    }
  }

  remove(): void {
    this.chart.remove();
  }
}
