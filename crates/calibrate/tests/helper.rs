//! Loaders for the real candles and the scikit-learn fixture, and a seeded generator.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

/// One hourly candle of `ohlcv-1h/binance-2024/BTC-USDT.csv` (the columns used here).
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Candle {
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

/// BTC/USDT hourly candles, 2024-01-01..2024-09-07 (5,980 rows, no gaps).
pub fn candles() -> &'static [Candle] {
    static CANDLES: OnceLock<Vec<Candle>> = OnceLock::new();
    CANDLES.get_or_init(|| {
        let path = cst_testkit::data("ohlcv-1h/binance-2024/BTC-USDT.csv");
        csv::Reader::from_path(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .deserialize()
            .collect::<Result<_, _>>()
            .unwrap()
    })
}

/// ln(close) per hour.
pub fn log_closes() -> Vec<f64> {
    candles().iter().map(|c| c.close.ln()).collect()
}

pub const H: usize = 24;
pub const WARM: usize = 720;

/// One row per hour after a 30-day warm-up, nothing looking ahead except `r_fwd`/`up`:
/// the same construction as `reference.py`, but every hour rather than every 12th.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Last-24h log return over the 24h volatility of the previous 720 hours.
    pub z: f64,
    /// 7-day log return over 7-day volatility.
    pub z7: f64,
    /// ln(last 24h volume / mean daily volume over 30 days).
    pub vol_ratio: f64,
    /// 10% and 90% quantiles of the previous 720 overlapping 24h returns.
    pub q_lo: f64,
    pub q_hi: f64,
    /// The next-24h log return and whether it was positive.
    pub r_fwd: f64,
    pub up: bool,
}

pub fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let c = candles();
        let lc = log_closes();
        let r1: Vec<f64> = (0..lc.len())
            .map(|t| if t == 0 { f64::NAN } else { lc[t] - lc[t - 1] })
            .collect();
        let r24 = |t: usize| lc[t] - lc[t - H];
        (WARM..lc.len() - H)
            .map(|t| {
                let sd24 = std(&r1[t + 1 - WARM..=t]) * (H as f64).sqrt();
                let mut past: Vec<f64> = (t + H - WARM..=t).map(r24).collect();
                past.sort_by(f64::total_cmp);
                let day: f64 = c[t + 1 - H..=t].iter().map(|k| k.volume).sum();
                let month: f64 = c[t + 1 - WARM..=t].iter().map(|k| k.volume).sum();
                let r_fwd = lc[t + H] - lc[t];
                Row {
                    z: r24(t) / sd24,
                    z7: (lc[t] - lc[t - 168]) / (sd24 * 7f64.sqrt()),
                    vol_ratio: (day / (month / 30.0)).ln(),
                    q_lo: quantile(&past, 0.1),
                    q_hi: quantile(&past, 0.9),
                    r_fwd,
                    up: r_fwd > 0.0,
                }
            })
            .collect()
    })
}

fn std(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Linear-interpolated quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

/// One row of `fixtures/rows.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct FixtureRow {
    pub x: f64,
    pub y: u8,
    pub r_fwd: f64,
    pub q_lo: f64,
    pub q_mid: f64,
    pub q_hi: f64,
    pub f1: f64,
    pub f2: f64,
    pub f3: f64,
    /// scikit-learn's isotonic fit of y on x, at x.
    pub iso: f64,
    pub x_tied: f64,
    pub w: f64,
    /// scikit-learn's logistic P(up) on (f1, f2, f3).
    pub stack_p: f64,
}

pub fn fixture_rows() -> &'static [FixtureRow] {
    static ROWS: OnceLock<Vec<FixtureRow>> = OnceLock::new();
    ROWS.get_or_init(|| {
        csv::Reader::from_path(cst_testkit::fixture("rows.csv"))
            .unwrap()
            .deserialize()
            .collect::<Result<_, _>>()
            .unwrap()
    })
}

pub fn reference() -> &'static Value {
    static REF: OnceLock<Value> = OnceLock::new();
    REF.get_or_init(|| {
        let text = std::fs::read_to_string(cst_testkit::fixture("reference.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    })
}

pub fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

pub fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(num).collect()
}

pub fn col<T>(f: impl Fn(&FixtureRow) -> T) -> Vec<T> {
    fixture_rows().iter().map(f).collect()
}

#[track_caller]
pub fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (diff {:e}, tol {tol:e})",
        (got - want).abs()
    );
}

/// Marsaglia's xorshift64*: a fixed-seed uniform stream, so simulated labels never change.
#[derive(Debug)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(seed.max(1))
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}
