//! The portfolio agent: the paper account, stepped once per decision hour on
//! `candidates.updated` with that hour's candidates from the store, exactly as
//! `cst backtest` steps it. The hour's orders, closed trades and equity are recorded in one
//! transaction with the account, which is read back at start: a restart (or a kill -9)
//! continues after the last recorded hour and never repeats an order. Events are hints, the
//! store is the truth: every gated hour after the last stepped one is stepped, in order, so
//! hours announced while the agent was down are not lost. `cst risk resume` requests (in the
//! store) lift the kill switch at the next hour.

use std::collections::BTreeSet;

use cst_agent::{Agent, AgentEnv, Publisher};
use cst_config::{Config, TradeMode};
use cst_protocol::bus::{Counter, Event};
use cst_store::{PortfolioHour, Store};

use crate::{
    Account, Engine, HOUR, Market,
    agents::fees,
    engine::{Step, quote_spec},
    gate::Candidate,
};

#[derive(Debug, Default)]
pub struct PortfolioAgent {
    state: Option<State>,
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
}

/// The recorded account, or a fresh one with the configured cash.
pub fn load_account(store: &Store, config: &Config) -> Result<Account, String> {
    match store.portfolio_state().map_err(|e| e.to_string())? {
        Some((_, json)) => serde_json::from_str(&json)
            .map_err(|e| format!("the recorded paper account is unreadable: {e}")),
        None => Ok(Account::new(config.portfolio.starting_cash_usd)),
    }
}

/// Serialises a stepped hour for the store.
pub fn to_record(step: &Step, account: &Account) -> Result<PortfolioHour, serde_json::Error> {
    let mut h = PortfolioHour {
        t: step.t,
        state: serde_json::to_string(account)?,
        ..PortfolioHour::default()
    };
    for o in &step.orders {
        h.orders.push((
            o.client_id.clone(),
            o.pair.clone(),
            o.status.clone(),
            serde_json::to_string(o)?,
        ));
    }
    for c in &step.closed {
        h.trades.push((
            format!("{}-{}", c.client_id, c.exit_reason),
            c.exit_t,
            c.pair.clone(),
            c.pnl,
            serde_json::to_string(c)?,
        ));
    }
    if let Some(e) = &step.equity {
        h.equity = Some((e.equity, e.drawdown, e.halted, serde_json::to_string(e)?));
    }
    Ok(h)
}

impl PortfolioAgent {
    fn step(&mut self, t: i64, bus: &Publisher) -> Result<(), String> {
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
        let fees = fees(&s.store, c).map_err(e)?;
        let engine = Engine {
            risk: &c.risk,
            portfolio: &c.portfolio,
            quote: quote_spec(&c.portfolio, c.whale.book_max_age_s),
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
        let step = engine.step(&mut account, t, &candidates, &market);
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
                        "paper {} {}",
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
        let _ = bus.publish("portfolio.updated", "paper", t as u64);
        Ok(())
    }
}

impl Agent for PortfolioAgent {
    fn topics(&self) -> Vec<String> {
        vec!["candidates.updated".to_string()]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), String> {
        if config.portfolio.mode == TradeMode::Live {
            return Err(
                "portfolio.mode = \"live\": live orders are not available in this build; \
                 set portfolio.mode = \"paper\""
                    .into(),
            );
        }
        let store = Store::open(&env.home.db_path()).map_err(|e| e.to_string())?;
        let account = load_account(&store, config)?;
        tracing::info!(
            equity = account.equity(),
            positions = account.positions.len(),
            halted = account.halted.is_some(),
            last_hour = account.last_t,
            "paper account loaded"
        );
        self.state = Some(State {
            store,
            config: config.clone(),
            account,
        });
        Ok(())
    }

    async fn on_event(&mut self, event: Event, _bus: &Publisher) {
        if event.topic == "candidates.updated" {
            self.pending.insert(event.version as i64);
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
            if let Err(e) = self.step(t, bus) {
                self.errors += 1;
                tracing::error!(t, error = %e, "portfolio hour failed");
            }
        }
        if let Some(s) = &self.state
            && s.account.halted.is_some()
        {
            let _ = bus.publish(
                "risk.halted",
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
            "paper account: equity {:.2}, cash {:.2}, {} positions, drawdown {:.2}%{}",
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
