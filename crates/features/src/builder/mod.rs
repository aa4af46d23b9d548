//! The one function from stored data to feature rows. Training, live inference, backtests
//! and `cst features` all call [`FeatureBuilder::rows`] (or [`FeatureBuilder::row`], the
//! same with one time), unchanged.
//!
//! Everything a row at t reads is from before t: candles closed by t, news published
//! before t, trades before t, books taken before t. Each group is read over a window that
//! ends at t, so deleting every record after t changes nothing (the property test in
//! `tests/look_ahead.rs`).

mod book;
pub mod context;
mod cross;
mod live;
mod sentiment;
mod technical;
mod whale;

use std::cell::RefCell;

use cst_config::{SentimentConfig, WhaleConfig};
use cst_market::PairName;
use cst_sentiment::CoinMapper;
use cst_store::{CandleKey, Store};

pub use live::LiveBuilder;

use crate::{Built, FeatureError, FeatureRow, FeatureSet, Group, HOUR, Missing};

/// What the builder needs besides the store: the deployment's FeatureSet and the settings
/// of the groups' sources.
#[derive(Debug, Clone)]
pub struct BuildContext {
    pub set: FeatureSet,
    /// Whose candles, trades and books to read (`[collector] exchange`).
    pub exchange: String,
    pub sentiment_half_life_h: f64,
    pub whale: WhaleConfig,
    pub coins: CoinMapper,
    /// The fewest pairs an hour's universe needs for the cross-sectional group.
    pub min_peers: usize,
}

impl BuildContext {
    pub fn new(
        set: FeatureSet,
        exchange: &str,
        sentiment: &SentimentConfig,
        whale: &WhaleConfig,
        coins: CoinMapper,
        min_peers: usize,
    ) -> BuildContext {
        BuildContext {
            set,
            exchange: exchange.to_string(),
            sentiment_half_life_h: sentiment.half_life_h,
            whale: whale.clone(),
            coins,
            min_peers,
        }
    }
}

#[derive(Debug)]
pub struct FeatureBuilder<'a> {
    store: &'a Store,
    ctx: &'a BuildContext,
    /// The cross-section of every pair over the last range asked (from which it holds
    /// values), kept for the next pair asked over it: the universe at t is one computation
    /// for all pairs.
    cross: RefCell<Option<(i64, cross::Cross)>>,
}

impl<'a> FeatureBuilder<'a> {
    pub fn new(store: &'a Store, ctx: &'a BuildContext) -> Self {
        FeatureBuilder {
            store,
            ctx,
            cross: RefCell::new(None),
        }
    }

    /// Loads the cross-section of `[from, to]` unless the one held covers it.
    fn load_cross(&self, from: i64, to: i64) -> Result<(), FeatureError> {
        let mut held = self.cross.borrow_mut();
        if !held
            .as_ref()
            .is_some_and(|(f, c)| *f <= from && c.covers(to))
        {
            let c =
                cross::Cross::load(self.store, &self.ctx.exchange, from, to, self.ctx.min_peers)?;
            *held = Some((from, c));
        }
        Ok(())
    }

    pub fn row(&self, pair: &str, t: i64) -> Result<Built, FeatureError> {
        let mut rows = self.rows(pair, t, t)?;
        Ok(rows.remove(0))
    }

    /// One answer per hour boundary t in `[from, to]`, oldest first.
    pub fn rows(&self, pair: &str, from: i64, to: i64) -> Result<Vec<Built>, FeatureError> {
        for t in [from, to] {
            if t % HOUR != 0 {
                return Err(FeatureError::NotOnBoundary(t));
            }
        }
        let name = PairName::parse(pair).ok_or_else(|| FeatureError::BadPair(pair.to_string()))?;
        let key = CandleKey::new(
            &self.ctx.exchange,
            &name.to_string(),
            cst_market::Timeframe::H1,
        );
        let tech = self
            .ctx
            .set
            .has(Group::Technical)
            .then(|| technical::TechnicalSeries::load(self.store, &key, from, to))
            .transpose()?;
        if self.ctx.set.has(Group::Cross) {
            self.load_cross(from, to)?;
        }
        let pair = name.to_string();
        self.assemble(
            &name,
            from,
            to,
            &|t| {
                tech.as_ref()
                    .map_or(Err(String::new()), |s| s.at(t).map(|r| r.to_vec()))
            },
            &mut |t| {
                self.cross
                    .borrow_mut()
                    .as_mut()
                    .map_or(Err(String::new()), |(_, c)| c.values(&pair, t))
            },
        )
    }

    /// The rows of `[from, to]` from the technical and cross-sectional groups' values
    /// (`tech` and `cross`, which [`LiveBuilder`] keeps incrementally) and the other groups
    /// read from the store.
    pub(crate) fn assemble(
        &self,
        name: &PairName,
        from: i64,
        to: i64,
        tech: &dyn Fn(i64) -> Result<Vec<f64>, String>,
        cross: &mut dyn FnMut(i64) -> Result<Vec<f64>, String>,
    ) -> Result<Vec<Built>, FeatureError> {
        let set = &self.ctx.set;
        let whale = set
            .has(Group::Whale)
            .then(|| whale::WhaleSeries::load(self.store, self.ctx, name, from, to))
            .transpose()?;
        let mut out = Vec::new();
        let mut t = from;
        while t <= to {
            let mut values = Vec::with_capacity(set.names().len());
            let mut missing = Vec::new();
            let mut absent = Vec::new();
            for spec in set.groups() {
                let got: Result<Vec<f64>, String> = match spec.group {
                    Group::Technical => tech(t),
                    Group::Cross => cross(t),
                    Group::Sentiment => sentiment::at(self.store, self.ctx, name, t)?,
                    Group::Whale => whale.as_ref().map_or(Err(String::new()), |s| s.at(t)),
                    Group::Book => book::at(self.store, self.ctx, name, t)?,
                };
                match got {
                    Ok(v) => values.extend(v),
                    Err(reason) => {
                        let m = Missing {
                            group: spec.group,
                            reason,
                        };
                        values.extend(std::iter::repeat_n(f64::NAN, spec.group.features().len()));
                        if spec.required {
                            missing.push(m);
                        } else {
                            absent.push(m);
                        }
                    }
                }
            }
            out.push(if missing.is_empty() {
                Built::Row(FeatureRow {
                    pair: name.to_string(),
                    t,
                    version: set.version().to_string(),
                    values,
                    absent,
                })
            } else {
                Built::NoRow {
                    pair: name.to_string(),
                    t,
                    missing,
                }
            });
            t += HOUR;
        }
        Ok(out)
    }
}
