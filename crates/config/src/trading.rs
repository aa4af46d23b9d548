//! The `[risk]` and `[portfolio]` sections: the gate's bar, the hard risk limits, sizing,
//! paper execution and the (off by default) live mode. Documented key by key in
//! `config/default.toml`.

use std::time::Duration;

use serde::Deserialize;

/// The confidence gate's floor: a configuration may raise `risk.min_p_up`, never lower it.
pub const MIN_P_UP_FLOOR: f64 = 0.80;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRisk {
    pub min_p_up: f64,
    pub max_spread_bps: f64,
    pub depth_bps: f64,
    pub min_depth_usd: f64,
    pub min_volume_24h_usd: f64,
    pub max_position_frac: f64,
    pub max_cluster_frac: f64,
    pub cluster_corr: f64,
    pub corr_window_h: u32,
    pub max_gross_frac: f64,
    pub daily_loss_frac: f64,
    pub max_drawdown_frac: f64,
    pub max_orders_per_hour: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPortfolio {
    pub mode: String,
    pub starting_cash_usd: f64,
    pub kelly_fraction: f64,
    pub uncertainty_scale: f64,
    pub min_order_usd: f64,
    pub latency_ms: u64,
    pub max_participation: f64,
    pub impact_coef: f64,
    pub max_slippage_bps: f64,
    pub taker_fee_bps: f64,
    pub spread_window_h: u32,
    pub live: RawLive,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLive {
    pub base_url: String,
    pub api_key: String,
    pub api_secret: String,
    pub request_timeout_ms: u64,
}

/// Hard limits, as fractions of equity unless named otherwise.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RiskConfig {
    /// Calibrated P(up) a prediction needs to become a candidate; never below 0.80.
    pub min_p_up: f64,
    /// Liquidity gate: widest spread, the depth within `depth_bps` of mid that must be
    /// there, and the smallest 24 h traded value.
    pub max_spread_bps: f64,
    pub depth_bps: f64,
    pub min_depth_usd: f64,
    pub min_volume_24h_usd: f64,
    /// Largest position in one coin.
    pub max_position_frac: f64,
    /// Largest exposure to one coin and every held coin whose hourly returns correlate with
    /// it at `cluster_corr` or more over `corr_window_h` hours.
    pub max_cluster_frac: f64,
    pub cluster_corr: f64,
    pub corr_window_h: u32,
    /// Largest sum of all positions.
    pub max_gross_frac: f64,
    /// A loss of this much of the day's opening equity stops new entries for the UTC day.
    pub daily_loss_frac: f64,
    /// A fall of this much from the equity high flattens everything and halts until
    /// `cst risk resume`.
    pub max_drawdown_frac: f64,
    /// Orders (entries and exits) in any hour of service time.
    pub max_orders_per_hour: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TradeMode {
    /// Simulated fills against recorded books or candles: the default.
    Paper,
    /// Orders to Kraken's private API: needs keys and a GO service.
    Live,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PortfolioConfig {
    pub mode: TradeMode,
    pub starting_cash_usd: f64,
    /// Fraction of the Kelly stake taken (0.25: "quarter Kelly").
    pub kelly_fraction: f64,
    /// Interval width (log return) at which uncertainty halves the stake.
    pub uncertainty_scale: f64,
    /// Orders smaller than this are not sent.
    pub min_order_usd: f64,
    /// Decision to fill.
    pub latency: Duration,
    /// Largest share of the last hour's traded volume one order may take (candle model).
    pub max_participation: f64,
    /// Square-root impact coefficient: impact = coef × hourly σ × √(qty / hour volume).
    pub impact_coef: f64,
    /// An entry walks the book at most this far from mid; the rest is not filled.
    pub max_slippage_bps: f64,
    /// Taker fee for a pair with no fee schedule from the exchange (imported history).
    pub taker_fee_bps: f64,
    /// Bars the candle spread estimate averages over.
    pub spread_window_h: u32,
    pub live: LiveConfig,
}

/// Kraken's private API. The key and secret are secrets: never shown by `Debug`.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LiveConfig {
    pub base_url: String,
    pub api_key: String,
    pub api_secret: String,
    pub request_timeout: Duration,
}

impl LiveConfig {
    pub fn has_keys(&self) -> bool {
        !self.api_key.is_empty() && !self.api_secret.is_empty()
    }
}

impl std::fmt::Debug for LiveConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |s: &str| if s.is_empty() { "empty" } else { "hidden" };
        f.debug_struct("LiveConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &hidden(&self.api_key))
            .field("api_secret", &hidden(&self.api_secret))
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

fn frac(check: &mut impl FnMut(bool, String), key: &str, v: f64) {
    check(
        v.is_finite() && v > 0.0 && v <= 1.0,
        format!("{key} must be in (0, 1], got {v}"),
    );
}

fn positive(check: &mut impl FnMut(bool, String), key: &str, v: f64) {
    check(
        v.is_finite() && v >= 0.0,
        format!("{key} must be a finite number >= 0, got {v}"),
    );
}

pub fn risk(r: &RawRisk, check: &mut impl FnMut(bool, String)) -> RiskConfig {
    check(
        r.min_p_up.is_finite() && (MIN_P_UP_FLOOR..1.0).contains(&r.min_p_up),
        format!(
            "risk.min_p_up must be at least {MIN_P_UP_FLOOR} (the gate can be raised, never lowered) and below 1, got {}",
            r.min_p_up
        ),
    );
    for (key, v) in [
        ("risk.max_spread_bps", r.max_spread_bps),
        ("risk.depth_bps", r.depth_bps),
        ("risk.min_depth_usd", r.min_depth_usd),
        ("risk.min_volume_24h_usd", r.min_volume_24h_usd),
    ] {
        positive(check, key, v);
    }
    for (key, v) in [
        ("risk.max_position_frac", r.max_position_frac),
        ("risk.max_cluster_frac", r.max_cluster_frac),
        ("risk.cluster_corr", r.cluster_corr),
        ("risk.max_gross_frac", r.max_gross_frac),
        ("risk.daily_loss_frac", r.daily_loss_frac),
        ("risk.max_drawdown_frac", r.max_drawdown_frac),
    ] {
        frac(check, key, v);
    }
    check(
        r.max_position_frac <= r.max_cluster_frac && r.max_cluster_frac <= r.max_gross_frac,
        format!(
            "risk: need max_position_frac ({}) <= max_cluster_frac ({}) <= max_gross_frac ({})",
            r.max_position_frac, r.max_cluster_frac, r.max_gross_frac
        ),
    );
    check(
        r.corr_window_h >= 24,
        format!(
            "risk.corr_window_h must be at least 24, got {}",
            r.corr_window_h
        ),
    );
    check(
        r.max_orders_per_hour >= 1,
        "risk.max_orders_per_hour must be at least 1".into(),
    );
    RiskConfig {
        min_p_up: r.min_p_up,
        max_spread_bps: r.max_spread_bps,
        depth_bps: r.depth_bps,
        min_depth_usd: r.min_depth_usd,
        min_volume_24h_usd: r.min_volume_24h_usd,
        max_position_frac: r.max_position_frac,
        max_cluster_frac: r.max_cluster_frac,
        cluster_corr: r.cluster_corr,
        corr_window_h: r.corr_window_h,
        max_gross_frac: r.max_gross_frac,
        daily_loss_frac: r.daily_loss_frac,
        max_drawdown_frac: r.max_drawdown_frac,
        max_orders_per_hour: r.max_orders_per_hour,
    }
}

pub fn portfolio(r: &RawPortfolio, check: &mut impl FnMut(bool, String)) -> PortfolioConfig {
    let mode = match r.mode.trim() {
        "paper" => TradeMode::Paper,
        "live" => TradeMode::Live,
        other => {
            check(
                false,
                format!("portfolio.mode {other:?} is not \"paper\" or \"live\""),
            );
            TradeMode::Paper
        }
    };
    check(
        (100..=600_000).contains(&r.live.request_timeout_ms),
        format!(
            "portfolio.live.request_timeout_ms must be 100 to 600000 (10 minutes), got {}",
            r.live.request_timeout_ms
        ),
    );
    let live = LiveConfig {
        base_url: r.live.base_url.trim().trim_end_matches('/').to_string(),
        api_key: r.live.api_key.trim().to_string(),
        api_secret: r.live.api_secret.trim().to_string(),
        request_timeout: Duration::from_millis(r.live.request_timeout_ms),
    };
    // Errors name the keys, never their values.
    check(
        mode == TradeMode::Paper || live.has_keys(),
        "portfolio.mode \"live\" needs portfolio.live.api_key and portfolio.live.api_secret \
         (prefer CST_PORTFOLIO__LIVE__API_KEY / _API_SECRET to writing them in a file)"
            .into(),
    );
    check(
        live.base_url.starts_with("http://") || live.base_url.starts_with("https://"),
        "portfolio.live.base_url must start with http:// or https://".into(),
    );
    check(
        r.starting_cash_usd.is_finite() && r.starting_cash_usd > 0.0,
        format!(
            "portfolio.starting_cash_usd must be positive, got {}",
            r.starting_cash_usd
        ),
    );
    frac(check, "portfolio.kelly_fraction", r.kelly_fraction);
    frac(check, "portfolio.max_participation", r.max_participation);
    for (key, v) in [
        ("portfolio.uncertainty_scale", r.uncertainty_scale),
        ("portfolio.min_order_usd", r.min_order_usd),
        ("portfolio.impact_coef", r.impact_coef),
        ("portfolio.max_slippage_bps", r.max_slippage_bps),
        ("portfolio.taker_fee_bps", r.taker_fee_bps),
    ] {
        positive(check, key, v);
    }
    check(
        r.uncertainty_scale > 0.0,
        "portfolio.uncertainty_scale must be positive".into(),
    );
    check(
        r.spread_window_h >= 2,
        "portfolio.spread_window_h must be at least 2".into(),
    );
    PortfolioConfig {
        mode,
        starting_cash_usd: r.starting_cash_usd,
        kelly_fraction: r.kelly_fraction,
        uncertainty_scale: r.uncertainty_scale,
        min_order_usd: r.min_order_usd,
        latency: Duration::from_millis(r.latency_ms),
        max_participation: r.max_participation,
        impact_coef: r.impact_coef,
        max_slippage_bps: r.max_slippage_bps,
        taker_fee_bps: r.taker_fee_bps,
        spread_window_h: r.spread_window_h,
        live,
    }
}
