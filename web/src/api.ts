// The JSON API served by the Rust service under /api/. Every field is typed as possibly
// missing: the pages render "–" for anything absent rather than trusting the payload.

export type ApiOk<T> = { ok: true; endpoint: string; status: number; data: T };
export type ApiErr = {
  ok: false;
  endpoint: string;
  /** HTTP status, or null when no response arrived (network error, timeout, bad JSON). */
  status: number | null;
  error: string;
};
export type ApiResult<T> = ApiOk<T> | ApiErr;

const TIMEOUT_MS = 15_000;

/** GET `path` (e.g. "/api/health"), resolved against the page so a mount prefix works. */
export async function getJson<T>(path: string): Promise<ApiResult<T>> {
  const endpoint = 'GET ' + path;
  const url = path.replace(/^\//, '');
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, signal: ctl.signal, cache: 'no-store' });
  } catch (e) {
    clearTimeout(timer);
    const why = ctl.signal.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : 'the service is unreachable';
    return { ok: false, endpoint, status: null, error: `${why} (${errText(e)})` };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    clearTimeout(timer);
    return { ok: false, endpoint, status: res.status, error: `reading the answer failed (${errText(e)})` };
  }
  clearTimeout(timer);
  let body: unknown = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const msg =
      body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string'
        ? (body as { error: string }).error
        : text.trim().slice(0, 300) || res.statusText || 'no error message';
    return { ok: false, endpoint, status: res.status, error: msg };
  }
  if (body === undefined || body === null || typeof body !== 'object') {
    return { ok: false, endpoint, status: res.status, error: 'the answer is not a JSON object' };
  }
  return { ok: true, endpoint, status: res.status, data: body as T };
}

function errText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

// ---- payload types (the contract) ----

export type Opt<T> = T | null | undefined;

export interface Check {
  name?: Opt<string>;
  ok?: Opt<boolean>;
  reason?: Opt<string>;
}

export interface Component {
  name?: Opt<string>;
  weight?: Opt<number>;
  score?: Opt<number>;
  detail?: Opt<string>;
}

export interface Agent {
  name?: Opt<string>;
  state?: Opt<string>;
  pid?: Opt<number>;
  restarts?: Opt<number>;
  breaker?: Opt<string>;
  rss_bytes?: Opt<number>;
  cpu_percent?: Opt<number>;
  ready_for_ms?: Opt<number>;
  /** Optional: why the agent's process last exited. */
  last_exit?: Opt<string>;
}

export interface Health {
  at?: Opt<number>;
  status?: Opt<string>;
  score?: Opt<number>;
  ready?: Opt<boolean>;
  checks?: Opt<Check[]>;
  components?: Opt<Component[]>;
  agents?: Opt<Agent[]>;
}

export interface Readiness {
  ready?: Opt<boolean>;
  status?: Opt<string>;
  checks?: Opt<Check[]>;
  reasons?: Opt<string[]>;
}

export interface Pairs {
  exchange?: Opt<string>;
  pairs?: Opt<string[]>;
}

export interface Candidate {
  pair?: Opt<string>;
  horizon_h?: Opt<number>;
  model_id?: Opt<string>;
  p_up?: Opt<number>;
  pred?: Opt<number>;
  lo?: Opt<number>;
  hi?: Opt<number>;
  round_trip_cost?: Opt<number>;
  rank?: Opt<number>;
}

export interface Opportunities {
  t?: Opt<number>;
  /** Optional: when the gate ran, and how many predictions it saw. */
  at?: Opt<number>;
  predictions?: Opt<number>;
  go?: Opt<boolean>;
  models_active?: Opt<number>;
  candidates?: Opt<Candidate[]>;
  empty_reason?: Opt<string>;
}

export interface PredictionRow {
  t?: Opt<number>;
  horizon_h?: Opt<number>;
  model_id?: Opt<string>;
  p_up?: Opt<number>;
  conf?: Opt<number>;
  pred?: Opt<number>;
  lo?: Opt<number>;
  hi?: Opt<number>;
}

export interface Predictions {
  pair?: Opt<string>;
  models_active?: Opt<number>;
  latest?: Opt<PredictionRow[]>;
  history?: Opt<PredictionRow[]>;
  /** Optional: why there is no prediction. */
  empty_reason?: Opt<string>;
}

export interface Candle {
  t?: Opt<number>;
  open?: Opt<number>;
  high?: Opt<number>;
  low?: Opt<number>;
  close?: Opt<number>;
  volume?: Opt<number>;
}

export interface Point {
  t?: Opt<number>;
  value?: Opt<number>;
}

export interface Coin {
  pair?: Opt<string>;
  candles?: Opt<Candle[]>;
  sentiment?: Opt<Point[]>;
  whale?: Opt<Point[]>;
  /** Optional: why an overlay series is absent. */
  note?: Opt<string>;
}

export interface Versus {
  model?: Opt<number>;
  baseline?: Opt<number>;
}

export interface Bin {
  lo?: Opt<number>;
  hi?: Opt<number>;
  count?: Opt<number>;
  mean_predicted?: Opt<number>;
  frequency?: Opt<number>;
}

