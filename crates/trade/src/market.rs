//! The market around a decision time t, from the store's candles and depth snapshots: the
//! price, spread, hourly volatility, volumes and correlations the gate, the limits and the
//! paper fills read. Everything here looks only at candles closed by t and books taken by
//! t + latency, so the service (which loads the last few days each hour) and the backtester
//! (which loads everything once) compute the same numbers.

use std::collections::BTreeMap;

use cst_market::{Candle, Timeframe};
use cst_store::{CandleKey, DepthSnapshot, Store};

use crate::{HOUR, TradeError};

/// Candles and books per pair, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Market {
    candles: BTreeMap<String, Vec<Candle>>,
    /// Per candle, the log return from the candle before it (NaN after a gap or first).
    returns: BTreeMap<String, Vec<f64>>,
    books: BTreeMap<String, Vec<DepthSnapshot>>,
}

/// Where a quote's spread came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A recorded order book.
    Book,
    /// The candles: Abdi–Ranaldo spread, square-root impact.
    Candles,
    /// A live fill the exchange reported.
    Exchange,
}

/// What an order placed at t meets.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub t: i64,
    /// Mid price: the book's, or the close of the bar ending at t.
    pub mid: f64,
    /// Half the proportional spread (0.001 = 10 bps either side of mid).
    pub half_spread: f64,
    pub source: Source,
    /// Standard deviation of hourly log returns over the spread window.
    pub sigma_h: f64,
    /// Base volume of the bar ending at t.
    pub hour_volume: f64,
    /// Quote-currency value traded over the 24 bars ending at t.
    pub volume_24h: f64,
    /// The book met at t + latency, when one is recorded.
    pub book: Option<DepthSnapshot>,
}

impl Quote {
    pub fn spread_bps(&self) -> f64 {
        2.0 * self.half_spread * 1e4
    }

    /// Quote-currency value that can be bought within `bps` of mid: the book's asks within
    /// reach, or, without a book, the size whose modelled impact (half spread plus
    /// square-root impact) stays within `bps`.
    pub fn depth_within(&self, bps: f64, impact_coef: f64) -> f64 {
        let reach = bps / 1e4;
        match &self.book {
            Some(b) => b
                .asks
                .iter()
                .take_while(|l| l.price <= self.mid * (1.0 + reach))
                .map(|l| l.price * l.volume)
                .sum(),
            None => {
                let room = reach - self.half_spread;
                if room <= 0.0 || self.hour_volume <= 0.0 {
                    return 0.0;
                }
                if impact_coef * self.sigma_h <= 0.0 {
                    return self.hour_volume * self.mid;
                }
                let q = self.hour_volume * (room / (impact_coef * self.sigma_h)).powi(2);
                q.min(self.hour_volume) * self.mid
            }
        }
    }
}

/// How a quote is taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteSpec {
    /// Bars the spread and volatility estimates read.
    pub window_h: u32,
    /// Decision to fill, in seconds.
    pub latency_s: f64,
    /// A book older than this at t + latency is not used.
    pub book_max_age_s: i64,
}

/// Why nothing can be quoted for a pair at a decision time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoQuote {
    #[error("no candle closing at {0}")]
    NoCandle(i64),
    #[error("fewer than 3 candles in the {0} h window")]
    ShortWindow(u32),
}

impl Market {
    pub fn new() -> Market {
        Market::default()
    }

    /// Adds candles of `pair` (any order; kept sorted by open time, duplicates dropped).
    pub fn add_candles(&mut self, pair: &str, candles: Vec<Candle>) {
        let v = self.candles.entry(pair.to_string()).or_default();
        v.extend(candles);
        v.sort_by_key(|c| c.open_time);
        v.dedup_by_key(|c| c.open_time);
        let mut r = Vec::with_capacity(v.len());
        r.push(f64::NAN);
        r.extend(v.windows(2).map(|w| {
            if w[1].open_time - w[0].open_time == HOUR {
                (w[1].close / w[0].close).ln()
            } else {
                f64::NAN
            }
        }));
        r.truncate(v.len());
        self.returns.insert(pair.to_string(), r);
    }

    pub fn add_books(&mut self, pair: &str, books: Vec<DepthSnapshot>) {
        let v = self.books.entry(pair.to_string()).or_default();
        v.extend(books);
        v.sort_by_key(|b| b.at);
    }

    /// The hourly candles of `pairs` with open times in `[from, to)`, and their books when
    /// `books` is set.
    pub fn load(
        store: &Store,
        exchange: &str,
        pairs: &[String],
        from: i64,
        to: i64,
        books: bool,
    ) -> Result<Market, TradeError> {
        let mut m = Market::new();
        for pair in pairs {
            let key = CandleKey::new(exchange, pair, Timeframe::H1);
            m.add_candles(pair, store.candles_between(&key, from, to)?);
            if books {
                let snaps = store.depth_between(exchange, pair, from, to + HOUR)?;
                if !snaps.is_empty() {
                    m.add_books(pair, snaps);
                }
            }
        }
        Ok(m)
    }

    pub fn pairs(&self) -> impl Iterator<Item = &str> {
        self.candles.keys().map(String::as_str)
    }

    /// The candles of `pair` closed by `t`, the newest `n` of them, oldest first.
    pub fn closed(&self, pair: &str, t: i64, n: usize) -> &[Candle] {
        match self.candles.get(pair) {
            Some(v) => &v[closed_range(v, t, n)],
            None => &[],
        }
    }

    /// The bar that closes at `t`, if it is stored (a gap stays a gap).
    pub fn bar_closing_at(&self, pair: &str, t: i64) -> Option<&Candle> {
        self.closed(pair, t, 1)
            .last()
            .filter(|c| c.open_time + HOUR == t)
    }

