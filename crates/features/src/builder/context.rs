//! The deployment's build context from its configuration and store.

use cst_config::Config;
use cst_market::PairName;
use cst_sentiment::CoinMapper;
use cst_store::Store;

use crate::{BuildContext, FeatureError, FeatureSet};

impl BuildContext {
    /// The FeatureSet of `[features]` and the coins of [`coin_mapper`].
    pub fn for_deployment(
        config: &Config,
        exchange: &str,
        store: &Store,
    ) -> Result<BuildContext, FeatureError> {
        let set = FeatureSet::from_config(&config.features)?;
        Ok(BuildContext::new(
            set,
            exchange,
            &config.sentiment,
            &config.whale,
            coin_mapper(store, exchange)?,
            config.features.min_peers,
        ))
    }
}

impl BuildContext {
    /// A candle-only deployment's context: the technical group alone, required, with
    /// `config`'s group settings and no coin map (no news to match). What recorded candle
    /// files support, e.g. the training benchmarks and tests over `binance-2024`.
    pub fn candles_only(config: &Config, exchange: &str) -> Result<BuildContext, FeatureError> {
        let set = FeatureSet::new(vec![crate::GroupSpec {
            group: crate::Group::Technical,
            required: true,
        }])?;
        Ok(BuildContext::new(
            set,
            exchange,
            &config.sentiment,
            &config.whale,
            CoinMapper::new(&[]),
            config.features.min_peers,
        ))
    }
}

/// Coins known from the exchange's listed pairs and every stored candle series of it (so
/// imported pairs map to news too).
pub fn coin_mapper(store: &Store, exchange: &str) -> Result<CoinMapper, FeatureError> {
    let mut pairs: Vec<(String, String)> = store
        .active_pairs(exchange)?
        .into_iter()
        .map(|p| (p.base, p.quote))
        .collect();
    for key in store.candle_keys()? {
        if key.exchange == exchange
            && let Some(p) = PairName::parse(&key.pair)
        {
            pairs.push((p.base, p.quote));
        }
    }
    pairs.sort();
    pairs.dedup();
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(b, q)| (b.as_str(), q.as_str()))
        .collect();
    Ok(CoinMapper::new(&refs))
}
