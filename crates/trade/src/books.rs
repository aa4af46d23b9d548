//! The books in the store and on the exchange, for the portfolio agent and `cst risk` /
//! `cst portfolio`: the recorded account (paper or live, never mixed), a stepped hour as
//! the store records it, the live venue's connection, and a live hour stepped on a blocking
//! thread.

use std::{collections::BTreeMap, sync::Arc};

use cst_config::{Config, TradeMode};
use cst_exchange::{Credentials, Exchange, KrakenClient, KrakenConfig, PrivateClient, RetryPolicy};
use cst_store::{PortfolioHour, Store};

use crate::{
    Account, Engine, Fees, Market, Step,
    engine::quote_spec,
    gate::Candidate,
    live::{LiveVenue, PairSpec},
};

/// Why the books could not be loaded or the live venue not connected. Each says what to do;
/// [`BooksError::is_config`] tells a configuration that cannot work (no retry helps) from a
/// failure that may pass.
#[derive(Debug, thiserror::Error)]
pub enum BooksError {
    #[error(transparent)]
    Store(#[from] cst_store::StoreError),
    #[error("the recorded account is unreadable: {0}")]
    Unreadable(serde_json::Error),
    /// Paper books under a live mode, or the reverse.
    #[error("{0}")]
    Mismatch(String),
    /// The live configuration itself (a secret that is not base64 …).
    #[error("{0}")]
    Config(String),
    /// The exchange could not be reached or read.
    #[error("{0}")]
    Exchange(String),
    /// The exchange holds less cash than the books.
    #[error("{0}")]
    Unfunded(String),
    /// A live hour's step did not finish (its thread panicked or was cancelled).
    #[error("the live step did not finish: {0}")]
    Step(String),
}

impl BooksError {
    /// True when only a change of configuration or home can help.
    pub fn is_config(&self) -> bool {
        matches!(
            self,
            BooksError::Unreadable(_) | BooksError::Mismatch(_) | BooksError::Config(_)
        )
    }
}

/// The recorded account, or a fresh one with the configured cash. Paper and live books do
/// not mix: continuing one kind in the other mode is refused with what to do.
pub fn load_account(store: &Store, config: &Config) -> Result<Account, BooksError> {
    let live = config.portfolio.mode == TradeMode::Live;
    let account: Account = match store.portfolio_state()? {
        Some((_, json)) => serde_json::from_str(&json).map_err(BooksError::Unreadable)?,
        None => {
            let mut a = Account::new(config.portfolio.starting_cash_usd);
            a.live = live;
            return Ok(a);
        }
    };
    let kind = |l: bool| if l { "live" } else { "paper" };
    if account.live != live {
        return Err(BooksError::Mismatch(format!(
            "this home's store holds {} books (equity {:.2}, {} positions) but portfolio.mode is \
             \"{}\": paper and live books never mix; use another --home for {} trading",
            kind(account.live),
            account.equity(),
            account.positions.len(),
            kind(live),
            kind(live)
        )));
    }
    Ok(account)
}

/// Connects to Kraken's private API for live mode: the pairs' order rules from AssetPairs,
/// and a balance check (the quote currencies on the exchange must cover the books' cash).
pub async fn connect_live(config: &Config, account: &Account) -> Result<LiveVenue, BooksError> {
    let live = &config.portfolio.live;
    let credentials = Credentials::new(live.api_key.clone(), &live.api_secret)
        .map_err(|e| BooksError::Config(format!("portfolio.live.api_secret: {e}")))?;
    let client = PrivateClient::new(
        &live.base_url,
        credentials,
        live.request_timeout,
        RetryPolicy::default(),
    )
    .map_err(|e| BooksError::Config(e.to_string()))?;
    let public = KrakenClient::new(KrakenConfig {
        timeout: live.request_timeout,
        ..KrakenConfig::new(live.base_url.clone())
    })
    .map_err(|e| BooksError::Config(e.to_string()))?;
    let quotes: Vec<&str> = config.collector.quotes.iter().map(String::as_str).collect();
    let listed = public
        .asset_pairs(&quotes)
        .await
        .map_err(|e| BooksError::Exchange(format!("cannot read the exchange's pairs: {e}")))?;
    let pairs: BTreeMap<String, PairSpec> = listed
        .pairs
        .iter()
        .map(|p| (p.wsname.clone(), PairSpec::from(p)))
        .collect();
    let balance = client
        .balance()
        .await
        .map_err(|e| BooksError::Exchange(format!("cannot read the exchange balance: {e}")))?;
    let cash: f64 = quotes
        .iter()
        .filter_map(|q| balance.get(*q).or_else(|| balance.get(&format!("Z{q}"))))
        .sum();
    if cash + 1e-6 < account.cash {
        return Err(BooksError::Unfunded(format!(
            "the exchange holds {cash:.2} in {} but the live books need {:.2} of cash: fund the \
             account or lower portfolio.starting_cash_usd (before the first live hour)",
            quotes.join("/"),
            account.cash
        )));
    }
    tracing::warn!(
        base_url = live.base_url,
        pairs = pairs.len(),
        exchange_cash = cash,
        "LIVE trading: orders go to the exchange; entries only while the service is GO"
    );
    Ok(LiveVenue::new(
        Arc::new(client),
        tokio::runtime::Handle::current(),
        pairs,
    ))
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

/// One live hour's inputs, owned: the step runs on a blocking thread, because the venue
/// blocks on the agent's runtime for every exchange call (which that runtime's own thread,
/// awaiting the step, keeps driving).
#[derive(Debug)]
pub struct LiveHour {
    pub config: Config,
    pub fees: Fees,
    pub t: i64,
    pub candidates: Vec<Candidate>,
    pub market: Market,
}

impl LiveHour {
    pub async fn step(
        self,
        mut account: Account,
        mut venue: LiveVenue,
    ) -> Result<(Step, Account, LiveVenue), BooksError> {
        tokio::task::spawn_blocking(move || {
            let c = &self.config;
            let engine = Engine {
                risk: &c.risk,
                portfolio: &c.portfolio,
                quote: quote_spec(&c.portfolio, c.whale.book_max_age_s),
                fees: &self.fees,
            };
            let step = engine.step_on(
                &mut account,
                self.t,
                &self.candidates,
                &self.market,
                &mut venue,
            );
            (step, account, venue)
        })
        .await
        .map_err(|e| BooksError::Step(e.to_string()))
    }
}