    /// Every stored bar of `pair` opening in `[from, to)`, oldest first.
    pub fn bars(&self, pair: &str, from: i64, to: i64) -> &[Candle] {
        let Some(v) = self.candles.get(pair) else {
            return &[];
        };
        let a = v.partition_point(|c| c.open_time < from);
        let b = v.partition_point(|c| c.open_time < to);
        &v[a..b]
    }

    /// The newest book of `pair` taken at or before `at` and at most `max_age_s` old.
    pub fn book(&self, pair: &str, at: i64, max_age_s: i64) -> Option<&DepthSnapshot> {
        let v = self.books.get(pair)?;
        let i = v.partition_point(|b| b.at <= at);
        v[..i]
            .last()
            .filter(|b| at - b.at <= max_age_s && !b.bids.is_empty() && !b.asks.is_empty())
    }

    /// What an order on `pair` decided at `t` meets, or why nothing can be quoted.
    pub fn quote(&self, pair: &str, t: i64, spec: &QuoteSpec) -> Result<Quote, NoQuote> {
        let bar = self.bar_closing_at(pair, t).ok_or(NoQuote::NoCandle(t))?;
        let window = self.closed(pair, t, spec.window_h as usize + 1);
        let sigma_h = sigma(window).ok_or(NoQuote::ShortWindow(spec.window_h))?;
        let day = self.closed(pair, t, 24);
        let volume_24h = day
            .iter()
            .filter(|c| c.open_time >= t - 24 * HOUR)
            .map(|c| c.close * c.volume)
            .sum();
        let fill_at = t + spec.latency_s.ceil() as i64;
        let (mid, half_spread, source, book) = match self.book(pair, fill_at, spec.book_max_age_s) {
            Some(b) => {
                let (bid, ask) = (b.bids[0].price, b.asks[0].price);
                let mid = (bid + ask) / 2.0;
                (
                    mid,
                    ((ask - bid) / mid / 2.0).max(0.0),
                    Source::Book,
                    Some(b.clone()),
                )
            }
            None => (
                bar.close,
                abdi_ranaldo(window).ok_or(NoQuote::ShortWindow(spec.window_h))? / 2.0,
                Source::Candles,
                None,
            ),
        };
        Ok(Quote {
            t,
            mid,
            half_spread,
            source,
            sigma_h,
            hour_volume: bar.volume,
            volume_24h,
            book,
        })
    }

    /// Pearson correlation of the hourly returns of `a` and `b` over the `n` hours before
    /// `t`, on the hours both have; `None` with fewer than half the window in common.
    pub fn correlation(&self, a: &str, b: &str, t: i64, n: usize) -> Option<f64> {
        // The returns of the bars closed by t, keyed by the bar's open time; both series are
        // sorted, so they are joined in one pass.
        let window = |pair: &str| -> Option<(&[Candle], &[f64])> {
            let v = self.candles.get(pair)?;
            let r = self.returns.get(pair)?;
            let range = closed_range(v, t, n);
            Some((&v[range.clone()], &r[range]))
        };
        let ((ca, ra), (cb, rb)) = (window(a)?, window(b)?);
        let mut pairs = Vec::with_capacity(n);
        let (mut i, mut j) = (0, 0);
        while i < ca.len() && j < cb.len() {
            match ca[i].open_time.cmp(&cb[j].open_time) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    if !ra[i].is_nan() && !rb[j].is_nan() {
                        pairs.push((ra[i], rb[j]));
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        if pairs.len() < n / 2 || pairs.len() < 3 {
            return None;
        }
        let len = pairs.len() as f64;
        let (mx, my) = pairs
            .iter()
            .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x, sy + y));
        let (mx, my) = (mx / len, my / len);
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for (x, y) in &pairs {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
        }
        (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
    }
}

/// Indexes of the newest `n` candles closed by `t` in `v` (sorted by open time).
fn closed_range(v: &[Candle], t: i64, n: usize) -> std::ops::Range<usize> {
    let end = v.partition_point(|c| c.open_time + HOUR <= t);
    end.saturating_sub(n)..end
}

/// Sample standard deviation of consecutive hourly log returns in `bars`.
fn sigma(bars: &[Candle]) -> Option<f64> {
    let r: Vec<f64> = bars
        .windows(2)
        .filter(|w| w[1].open_time - w[0].open_time == HOUR)
        .map(|w| (w[1].close / w[0].close).ln())
        .collect();
    if r.len() < 2 {
        return None;
    }
    let m = r.iter().sum::<f64>() / r.len() as f64;
    let v = r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (r.len() - 1) as f64;
    Some(v.sqrt())
}

/// The Abdi–Ranaldo (2017) proportional spread from closes, highs and lows. Each pair of
/// consecutive bars gives S² = 4(c_t − η_t)(c_t − η_{t+1}), with c the log close and η the
/// log mid-range; as the paper does for its two-day estimates, a negative S² (noise) counts
/// as a zero spread, and the estimate is the mean of the bars' S over the window.
pub fn abdi_ranaldo(bars: &[Candle]) -> Option<f64> {
    let eta = |c: &Candle| (c.high.ln() + c.low.ln()) / 2.0;
    let spreads: Vec<f64> = bars
        .windows(2)
        .filter(|w| w[1].open_time - w[0].open_time == HOUR)
        .map(|w| {
            let c = w[0].close.ln();
            (4.0 * (c - eta(&w[0])) * (c - eta(&w[1]))).max(0.0).sqrt()
        })
        .collect();
    if spreads.len() < 2 {
        return None;
    }
    Some(spreads.iter().sum::<f64>() / spreads.len() as f64)
}
