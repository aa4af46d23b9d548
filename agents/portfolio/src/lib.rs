//! The portfolio agent: the paper account, stepped once per decision hour on
//! `candidates.updated` with that hour's candidates from the store, exactly as
//! `cst backtest` steps it. The hour's orders, closed trades and equity are recorded in one
//! transaction with the account, which is read back at start: a restart (or a kill -9)
//! continues after the last recorded hour and never repeats an order. Events are hints, the
//! store is the truth: every gated hour after the last stepped one is stepped, in order, so
//! hours announced while the agent was down are not lost. `cst risk resume` requests (in the
//! store) lift the kill switch at the next hour.
//!
//! In live mode (`portfolio.mode = "live"`, keys, and GO for every entry) the same step
//! sends its orders to Kraken through [`LiveVenue`], on a blocking thread. The live books
//! are their own: a home whose store holds paper books will not continue them as live ones,
//! nor the reverse.

use std::collections::BTreeSet;
use std::time::Instant;

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_config::{Config, TradeMode};
use cst_protocol::bus::{Counter, Event, Topic};
use cst_store::Store;
use cst_trade::{
    Account, Engine, Fees, HOUR, Market,
    books::{BooksError, LiveHour, connect_live, load_account, to_record},
    engine::quote_spec,
    gate::{Candidate, go_verdict},
    live::LiveVenue,
};

#[derive(Debug, Default)]
pub struct PortfolioAgent {
    state: Option<State>,
    /// The health agent's latest status and when it came: live entries need GO.
    health: Option<(String, Instant)>,
    pending: BTreeSet<i64>,
    hours: u64,
    orders: u64,
    fills: u64,
    refused: u64,
    closed: u64,
    errors: u64,
}

#[derive(Debug)]
struct State {
    store: Store,
    config: Config,
    account: Account,
    /// Live mode's venue; taken out while a step runs on its blocking thread.
    live: Option<LiveVenue>,
}

impl PortfolioAgent {
    async fn step(&mut self, t: i64) -> Result<(), String> {
        let Some(s) = self.state.as_mut() else {
            return Ok(());
        };
        let e = |e: cst_store::StoreError| e.to_string();
        // Lift the kill switch for every resume request not applied yet.
        let requested = s.store.resume_requests().map_err(e)?;
        while s.account.resumes_applied < requested {
            if let Some(why) = s.account.resume() {
                tracing::warn!("trading resumed by `cst risk resume` (was halted: {why})");
            }
        }
        let candidates: Vec<Candidate> = s
            .store
            .gated_at(t, true)
            .map_err(e)?
            .iter()
            .map(|r| serde_json::from_str(&r.record))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("unreadable candidate of hour {t}: {e}"))?;
        let c = &s.config;
        let fees = Fees::for_deployment(&s.store, c).map_err(e)?;
        let quote = quote_spec(&c.portfolio, c.whale.book_max_age_s);
        let engine = Engine {
            risk: &c.risk,
            portfolio: &c.portfolio,
            quote,
            fees: &fees,
        };
        let mut pairs: Vec<String> = candidates.iter().map(|c| c.pair.clone()).collect();
        pairs.extend(s.account.positions.keys().cloned());
        pairs.sort();
        pairs.dedup();
        let oldest_check = s
            .account
            .positions
            .values()
            .map(|p| p.checked_until)
            .min()
            .unwrap_or(t);
        let from = (t - engine.lookback_h() * HOUR).min(oldest_check - engine.lookback_h() * HOUR);
        let market = Market::load(&s.store, &c.collector.exchange, &pairs, from, t, true)
            .map_err(|e| e.to_string())?;
        let mut account = s.account.clone();
        let step = match s.live.take() {
            None => engine.step(&mut account, t, &candidates, &market),
            Some(mut venue) => {
                venue.set_no_go(go_verdict(self.health.as_ref(), c).err());
                let hour = LiveHour {
                    config: c.clone(),
                    fees,
                    t,
                    candidates,
                    market,
                };
                let step;
                (step, account, venue) =
                    hour.step(account, venue).await.map_err(|e| e.to_string())?;
                s.live = Some(venue);
                step
            }
        };
        if !step.stepped {
            return Ok(());
        }
        let record = to_record(&step, &account).map_err(|e| e.to_string())?;
        s.store.record_portfolio_hour(&record).map_err(e)?;
        // Only what is recorded is real: the account moves on after the commit.
        s.account = account;
        self.hours += 1;
        for o in &step.orders {
            self.orders += 1;
            match o.status.as_str() {
                "filled" | "partial" => {
                    self.fills += 1;
                    tracing::info!(
                        pair = o.pair,
                        purpose = o.purpose,
                        qty = o.filled_qty,
                        price = o.price,
                        "{} {} {}",
                        if s.account.live { "live" } else { "paper" },
                        o.side,
                        o.status
                    );
                }
                _ => {
                    self.refused += 1;
                    tracing::info!(
                        pair = o.pair,
                        status = o.status,
                        "order not filled: {}",
                        o.note
                    );
                }
            }
        }
        self.closed += step.closed.len() as u64;
        if let Some(why) = &step.halted_now {
            tracing::error!(
                "kill switch: {why}; every position flattened, trading halted until `cst risk resume`"
            );
        }
        Ok(())
    }
}

