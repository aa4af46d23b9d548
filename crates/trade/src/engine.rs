//! One decision hour of the portfolio, the same for the portfolio agent and the backtester:
//!
//! 1. exits: each position's bars since it was last checked, in order — a stop-loss or
//!    take-profit the bar touched (the stop first when both were), then the exit at the
//!    horizon;
//! 2. mark to the latest close; the drawdown kill switch flattens everything and halts;
//! 3. a new UTC day opens with the marked equity; the daily loss limit stops entries;
//! 4. entries, best candidate first, one position per coin: Kelly-lite stake, fitted into
//!    the room the limits leave, checked against every limit, filled on paper.
//!
//! An hour is stepped once: stepping it (or an earlier one) again is a no-op, so a restarted
//! agent never repeats an order.
//!
//! Orders go to a [`Venue`]: paper fills for the backtest and paper mode, the exchange in
//! live mode. The decisions are the same; only who fills them, and who watches the stop,
//! differ (see [`venue`](crate::venue)).

use std::collections::BTreeSet;

use cst_config::{PortfolioConfig, RiskConfig};

use crate::{
    HOUR,
    account::{Account, ClosedTrade, EquityPoint, OrderRecord, Position},
    exec::{self, Fill, FillSpec},
    fees::Fees,
    gate::Candidate,
    market::{Market, Quote, QuoteSpec, Source},
    risk::{self, Entry, Exposure, Refusal},
    sizing,
    venue::{OrderSpec, Paper, Venue},
};

/// How an exit fills: at a resting order's level (paper's simulated stop and take-profit),
/// or at market through the venue.
enum ExitFill {
    Level { at: f64, stop: bool },
    Market { q: Quote, decision_mid: f64 },
}

use cst_market::DAY;

/// The rules one account trades by.
#[derive(Debug, Clone, Copy)]
pub struct Engine<'a> {
    pub risk: &'a RiskConfig,
    pub portfolio: &'a PortfolioConfig,
    pub quote: QuoteSpec,
    pub fees: &'a Fees,
}

/// What one hour did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Step {
    pub t: i64,
    /// False when the hour had been stepped before (nothing was done).
    pub stepped: bool,
    pub orders: Vec<OrderRecord>,
    pub closed: Vec<ClosedTrade>,
    pub equity: Option<EquityPoint>,
    /// Set when the kill switch fired in this hour.
    pub halted_now: Option<String>,
}

/// The quote spec of a deployment: the portfolio's spread window and latency, the whale
/// section's book age limit.
pub fn quote_spec(p: &PortfolioConfig, book_max_age_s: i64) -> QuoteSpec {
    QuoteSpec {
        window_h: p.spread_window_h,
        latency_s: p.latency.as_secs_f64(),
        book_max_age_s,
    }
}

