//! The hard limits an entry must pass, each refusal with its reason. Exits are never
//! refused: they only reduce risk.

use cst_config::RiskConfig;

use crate::{HOUR, account::Account};

/// Why an entry was not sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The client order id was used before: the submission is a no-op.
    Duplicate(String),
    /// The drawdown kill switch is on.
    Halted(String),
    /// The daily loss limit stopped entries for the rest of the UTC day.
    DailyLoss(String),
    RateLimit {
        orders: usize,
        limit: u32,
    },
    /// NaN, infinite, zero or negative quantity or price.
    BadSize(String),
    /// Over a cap: which one, the notional, and the cap.
    OverCap {
        limit: &'static str,
        notional: f64,
        cap: f64,
    },
    /// More than the cash there is (the account never borrows).
    Cash {
        notional: f64,
        cash: f64,
    },
}

impl Refusal {
    /// A short, stable name for counting.
    pub fn kind(&self) -> &'static str {
        match self {
            Refusal::Duplicate(_) => "duplicate",
            Refusal::Halted(_) => "halted",
            Refusal::DailyLoss(_) => "daily_loss",
            Refusal::RateLimit { .. } => "rate_limit",
            Refusal::BadSize(_) => "bad_size",
            Refusal::OverCap { limit, .. } => limit,
            Refusal::Cash { .. } => "cash",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Duplicate(id) => write!(f, "client order id {id} was already used: no-op"),
            Refusal::Halted(why) => write!(f, "trading is halted ({why}): `cst risk resume`"),
            Refusal::DailyLoss(why) => write!(f, "no new entries today: {why}"),
            Refusal::RateLimit { orders, limit } => {
                write!(f, "{orders} orders in the last hour: the limit is {limit}")
            }
            Refusal::BadSize(why) => write!(f, "bad size: {why}"),
            Refusal::OverCap {
                limit,
                notional,
                cap,
            } => write!(f, "{limit}: {notional:.2} would exceed the cap {cap:.2}"),
            Refusal::Cash { notional, cash } => {
                write!(f, "{notional:.2} is more than the cash {cash:.2}")
            }
        }
    }
}

/// An entry about to be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    pub client_id: &'a str,
    pub pair: &'a str,
    pub t: i64,
    pub qty: f64,
    pub price: f64,
}

/// Exposure already held in `pair` and in the held coins correlated with it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Exposure {
    pub coin: f64,
    pub cluster: f64,
}

/// How much more (quote currency) may go into `pair`, and the limit that binds.
pub fn room(acct: &Account, exposure: Exposure, cfg: &RiskConfig) -> (f64, &'static str) {
    let equity = acct.equity();
    [
        (cfg.max_position_frac * equity - exposure.coin, "per_coin"),
        (cfg.max_cluster_frac * equity - exposure.cluster, "cluster"),
        (cfg.max_gross_frac * equity - acct.gross(), "gross"),
        (acct.cash, "cash"),
    ]
    .into_iter()
    .min_by(|a, b| a.0.total_cmp(&b.0))
    .map(|(r, which)| (r.max(0.0), which))
    .unwrap_or((0.0, "cash"))
}

/// Checks an entry against every limit, in the order a reader would ask: is it a repeat,
/// may we trade at all, is the size sane, does it fit.
pub fn check_entry(
    acct: &Account,
    e: &Entry<'_>,
    exposure: Exposure,
    cfg: &RiskConfig,
) -> Result<(), Refusal> {
    if acct.order_ids.contains_key(e.client_id) {
        return Err(Refusal::Duplicate(e.client_id.to_string()));
    }
    if let Some(why) = &acct.halted {
        return Err(Refusal::Halted(why.clone()));
    }
    if let Some(why) = &acct.day_stopped {
        return Err(Refusal::DailyLoss(why.clone()));
    }
    let recent = acct
        .order_times
        .iter()
        .filter(|&&at| at > e.t - HOUR)
        .count();
    if recent >= cfg.max_orders_per_hour as usize {
        return Err(Refusal::RateLimit {
            orders: recent,
            limit: cfg.max_orders_per_hour,
        });
    }
    if !(e.qty.is_finite() && e.qty > 0.0) {
        return Err(Refusal::BadSize(format!(
            "quantity {} is not a positive number",
            e.qty
        )));
    }
    if !(e.price.is_finite() && e.price > 0.0) {
        return Err(Refusal::BadSize(format!(
            "price {} is not a positive number",
            e.price
        )));
    }
    let notional = e.qty * e.price;
    let equity = acct.equity();
    for (limit, held, frac) in [
        ("per_coin", exposure.coin, cfg.max_position_frac),
        ("cluster", exposure.cluster, cfg.max_cluster_frac),
        ("gross", acct.gross(), cfg.max_gross_frac),
    ] {
        let cap = frac * equity;
        // A hair of tolerance for the rounding of qty × price.
        if !(held + notional <= cap * (1.0 + 1e-9)) {
            return Err(Refusal::OverCap {
                limit,
                notional: held + notional,
                cap,
            });
        }
    }
    if !(notional <= acct.cash * (1.0 + 1e-9)) {
        return Err(Refusal::Cash {
            notional,
            cash: acct.cash,
        });
    }
    Ok(())
}