impl Agent for PortfolioAgent {
    fn subscribes(&self) -> Vec<Topic> {
        vec![Topic::CandidatesUpdated, Topic::HealthStatus]
    }

    fn publishes(&self) -> Vec<Topic> {
        vec![Topic::RiskHalted]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), StartError> {
        let store = Store::open(&env.home.db_path())?;
        // Paper books under a live mode (or the reverse), unreadable books or a secret that
        // is not base64: no retry helps (exit 78). An exchange that cannot be read: retried.
        let books = |e: BooksError| {
            if e.is_config() {
                StartError::config(e)
            } else {
                StartError::failed(e)
            }
        };
        let account = load_account(&store, config).map_err(books)?;
        let live = match config.portfolio.mode {
            TradeMode::Paper => None,
            TradeMode::Live => Some(connect_live(config, &account).await.map_err(books)?),
        };
        tracing::info!(
            equity = account.equity(),
            positions = account.positions.len(),
            halted = account.halted.is_some(),
            last_hour = account.last_t,
            live = account.live,
            "account loaded"
        );
        self.state = Some(State {
            store,
            config: config.clone(),
            account,
            live,
        });
        Ok(())
    }

    async fn on_event(&mut self, event: Event, _bus: &Publisher) {
        match event.topic {
            Topic::CandidatesUpdated => {
                self.pending.insert(event.version as i64);
            }
            Topic::HealthStatus => self.health = Some((event.key, Instant::now())),
            _ => {}
        }
    }

    async fn tick(&mut self, bus: &Publisher) {
        // Every gated hour after the last stepped one, not just the announced ones.
        if let Some(s) = &self.state {
            let after = s.account.last_t.unwrap_or(i64::MIN);
            match s.store.gated_hours_after(after) {
                Ok(hours) => self.pending.extend(hours),
                Err(e) => {
                    self.errors += 1;
                    tracing::error!(error = %e, "cannot read the gated hours");
                }
            }
        }
        for t in std::mem::take(&mut self.pending) {
            if let Err(e) = self.step(t).await {
                self.errors += 1;
                tracing::error!(t, error = %e, "portfolio hour failed");
            }
        }
        if let Some(s) = &self.state
            && s.account.halted.is_some()
        {
            let _ = bus.publish(
                Topic::RiskHalted,
                "drawdown",
                s.account.last_t.unwrap_or(0).max(0) as u64,
            );
        }
    }

    async fn run_now(&mut self, _bus: &Publisher) -> String {
        let Some(s) = &self.state else {
            return "not started".into();
        };
        let a = &s.account;
        format!(
            "{} account: equity {:.2}, cash {:.2}, {} positions, drawdown {:.2}%{}",
            if a.live { "LIVE" } else { "paper" },
            a.equity(),
            a.cash,
            a.positions.len(),
            a.drawdown() * 100.0,
            a.halted
                .as_ref()
                .map(|w| format!("; HALTED ({w}): `cst risk resume`"))
                .unwrap_or_default()
        )
    }

    fn reload(&mut self, config: &Config) -> String {
        if let Some(s) = self.state.as_mut() {
            s.config = config.clone();
        }
        "configuration reloaded (the limits apply from the next hour)".into()
    }

    fn counters(&self) -> Vec<Counter> {
        let (equity, halted) = self.state.as_ref().map_or((0, 0), |s| {
            (
                s.account.equity().max(0.0).round() as u64,
                u64::from(s.account.halted.is_some()),
            )
        });
        cst_agent::counters(&[
            ("hours_stepped", self.hours),
            ("orders", self.orders),
            ("fills", self.fills),
            ("orders_not_filled", self.refused),
            ("trades_closed", self.closed),
            ("equity_usd", equity),
            ("halted", halted),
            ("errors", self.errors),
        ])
    }
}