export interface Report {
  auc?: Opt<Versus>;
  brier?: Opt<Versus>;
  log_loss?: Opt<Versus>;
  hit_rate?: Opt<Versus>;
  precision_at_k?: Opt<Versus>;
  mae?: Opt<Versus>;
  ece?: Opt<number>;
  reliability?: Opt<{ bins?: Opt<Bin[]>; n?: Opt<number>; ece?: Opt<number> }>;
  stacker_weights?: Opt<number[]>;
  beats_baselines?: Opt<boolean>;
  lost?: Opt<string[]>;
}

export interface Model {
  id?: Opt<string>;
  horizon_h?: Opt<number>;
  status?: Opt<string>;
  reason?: Opt<string>;
  created_at?: Opt<number>;
  activated_at?: Opt<number>;
  retired_at?: Opt<number>;
  train_from?: Opt<number>;
  train_to?: Opt<number>;
  feature_set?: Opt<string>;
  report?: Opt<Report>;
}

export interface Models {
  models_active?: Opt<number>;
  horizons?: Opt<{ horizon_h?: Opt<number>; active?: Opt<Model> }[]>;
  models?: Opt<Model[]>;
}

export interface Position {
  pair?: Opt<string>;
  horizon_h?: Opt<number>;
  qty?: Opt<number>;
  entry_price?: Opt<number>;
  mark?: Opt<number>;
  take_profit?: Opt<number>;
  stop_loss?: Opt<number>;
  exit_due?: Opt<number>;
  entry_t?: Opt<number>;
  value?: Opt<number>;
  model_id?: Opt<string>;
}

export interface EquityPoint {
  t?: Opt<number>;
  equity?: Opt<number>;
  drawdown?: Opt<number>;
  cash?: Opt<number>;
  gross?: Opt<number>;
  halted?: Opt<boolean>;
}

export interface Attribution {
  pnl?: Opt<number>;
  alpha?: Opt<number>;
  sizing?: Opt<number>;
  timing?: Opt<number>;
  slippage?: Opt<number>;
  fees?: Opt<number>;
}

export interface Trade extends Attribution {
  pair?: Opt<string>;
  horizon_h?: Opt<number>;
  entry_t?: Opt<number>;
  exit_t?: Opt<number>;
  qty?: Opt<number>;
  entry_price?: Opt<number>;
  exit_price?: Opt<number>;
  exit_reason?: Opt<string>;
}

export interface Portfolio {
  mode?: Opt<string>;
  stepped?: Opt<boolean>;
  account?: Opt<{
    cash?: Opt<number>;
    equity?: Opt<number>;
    gross?: Opt<number>;
    drawdown?: Opt<number>;
    halted?: Opt<string>;
    day_stopped?: Opt<string>;
    last_t?: Opt<number>;
    positions?: Opt<Position[]>;
  }>;
  equity?: Opt<EquityPoint[]>;
  trades?: Opt<Trade[]>;
  attribution?: Opt<Attribution>;
  empty_reason?: Opt<string>;
}

export interface Perf {
  cagr?: Opt<number>;
  sharpe?: Opt<number>;
  sortino?: Opt<number>;
  max_drawdown?: Opt<number>;
  total_return?: Opt<number>;
}

export interface Backtest {
  id?: Opt<string>;
  ran_at?: Opt<number>;
  from?: Opt<number>;
  to?: Opt<number>;
  pairs?: Opt<string[]>;
  horizons?: Opt<number[]>;
  hours?: Opt<number>;
  hours_go?: Opt<number>;
  predictions?: Opt<number>;
  candidates?: Opt<number>;
  metrics?: Opt<
    Perf & {
      turnover?: Opt<number>;
      fees?: Opt<number>;
      slippage?: Opt<number>;
      hit_rate?: Opt<number>;
      trades?: Opt<number>;
    }
  >;
  buy_and_hold?: Opt<Perf>;
  per_horizon?: Opt<{ horizon_h?: Opt<number>; trades?: Opt<number>; wins?: Opt<number>; pnl?: Opt<number> }[]>;
  equity?: Opt<{ t?: Opt<number>; equity?: Opt<number>; drawdown?: Opt<number>; buy_and_hold?: Opt<number> }[]>;
}

export interface Backtests {
  backtests?: Opt<Backtest[]>;
  empty_reason?: Opt<string>;
}

export interface DataStatus {
  exchange?: Opt<string>;
  coverage?: Opt<{
    at?: Opt<number>;
    fraction?: Opt<number>;
    live?: Opt<number | string[]>;
    covered?: Opt<number | string[]>;
    missing?: Opt<{ pair?: Opt<string>; reason?: Opt<string> }[]>;
  }>;
  rejections?: Opt<{ pair?: Opt<string>; reason?: Opt<string>; count?: Opt<number> }[]>;
  /** Optional: stored hourly candles per pair. */
  candles?: Opt<{ pair?: Opt<string>; count?: Opt<number>; first?: Opt<number>; last?: Opt<number>; gaps?: Opt<number> }[]>;
}
