//! One pair's technical state, advanced one closed candle at a time.

use cst_market::{Candle, Timeframe};

use super::{
    features::TechRow,
    rolling::RollingStats,
    row::{Readings, row},
};
use crate::{
    average::{Ema, Sma},
    error::StepError,
    indicator::{CloseVolume, Hlc, Indicator},
    momentum::{Macd, Roc, Rsi, Stoch},
    ring::Ring,
    trend::Adx,
    volatility::{Atr, Bollinger},
    volume::Obv,
};

/// Contiguous candles needed before the first row: `ret_7d` and `rv_7d` reach 168 hours
/// back, so the 169th candle of a gap-free run is the first with every feature defined
/// (every indicator's own lookback is shorter; EMA 50's is 49).
pub const WARMUP_CANDLES: usize = 169;

/// Candle length the engine expects; any other step between open times is a gap.
const STEP_SECONDS: i64 = Timeframe::H1.seconds();

/// What the engine did, for the agent's metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineCounters {
    /// Candles accepted (including warm-up ones).
    pub candles: u64,
    /// Rows produced.
    pub rows: u64,
    /// Times a missing hour forced a full reset and a new warm-up.
    pub gap_resets: u64,
    /// Candles refused for arriving out of order (repeats included).
    pub out_of_order: u64,
    /// Candles refused for breaking the market rules.
    pub invalid: u64,
}

/// The technical state of one pair. Feed it every closed 1-hour candle in order with
/// [`step`](Self::step); it answers with a [`TechRow`] once warm.
///
/// A missing hour is a gap: bridging it would feed the indicators a fake 1-hour move, so
/// the engine resets everything and warms up again. `Clone` is a plain copy (no heap), which
/// is how backtests fork state.
#[derive(Debug, Clone)]
pub struct TechnicalEngine {
    last_open_time: Option<i64>,
    /// Candles in the current gap-free run, saturating at the warm-up.
    run: usize,
    ema10: Ema<10>,
    ema50: Ema<50>,
    sma20: Sma<20>,
    rsi14: Rsi<14>,
    macd: Macd<12, 26, 9>,
    bb: Bollinger<20>,
    atr14: Atr<14>,
    adx14: Adx<14>,
    obv: Obv,
    stoch: Stoch<14, 3, 3>,
    roc10: Roc<10>,
    /// The 168 closes before the current candle.
    closes: Ring<168>,
    /// The 24 OBV values before the current candle.
    obvs: Ring<24>,
    sq_returns_24h: RollingStats<24>,
    sq_returns_7d: RollingStats<168>,
    volumes_24h: RollingStats<24>,
    volumes_7d: RollingStats<168>,
    counters: EngineCounters,
}

impl Default for TechnicalEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl TechnicalEngine {
    pub fn new() -> Self {
        TechnicalEngine {
            last_open_time: None,
            run: 0,
            ema10: Ema::new(),
            ema50: Ema::new(),
            sma20: Sma::new(),
            rsi14: Rsi::new(),
            macd: Macd::new(),
            bb: Bollinger::new(2.0),
            atr14: Atr::new(),
            adx14: Adx::new(),
            obv: Obv::new(),
            stoch: Stoch::new(),
            roc10: Roc::new(),
            closes: Ring::new(),
            obvs: Ring::new(),
            sq_returns_24h: RollingStats::new(),
            sq_returns_7d: RollingStats::new(),
            volumes_24h: RollingStats::new(),
            volumes_7d: RollingStats::new(),
            counters: EngineCounters::default(),
        }
    }

    pub fn counters(&self) -> EngineCounters {
        self.counters
    }

    /// Open time of the last accepted candle.
    pub fn last_open_time(&self) -> Option<i64> {
        self.last_open_time
    }

    /// True once the next in-sequence candle will produce a row.
    pub fn is_warm(&self) -> bool {
        self.run >= WARMUP_CANDLES - 1
    }

