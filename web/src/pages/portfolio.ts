import { getJson, type Backtest, type Backtests, type Portfolio } from '../api';
import { EquityChart, finite, series, ts } from '../charts';
import { h, replace, type Child } from '../dom';
import { arr, int, isNum, num, pct, price, signed, str, utc, utcDay, DASH } from '../fmt';
import type { Page } from '../page';
import { apiError, empty, pairLink, section, signCls, stat, table } from '../ui';

const MAX_TRADES = 200;

export function portfolioPage(): Page {
  const root = h('div', { class: 'page page-portfolio' });
  const modeBox = h('div');
  const acct = h('div');
  const positions = h('div');
  const eqBox = h('div');
  const attr = h('div');
  const trades = h('div');
  const btList = h('div');
  const btDetail = h('div');
  // Hidden while the account has not been stepped: one empty state says it all.
  const acctSections = h(
    'div',
    null,
    section('Equity and drawdown', eqBox),
    section('Open positions', positions),
    h('section', { class: 'card attribution-card' }, h('h2', null, 'PnL attribution (closed trades)'), attr),
    section('Closed trades', trades),
  );
  root.append(
    h('h1', null, 'Portfolio'),
    modeBox,
    acct,
    acctSections,
    h('h1', null, 'Backtests'),
    section('Stored backtests', btList),
    btDetail,
  );

  let eqChart: EquityChart | null = null;
  let btChart: EquityChart | null = null;
  let btChartId: string | null = null;
  let selected: string | null = null;
  let backtests: Backtest[] = [];
  let disposed = false;

  function dropEq(): void {
    eqChart?.remove();
    eqChart = null;
  }
  function dropBt(): void {
    btChart?.remove();
    btChart = null;
    btChartId = null;
  }

  async function loadPortfolio(): Promise<void> {
    const r = await getJson<Portfolio>('/api/portfolio');
    if (disposed) return;
    if (!r.ok) {
      dropEq();
      replace(modeBox, apiError(r));
      replace(acct);
      acctSections.hidden = true;
      return;
    }
    const d = r.data;
    const mode = typeof d.mode === 'string' ? d.mode.toLowerCase() : null;
    replace(
      modeBox,
      mode === 'live'
        ? h('div', { id: 'mode-badge', class: 'mode-live' }, 'LIVE TRADING — real orders on the exchange')
        : h('div', { id: 'mode-badge', class: 'mode-paper' }, mode === 'paper' ? 'PAPER account — simulated fills, no real orders' : `mode: ${str(d.mode)}`),
    );
    const a = d.account;
    if (d.stepped !== true) {
      dropEq();
      const noun = mode === 'live' ? 'live' : 'paper';
      replace(
        acct,
        empty(
          `The ${noun} account has not been stepped yet`,
          (typeof d.empty_reason === 'string' && d.empty_reason) ||
            'the portfolio agent has not run its first hour: no equity curve, positions, trades or attribution exist yet',
          'portfolio-empty',
        ),
      );
      acctSections.hidden = true;
      return;
    }
    acctSections.hidden = false;
    replace(
      acct,
      a?.halted ? h('div', { class: 'error halted', id: 'halted' }, 'HALTED: ', str(a.halted), ' — no new entries (', h('code', null, 'cst risk resume'), ' lifts it)') : null,
      a?.day_stopped ? h('div', { class: 'notice', id: 'day-stopped' }, 'Daily loss stop: ', str(a.day_stopped), ' — no new entries today') : null,
      h(
        'div',
        { class: 'stats' },
        stat('Equity', num(a?.equity, 2), 'num big', 'equity-value'),
        stat('Cash', num(a?.cash, 2), 'num'),
        stat('Gross exposure', num(a?.gross, 2), 'num'),
        stat('Drawdown', pct(a?.drawdown, 2), 'num ' + (isNum(a?.drawdown) && (a?.drawdown ?? 0) > 0 ? 'neg' : '')),
        stat('Last step', utc(a?.last_t)),
      ),
    );

    const ps = arr(a?.positions);
    replace(
      positions,
      ps.length
        ? table(
            [
              { label: 'pair' },
              { label: 'horizon', num: true },
              { label: 'qty', num: true },
              { label: 'entry', num: true },
              { label: 'mark', num: true },
              { label: 'unrealised', num: true },
              { label: 'take profit', num: true },
              { label: 'stop loss', num: true },
              { label: 'entered' },
              { label: 'exit due' },
              { label: 'model' },
            ],
            ps.map((p) => {
              const unreal = isNum(p.qty) && isNum(p.mark) && isNum(p.entry_price) ? (p.mark - p.entry_price) * p.qty : null;
              return [
                pairLink(p.pair),
                isNum(p.horizon_h) ? `${p.horizon_h} h` : DASH,
                num(p.qty, 6),
                price(p.entry_price),
                price(p.mark),
                h('span', { class: signCls(unreal) }, signed(unreal, 2)),
                price(p.take_profit),
                price(p.stop_loss),
                utc(p.entry_t),
                utc(p.exit_due),
                h('span', { class: 'mono small' }, str(p.model_id)),
              ];
            }),
            { id: 'positions-table' },
          )
        : empty('No open positions'),
    );

    const eq = arr(d.equity);
    const eqPts = series(eq, (p) => {
      const time = ts(p.t);
      return time !== null && finite(p.equity) ? { time, value: p.equity } : null;
    });
    const ddPts = series(eq, (p) => {
      const time = ts(p.t);
      return time !== null && finite(p.drawdown) ? { time, value: p.drawdown } : null;
    });
    if (!eqPts.length) {
      dropEq();
      replace(eqBox, empty('No equity points stored yet'));
    } else {
      if (!eqChart) {
        const el = h('div', { id: 'equity-chart', class: 'chart chart-mid' });
        replace(eqBox, el);
        eqChart = new EquityChart(el, false);
      }
      eqChart.set(eqPts, ddPts);
      eqBox.querySelector('#equity-chart')?.setAttribute('data-points', String(eqPts.length));
    }

    const at = d.attribution;
    const parts: [string, number | null | undefined, string][] = [
      ['alpha', at?.alpha, 'the move the model predicted'],
      ['sizing', at?.sizing, 'from position size'],
      ['timing', at?.timing, 'from entry/exit timing'],
      ['slippage', at?.slippage, 'fills against mid'],
      ['fees', at?.fees, 'exchange fees'],
    ];
    const sum = parts.every(([, v]) => isNum(v)) ? parts.reduce((s, [, v]) => s + (v as number), 0) : null;
    const residual = isNum(at?.pnl) && sum !== null ? (at?.pnl as number) - sum : null;
    replace(
      attr,
      at
        ? h(
            'div',
            null,
            table(
              [{ label: 'component' }, { label: 'amount', num: true }, { label: '' }],
              [
                ...parts.map(([k, v, why]): Child[] => [k, h('span', { class: signCls(v) }, signed(v, 2)), h('span', { class: 'muted small' }, why)]),
                [h('b', null, 'PnL'), h('b', { class: signCls(at.pnl) }, signed(at.pnl, 2)), h('span', { class: 'muted small' }, 'alpha + sizing + timing + slippage + fees')],
              ],
              { id: 'attribution-table' },
            ),
            residual !== null && Math.abs(residual) > 0.005 + 1e-9 * Math.abs(at.pnl ?? 0)
              ? h('div', { class: 'notice' }, `The components add up to ${signed(sum, 2)}, not ${signed(at.pnl, 2)} (residual ${signed(residual, 2)}).`)
              : null,
          )
        : empty('No attribution: no closed trade yet'),
    );

    const ts_ = arr(d.trades)
      .slice()
      .sort((x, y) => (y.exit_t ?? 0) - (x.exit_t ?? 0));
    replace(
      trades,
      ts_.length
        ? h(
            'div',
            null,
            ts_.length > MAX_TRADES ? h('p', { class: 'muted small' }, `Newest ${MAX_TRADES} of ${int(ts_.length)} closed trades.`) : null,
            table(
              [
                { label: 'pair' },
                { label: 'horizon', num: true },
                { label: 'entered' },
                { label: 'exited' },
                { label: 'qty', num: true },
                { label: 'entry', num: true },
                { label: 'exit', num: true },
                { label: 'reason' },
                { label: 'PnL', num: true },
                { label: 'alpha', num: true },
                { label: 'sizing', num: true },
                { label: 'timing', num: true },
                { label: 'slippage', num: true },
                { label: 'fees', num: true },
              ],
              ts_.slice(0, MAX_TRADES).map((t) => [
                pairLink(t.pair),
                isNum(t.horizon_h) ? `${t.horizon_h} h` : DASH,
                utc(t.entry_t),
                utc(t.exit_t),
                num(t.qty, 6),
                price(t.entry_price),
                price(t.exit_price),
                str(t.exit_reason),
                h('b', { class: signCls(t.pnl) }, signed(t.pnl, 2)),
                signed(t.alpha, 2),
                signed(t.sizing, 2),
                signed(t.timing, 2),
                signed(t.slippage, 2),
                signed(t.fees, 2),
              ]),
              { id: 'trades-table' },
            ),
          )
        : empty('No closed trades yet'),
    );
  }

  function showBacktest(): void {
    const b = backtests.find((x) => x.id === selected);
    for (const tr of btList.querySelectorAll<HTMLTableRowElement>('tr[data-id]')) tr.classList.toggle('selected', tr.dataset.id === selected);
    if (!b) {
      dropBt();
      replace(btDetail);
      return;
    }
    const m = b.metrics;
    const bh = b.buy_and_hold;
    const eq = arr(b.equity);
    const eqPts = series(eq, (p) => {
      const time = ts(p.t);
      return time !== null && finite(p.equity) ? { time, value: p.equity } : null;
    });
    const ddPts = series(eq, (p) => {
      const time = ts(p.t);
      return time !== null && finite(p.drawdown) ? { time, value: p.drawdown } : null;
    });
    const bhPts = series(eq, (p) => {
      const time = ts(p.t);
      return time !== null && finite(p.buy_and_hold) ? { time, value: p.buy_and_hold } : null;
    });
    const chartSlot = h('div');
    const metricsTable = table(
      [{ label: 'metric' }, { label: 'strategy', num: true }, { label: 'buy & hold', num: true }],
      [
        ['total return', pct(m?.total_return, 2, true), pct(bh?.total_return, 2, true)],
        ['CAGR', pct(m?.cagr, 2, true), pct(bh?.cagr, 2, true)],
        ['Sharpe', num(m?.sharpe, 2), num(bh?.sharpe, 2)],
        ['Sortino', num(m?.sortino, 2), num(bh?.sortino, 2)],
        ['max drawdown', pct(m?.max_drawdown, 2), pct(bh?.max_drawdown, 2)],
        ['turnover', isNum(m?.turnover) ? num(m?.turnover, 2) + '×' : DASH, DASH],
        ['fees', num(m?.fees, 2), DASH],
        ['slippage', num(m?.slippage, 2), DASH],
        ['hit rate', pct(m?.hit_rate, 1), DASH],
        ['trades', int(m?.trades), DASH],
      ],
      { id: 'backtest-metrics' },
    );
    const ph = arr(b.per_horizon);
    replace(
      btDetail,
      section(
        `Backtest ${str(b.id)}: ${utcDay(b.from)} .. ${utcDay(b.to)}`,
        h(
          'p',
          { class: 'small muted' },
          `Ran ${utc(b.ran_at)} · ${int(arr(b.pairs).length)} pairs · horizons ${arr(b.horizons).map((x) => x + ' h').join(', ') || DASH}` +
            (isNum(b.hours) ? ` · GO ${int(b.hours_go)} of ${int(b.hours)} h` : '') +
            (isNum(b.predictions) ? ` · ${int(b.predictions)} predictions, ${int(b.candidates)} candidates` : ''),
        ),
        chartSlot,
        h(
          'div',
          { class: 'cols' },
          h('div', null, h('h3', null, 'Metrics'), metricsTable),
          h(
            'div',
            null,
            h('h3', null, 'Contribution per horizon'),
            ph.length
              ? table(
                  [{ label: 'horizon', num: true }, { label: 'trades', num: true }, { label: 'wins', num: true }, { label: 'PnL', num: true }],
                  ph.map((x) => [isNum(x.horizon_h) ? `${x.horizon_h} h` : DASH, int(x.trades), int(x.wins), h('span', { class: signCls(x.pnl) }, signed(x.pnl, 2))]),
                  { id: 'backtest-horizons' },
                )
              : empty('no per-horizon figures in this report'),
            h('h3', null, 'Pairs'),
            h('p', { class: 'small mono' }, arr(b.pairs).join(', ') || DASH),
          ),
        ),
      ),
    );
    if (!eqPts.length) {
      dropBt();
      replace(chartSlot, empty('This backtest stored no equity curve'));
      return;
    }
    // The chart lives in btDetail, which was just rebuilt: draw it afresh.
    dropBt();
    const el = h('div', { id: 'backtest-chart', class: 'chart chart-mid' });
    replace(
      chartSlot,
      h(
        'div',
        { class: 'legend' },
        h('span', { class: 'legend-item' }, 'solid: strategy equity'),
        bhPts.length
          ? h('span', { class: 'legend-item' }, 'dashed: buy & hold of the same universe')
          : h('span', { class: 'legend-item muted' }, 'buy & hold: no curve stored (its figures are in the table below)'),
        h('span', { class: 'legend-item' }, 'below: strategy drawdown %'),
      ),
      el,
    );
    btChart = new EquityChart(el, true);
    btChart.set(eqPts, ddPts, bhPts);
    btChartId = b.id ?? null;
  }

  async function loadBacktests(): Promise<void> {
    const r = await getJson<Backtests>('/api/backtests');
    if (disposed) return;
    if (!r.ok) {
      dropBt();
      replace(btList, apiError(r));
      replace(btDetail);
      return;
    }
    backtests = arr(r.data.backtests)
      .slice()
      .sort((a, b) => (b.ran_at ?? 0) - (a.ran_at ?? 0));
    if (!backtests.length) {
      dropBt();
      const why = typeof r.data.empty_reason === 'string' && r.data.empty_reason ? r.data.empty_reason : 'run `cst backtest --from D --to D` to store one';
      replace(btList, empty('No backtest stored', why, 'backtests-empty'));
      replace(btDetail);
      return;
    }
    if (!selected || !backtests.some((b) => b.id === selected)) selected = backtests[0]?.id ?? null;
    const rows = backtests.map((b) =>
      h(
        'tr',
        { 'data-id': b.id ?? '', class: 'clickable', onclick: () => { selected = b.id ?? null; showBacktest(); } },
        h('td', { class: 'mono small' }, str(b.id)),
        h('td', null, utc(b.ran_at)),
        h('td', null, `${utcDay(b.from)} .. ${utcDay(b.to)}`),
        h('td', { class: 'num' }, int(arr(b.pairs).length)),
        h('td', null, arr(b.horizons).map((x) => x + ' h').join(', ') || DASH),
        h('td', { class: 'num ' + signCls(b.metrics?.total_return) }, pct(b.metrics?.total_return, 2, true)),
        h('td', { class: 'num' }, pct(b.buy_and_hold?.total_return, 2, true)),
        h('td', { class: 'num' }, num(b.metrics?.sharpe, 2)),
        h('td', { class: 'num' }, pct(b.metrics?.max_drawdown, 2)),
        h('td', { class: 'num' }, int(b.metrics?.trades)),
      ),
    );
    replace(
      btList,
      h(
        'table',
        { class: 'grid', id: 'backtests-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['id', 'ran', 'period', 'pairs', 'horizons', 'return', 'buy & hold', 'Sharpe', 'max DD', 'trades'].map((l, i) => h('th', { class: [3, 5, 6, 7, 8, 9].includes(i) ? 'num' : null }, l)),
          ),
        ),
        h('tbody', null, rows),
      ),
    );
    // Stored backtests do not change: redraw the detail only when the selection is new.
    if (btChartId !== selected || !btChart) showBacktest();
    else for (const tr of btList.querySelectorAll<HTMLTableRowElement>('tr[data-id]')) tr.classList.toggle('selected', tr.dataset.id === selected);
  }

  return {
    name: 'portfolio',
    root,
    everyMs: 60_000,
    async refresh() {
      await Promise.all([loadPortfolio(), loadBacktests()]);
    },
    dispose() {
      disposed = true;
      dropEq();
      dropBt();
    },
  };
}