impl Engine<'_> {
    fn fill_spec(&self) -> FillSpec {
        FillSpec {
            max_participation: self.portfolio.max_participation,
            impact_coef: self.portfolio.impact_coef,
            max_slippage_bps: self.portfolio.max_slippage_bps,
        }
    }

    /// Hours of candles before a decision time the step reads.
    pub fn lookback_h(&self) -> i64 {
        i64::from(self.risk.corr_window_h.max(self.quote.window_h).max(24)) + 2
    }

    /// Steps the account through decision hour `t` with the gate's `candidates` (best
    /// first), filling on paper.
    pub fn step(
        &self,
        acct: &mut Account,
        t: i64,
        candidates: &[Candidate],
        market: &Market,
    ) -> Step {
        self.step_on(acct, t, candidates, market, &mut Paper(self.fill_spec()))
    }

    /// [`Self::step`] with the orders sent to `venue`.
    pub fn step_on(
        &self,
        acct: &mut Account,
        t: i64,
        candidates: &[Candidate],
        market: &Market,
        venue: &mut dyn Venue,
    ) -> Step {
        let mut step = Step {
            t,
            ..Step::default()
        };
        if acct.last_t.is_some_and(|last| t <= last) {
            return step;
        }
        step.stepped = true;
        let exited = self.exits(acct, t, market, venue, &mut step);
        for p in acct.positions.values_mut() {
            if let Some(c) = market.closed(&p.pair, t, 1).last() {
                p.mark = c.close;
            }
        }
        acct.high_water = acct.high_water.max(acct.equity());
        let dd = acct.drawdown();
        if acct.halted.is_none() && dd >= self.risk.max_drawdown_frac {
            let why = format!(
                "drawdown {:.2}% reached the {:.2}% limit at {t}",
                dd * 100.0,
                self.risk.max_drawdown_frac * 100.0
            );
            acct.halted = Some(why.clone());
            step.halted_now = Some(why);
        }
        if acct.halted.is_some() {
            self.flatten(acct, t, market, venue, &mut step);
        }
        let day = t.div_euclid(DAY);
        if day != acct.day {
            acct.day = day;
            acct.day_open_equity = acct.equity();
            acct.day_stopped = None;
        }
        let equity = acct.equity();
        if acct.day_stopped.is_none()
            && equity <= acct.day_open_equity * (1.0 - self.risk.daily_loss_frac)
        {
            acct.day_stopped = Some(format!(
                "equity {equity:.2} is {:.2}% below the day's open {:.2} (limit {:.2}%)",
                (1.0 - equity / acct.day_open_equity) * 100.0,
                acct.day_open_equity,
                self.risk.daily_loss_frac * 100.0
            ));
        }
        self.entries(acct, t, candidates, market, &exited, venue, &mut step);
        acct.order_times.retain(|&at| at > t - HOUR);
        acct.order_ids.retain(|_, at| *at > t - 60 * DAY);
        acct.last_t = Some(t);
        step.equity = Some(acct.point(t));
        step
    }

    /// Take-profit, stop-loss and horizon exits; returns the pairs that exited. A venue
    /// that holds the stop reports whether it fired; otherwise the bars decide. An exit the
    /// venue could not fill leaves the position, and its bars, for the next hour.
    fn exits(
        &self,
        acct: &mut Account,
        t: i64,
        market: &Market,
        venue: &mut dyn Venue,
        step: &mut Step,
    ) -> BTreeSet<String> {
        let mut exited = BTreeSet::new();
        let simulated = venue.simulated();
        let pairs: Vec<String> = acct.positions.keys().cloned().collect();
        for pair in pairs {
            let pos = acct.positions[&pair].clone();
            let fee = self.fees.rate(&pair);
            if !simulated {
                match venue.stop_fired(&pos) {
                    Ok(Some((at, fill))) => {
                        let at = at.clamp(pos.checked_until, t);
                        let level = pos.exits.stop_loss;
                        self.close(acct, &pair, at, "stop_loss", fill, level, step);
                        exited.insert(pair);
                        continue;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        step.orders.push(failed(
                            &pos,
                            "stop_loss",
                            t,
                            "failed",
                            format!("stop unknown: {e}"),
                        ));
                        continue;
                    }
                }
            }
            let mut exit = None;
            // Set when an exit is due but cannot be sent this hour: its bars are kept.
            let mut keep_bars = false;
            for bar in market.bars(&pair, pos.checked_until, t) {
                let close_t = bar.open_time + HOUR;
                let (sl, tp) = (pos.exits.stop_loss, pos.exits.take_profit);
                if simulated && bar.low <= sl {
                    // A bar that opens below the stop fills at its open.
                    let at = bar.open.min(sl);
                    exit = Some((close_t, "stop_loss", ExitFill::Level { at, stop: true }));
                    break;
                }
                if bar.high >= tp {
                    let how = if simulated {
                        let at = bar.open.max(tp);
                        (close_t, ExitFill::Level { at, stop: false })
                    } else {
                        // Seen at the hour: sold at this hour's market.
                        let Ok(q) = market.quote(&pair, t, &self.quote) else {
                            keep_bars = true;
                            break;
                        };
                        let decision_mid =
                            market.bar_closing_at(&pair, t).map_or(q.mid, |b| b.close);
                        (t, ExitFill::Market { q, decision_mid })
                    };
                    exit = Some((how.0, "take_profit", how.1));
                    break;
                }
                if close_t >= pos.exit_due
                    && let Ok(q) = market.quote(&pair, close_t, &self.quote)
                {
                    let decision_mid = bar.close;
                    exit = Some((close_t, "horizon", ExitFill::Market { q, decision_mid }));
                    break;
                }
            }
            let Some((at, purpose, how)) = exit else {
                if let Some(p) = acct.positions.get_mut(&pair)
                    && !keep_bars
                {
                    p.checked_until = t;
                }
                continue;
            };
            let filled = match how {
                ExitFill::Level { at: level, stop } => {
                    let half_spread = if stop {
                        market
                            .quote(&pair, at, &self.quote)
                            .map_or(0.0, |q| q.half_spread)
                    } else {
                        0.0
                    };
                    Ok((exec::sell_at(level, stop, pos.qty, half_spread, fee), level))
                }
                ExitFill::Market { q, decision_mid } => {
                    let id = exit_id(&pos, purpose);
                    let o = OrderSpec {
                        client_id: &id,
                        pair: &pair,
                        qty: pos.qty,
                        fee_rate: fee,
                    };
                    venue.sell(&o, &pos, &q).map(|f| (f, decision_mid))
                }
            };
            match filled {
                Ok((fill, decision_mid)) => {
                    self.close(acct, &pair, at, purpose, fill, decision_mid, step);
                    exited.insert(pair);
                }
                Err(e) => step
                    .orders
                    .push(failed(&pos, purpose, t, "failed", e.to_string())),
            }
        }
        exited
    }

    /// The kill switch: every position out at `t`'s quote (a pair without one, or whose
    /// sell the venue could not fill, is retried next hour).
    fn flatten(
        &self,
        acct: &mut Account,
        t: i64,
        market: &Market,
        venue: &mut dyn Venue,
        step: &mut Step,
    ) {
        let pairs: Vec<String> = acct.positions.keys().cloned().collect();
        for pair in pairs {
            let pos = acct.positions[&pair].clone();
            let q = match market.quote(&pair, t, &self.quote) {
                Ok(q) => q,
                Err(e) => {
                    let why = format!("no quote ({e}): retried next hour");
                    step.orders
                        .push(failed(&pos, "kill_switch", t, "unfilled", why));
                    continue;
                }
            };
            let id = exit_id(&pos, "kill_switch");
            let o = OrderSpec {
                client_id: &id,
                pair: &pair,
                qty: pos.qty,
                fee_rate: self.fees.rate(&pair),
            };
            match venue.sell(&o, &pos, &q) {
                Ok(fill) => {
                    let decision_mid = market.bar_closing_at(&pair, t).map_or(q.mid, |b| b.close);
                    self.close(acct, &pair, t, "kill_switch", fill, decision_mid, step);
                }
                Err(e) => {
                    let why = format!("{e}: retried next hour");
                    step.orders
                        .push(failed(&pos, "kill_switch", t, "failed", why));
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn close(
        &self,
        acct: &mut Account,
        pair: &str,
        at: i64,
        purpose: &str,
        fill: Fill,
        decision_mid: f64,
        step: &mut Step,
    ) {
        let Some(pos) = acct.positions.remove(pair) else {
            return;
        };
        acct.cash += fill.qty * fill.price - fill.fee;
        let client_id = exit_id(&pos, purpose);
        acct.order_ids.insert(client_id.clone(), at);
        acct.order_times.push_back(at);
        let q = pos.qty;
        let moved = decision_mid - pos.entry_decision_mid;
        let fees = -(pos.entry_fee + fill.fee);
        let timing =
            q * ((fill.mid - decision_mid) - (pos.entry_fill_mid - pos.entry_decision_mid));
        let slippage = q * ((fill.price - fill.mid) - (pos.entry_price - pos.entry_fill_mid));
        step.orders.push(OrderRecord {
            client_id: client_id.clone(),
            t: at,
            pair: pair.to_string(),
            horizon_h: pos.horizon_h,
            side: "sell".into(),
            purpose: purpose.into(),
            requested_qty: q,
            filled_qty: fill.qty,
            price: fill.price,
            fill_mid: fill.mid,
            fee: fill.fee,
            source: fill.source,
            status: "filled".into(),
            note: String::new(),
        });
        step.closed.push(ClosedTrade {
            pair: pair.to_string(),
            horizon_h: pos.horizon_h,
            model_id: pos.model_id.clone(),
            client_id: pos.client_id.clone(),
            entry_t: pos.entry_t,
            exit_t: at,
            qty: q,
            entry_price: pos.entry_price,
            exit_price: fill.price,
            exit_reason: purpose.into(),
            take_profit: pos.exits.take_profit,
            stop_loss: pos.exits.stop_loss,
            exit_due: pos.exit_due,
            pnl: q * (fill.price - pos.entry_price) + fees,
            alpha: pos.ref_qty * moved,
            sizing: (q - pos.ref_qty) * moved,
            timing,
            slippage,
            fees,
        });
    }

    /// Exposure to `pair` and its correlation cluster among the held coins. A held coin
    /// whose correlation cannot be measured (too little common history) counts as
    /// correlated: the cap errs on the side of less risk.
    fn exposure(&self, acct: &Account, pair: &str, t: i64, market: &Market) -> Exposure {
        let n = self.risk.corr_window_h as usize;
        let coin = acct.positions.get(pair).map_or(0.0, Position::value);
        let mut cluster = coin;
        for (other, p) in &acct.positions {
            if other == pair {
                continue;
            }
            let correlated = market
                .correlation(pair, other, t, n)
                .is_none_or(|r| r >= self.risk.cluster_corr);
            if correlated {
                cluster += p.value();
            }
        }
        Exposure { coin, cluster }
    }

    #[allow(clippy::too_many_arguments)]
    fn entries(
        &self,
        acct: &mut Account,
        t: i64,
        candidates: &[Candidate],
        market: &Market,
        exited: &BTreeSet<String>,
        venue: &mut dyn Venue,
        step: &mut Step,
    ) {
        for c in candidates {
            let client_id = entry_id(c);
            let mut order = OrderRecord {
                client_id: client_id.clone(),
                t,
                pair: c.pair.clone(),
                horizon_h: c.horizon_h,
                side: "buy".into(),
                purpose: "entry".into(),
                requested_qty: 0.0,
                filled_qty: 0.0,
                price: 0.0,
                fill_mid: 0.0,
                fee: 0.0,
                source: Source::Candles,
                status: "refused".into(),
                note: String::new(),
            };
            let held = acct.positions.contains_key(&c.pair) || exited.contains(&c.pair);
            let refuse = |mut order: OrderRecord, note: String| {
                order.note = note;
                order
            };
            if c.t != t {
                step.orders.push(refuse(
                    order,
                    format!("candidate of {} is not for this hour", c.t),
                ));
                continue;
            }
            if held {
                step.orders.push(refuse(
                    order,
                    "one position per coin: already held or exited this hour".into(),
                ));
                continue;
            }
            let q = match market.quote(&c.pair, t, &self.quote) {
                Ok(q) => q,
                Err(e) => {
                    step.orders.push(refuse(order, format!("no quote: {e}")));
                    continue;
                }
            };
            let equity = acct.equity();
            let frac = sizing::kelly_lite(
                c,
                self.portfolio.kelly_fraction,
                self.portfolio.uncertainty_scale,
                self.risk.max_position_frac,
            );
            let exposure = self.exposure(acct, &c.pair, t, market);
            let (room, binding) = risk::room(acct, exposure, self.risk);
            let fee = self.fees.rate(&c.pair);
            // Leave room for the fee and the worst price the fill may walk to.
            let headroom = 1.0 + fee + q.half_spread + self.portfolio.max_slippage_bps / 1e4;
            let wanted = frac * equity;
            let notional = wanted.min(room / headroom);
            if !(notional >= self.portfolio.min_order_usd) {
                let why = if frac <= 0.0 {
                    "no edge after costs: the Kelly stake is zero".to_string()
                } else if wanted > room / headroom {
                    format!("the {binding} limit leaves {room:.2}")
                } else {
                    format!(
                        "stake {notional:.2} is below the minimum order {:.2}",
                        self.portfolio.min_order_usd
                    )
                };
                step.orders.push(refuse(order, why));
                continue;
            }
            let qty = notional / q.mid;
            order.requested_qty = qty;
            let entry = Entry {
                client_id: &client_id,
                pair: &c.pair,
                t,
                qty,
                price: q.mid,
            };
            if let Err(r) = risk::check_entry(acct, &entry, exposure, self.risk) {
                if matches!(r, Refusal::Duplicate(_)) {
                    order.status = "duplicate".into();
                }
                step.orders.push(refuse(order, r.to_string()));
                continue;
            }
            // The stop a venue that holds stops places with the entry, before the fill
            // price is known.
            let planned = sizing::exits(c, q.mid);
            let spec = OrderSpec {
                client_id: &client_id,
                pair: &c.pair,
                qty,
                fee_rate: fee,
            };
            let fill = match venue.buy(&spec, &q, planned.stop_loss) {
                Ok(fill) => fill,
                Err(e) => {
                    order.status = "failed".into();
                    order.note = e.to_string();
                    step.orders.push(order);
                    continue;
                }
            };
            acct.order_ids.insert(client_id.clone(), t);
            acct.order_times.push_back(t);
            order.requested_qty = fill.ordered;
            order.filled_qty = fill.qty;
            order.price = fill.price;
            order.fill_mid = fill.mid;
            order.fee = fill.fee;
            order.source = fill.source;
            if fill.qty <= 0.0 {
                order.status = "unfilled".into();
                order.note = format!(
                    "nothing within {:.0} bps of mid",
                    self.portfolio.max_slippage_bps
                );
                step.orders.push(order);
                continue;
            }
            order.status = if fill.qty < fill.ordered * (1.0 - 1e-12) {
                order.note = format!("partial: {:.1}% filled", fill.qty / fill.ordered * 100.0);
                "partial".into()
            } else {
                "filled".into()
            };
            acct.cash -= fill.qty * fill.price + fill.fee;
            let decision_mid = market.bar_closing_at(&c.pair, t).map_or(q.mid, |b| b.close);
            acct.positions.insert(
                c.pair.clone(),
                Position {
                    pair: c.pair.clone(),
                    horizon_h: c.horizon_h,
                    model_id: c.model_id.clone(),
                    client_id: client_id.clone(),
                    entry_t: t,
                    exit_due: t + i64::from(c.horizon_h) * HOUR,
                    qty: fill.qty,
                    entry_price: fill.price,
                    entry_decision_mid: decision_mid,
                    entry_fill_mid: fill.mid,
                    entry_fee: fill.fee,
                    ref_qty: self.risk.max_position_frac * equity / decision_mid,
                    exits: if venue.simulated() {
                        sizing::exits(c, fill.price)
                    } else {
                        sizing::Exits {
                            stop_loss: planned.stop_loss,
                            ..sizing::exits(c, fill.price)
                        }
                    },
                    p_up: c.p_up,
                    checked_until: t,
                    mark: decision_mid,
                },
            );
            step.orders.push(order);
        }
    }
}

/// The client order id of an entry: the same candidate always gets the same id, so a
/// repeated submission is recognised.
pub fn entry_id(c: &Candidate) -> String {
    format!("cst-{}-{}-{}h", c.t, c.pair, c.horizon_h)
}

fn exit_id(p: &Position, purpose: &str) -> String {
    format!("{}-{purpose}", p.client_id)
}

/// An exit the venue did not fill (or could not be asked about): the position stays.
fn failed(pos: &Position, purpose: &str, t: i64, status: &str, note: String) -> OrderRecord {
    OrderRecord {
        client_id: exit_id(pos, purpose),
        t,
        pair: pos.pair.clone(),
        horizon_h: pos.horizon_h,
        side: "sell".into(),
        purpose: purpose.into(),
        requested_qty: pos.qty,
        filled_qty: 0.0,
        price: 0.0,
        fill_mid: 0.0,
        fee: 0.0,
        source: Source::Candles,
        status: status.into(),
        note,
    }
}