    /// Feeds the next closed candle. Returns the row for time `candle.open_time + 3600`
    /// (the candle's close: the row uses only candles closed by then), or `None` while
    /// warming up. A refused candle leaves the indicator state untouched.
    pub fn step(&mut self, candle: &Candle) -> Result<Option<TechRow>, StepError> {
        if let Some(previous) = self.last_open_time
            && candle.open_time <= previous
        {
            self.counters.out_of_order += 1;
            return Err(StepError::OutOfOrder {
                previous,
                got: candle.open_time,
            });
        }
        if let Err(reason) = candle.check(Timeframe::H1) {
            self.counters.invalid += 1;
            return Err(StepError::InvalidCandle {
                open_time: candle.open_time,
                reason,
            });
        }
        if let Some(previous) = self.last_open_time
            && candle.open_time != previous + STEP_SECONDS
        {
            self.reset_indicators();
            self.counters.gap_resets += 1;
        }
        self.last_open_time = Some(candle.open_time);
        self.counters.candles += 1;
        let row = self.advance(candle);
        if row.is_some() {
            self.counters.rows += 1;
        }
        Ok(row)
    }

    /// Forgets all market state (not the counters or the last open time).
    fn reset_indicators(&mut self) {
        let counters = self.counters;
        let last = self.last_open_time;
        *self = Self::new();
        self.counters = counters;
        self.last_open_time = last;
    }

    #[inline]
    fn advance(&mut self, c: &Candle) -> Option<TechRow> {
        let close = c.close;
        let hlc = Hlc::from(c);
        let ema10 = self.ema10.update(close);
        let ema50 = self.ema50.update(close);
        let sma20 = self.sma20.update(close);
        let rsi14 = self.rsi14.update(close);
        let macd = self.macd.update(close);
        let bb = self.bb.update(close);
        let atr14 = self.atr14.update(hlc);
        let adx14 = self.adx14.update(hlc);
        let obv = self.obv.update(CloseVolume::from(c));
        let stoch = self.stoch.update(hlc);
        let roc10 = self.roc10.update(close);

        if !self.closes.is_empty() {
            let r = (close / self.closes.ago(0)).ln();
            self.sq_returns_24h.push(r * r);
            self.sq_returns_7d.push(r * r);
        }
        self.volumes_24h.push(c.volume);
        self.volumes_7d.push(c.volume);

        let out = if self.run + 1 >= WARMUP_CANDLES {
            match (
                ema10, ema50, sma20, rsi14, macd, bb, atr14, adx14, obv, stoch, roc10,
            ) {
                (
                    Some(ema10),
                    Some(ema50),
                    Some(sma20),
                    Some(rsi14),
                    Some(macd),
                    Some(bb),
                    Some(atr14),
                    Some(adx14),
                    Some(obv),
                    Some(stoch),
                    Some(roc10),
                ) => Some(row(&Readings {
                    high: c.high,
                    low: c.low,
                    close,
                    volume: c.volume,
                    close_1h: self.closes.ago(0),
                    close_4h: self.closes.ago(3),
                    close_24h: self.closes.ago(23),
                    close_7d: self.closes.ago(167),
                    ema10,
                    ema50,
                    sma20,
                    rsi14,
                    macd,
                    bb,
                    atr14,
                    adx14,
                    obv,
                    obv_24h: self.obvs.ago(23),
                    stoch_k: stoch.k,
                    stoch_d: stoch.d,
                    roc10,
                    sq_returns_24h: self.sq_returns_24h.sum(),
                    sq_returns_7d: self.sq_returns_7d.sum(),
                    volume_sum_24h: self.volumes_24h.sum(),
                    volume_mean_7d: self.volumes_7d.mean(),
                    volume_var_7d: self.volumes_7d.variance(),
                })),
                // Unreachable after 169 candles (every lookback is shorter); kept total so
                // a future longer indicator delays rows instead of panicking.
                _ => None,
            }
        } else {
            None
        };
        self.closes.push(close);
        if let Some(obv) = obv {
            self.obvs.push(obv);
        }
        if self.run < WARMUP_CANDLES {
            self.run += 1;
        }
        out
    }
}
