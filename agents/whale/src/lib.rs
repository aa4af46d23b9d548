//! The whale agent: when an hour closes for a pair (`candles.updated`), builds that hour's
//! whale and book groups with the same builder training uses, logs the whale trades it
//! found, and counts them; it announces nothing on the bus (the row builder reads the stored
//! trades and books when the ml agent serves the hour). A deployment
//! whose FeatureSet leaves both groups out runs this agent idle, and its counters say so.

use std::collections::BTreeMap;

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_config::Config;
use cst_protocol::bus::{Counter, Event, Topic};
use cst_store::Store;

use cst_features::{BuildContext, Built, FeatureBuilder, FeatureSet, Group, GroupSpec, HOUR};

#[derive(Debug, Default)]
pub struct WhaleAgent {
    store: Option<Store>,
    ctx: Option<BuildContext>,
    last: BTreeMap<String, i64>,
    built: u64,
    missing: u64,
    whale_trades: u64,
    errors: u64,
}

/// The deployment's whale and book groups, as required as they are there.
fn own_set(set: &FeatureSet) -> Option<FeatureSet> {
    let groups: Vec<GroupSpec> = set
        .groups()
        .iter()
        .filter(|g| matches!(g.group, Group::Whale | Group::Book))
        .cloned()
        .collect();
    FeatureSet::new(groups).ok()
}

impl Agent for WhaleAgent {
    fn subscribes(&self) -> Vec<Topic> {
        vec![Topic::CandlesUpdated]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), StartError> {
        let store = Store::open(&env.home.db_path())?;
        let exchange = config.collector.exchange.clone();
        let mut ctx = BuildContext::for_deployment(config, &exchange, &store)?;
        match own_set(&ctx.set) {
            Some(set) => {
                ctx.set = set;
                self.ctx = Some(ctx);
            }
            None => tracing::info!(
                "this deployment's FeatureSet leaves out the whale and book groups: idle"
            ),
        }
        self.store = Some(store);
        Ok(())
    }

    async fn on_event(&mut self, event: Event, _bus: &Publisher) {
        let (Some(store), Some(ctx)) = (&self.store, &self.ctx) else {
            return;
        };
        // The newest stored candle opened at `version`: its hour closed at version + 1 h.
        let t = event.version as i64 + HOUR;
        if self.last.get(&event.key).is_some_and(|&last| last >= t) {
            return;
        }
        match FeatureBuilder::new(store, ctx).row(&event.key, t) {
            // Optional groups without data still yield a row (NaN there): when none of this
            // agent's groups has data, the hour is missing all the same and nothing is published.
            Ok(Built::Row(row)) if row.absent.len() == ctx.set.groups().len() => {
                self.missing += 1;
                for m in &row.absent {
                    tracing::debug!(pair = event.key, t, group = %m.group, reason = m.reason, "no whale data");
                }
            }
            Ok(Built::Row(row)) => {
                self.built += 1;
                let whales = ctx
                    .set
                    .names()
                    .iter()
                    .position(|n| *n == "whale_count_1h")
                    .map_or(0.0, |i| row.values[i]);
                if whales > 0.0 {
                    self.whale_trades += whales as u64;
                    tracing::info!(pair = event.key, t, whales, "whale trades in the hour");
                }
            }
            Ok(Built::NoRow { missing, .. }) => {
                self.missing += 1;
                for m in missing {
                    tracing::debug!(pair = event.key, t, group = %m.group, reason = m.reason, "no whale row");
                }
            }
            Err(e) => {
                self.errors += 1;
                tracing::error!(pair = event.key, t, error = %e, "cannot build whale features");
            }
        }
        self.last.insert(event.key, t);
    }

    fn counters(&self) -> Vec<Counter> {
        cst_agent::counters(&[
            (
                "groups_enabled",
                self.ctx.as_ref().map_or(0, |c| c.set.groups().len() as u64),
            ),
            ("hours_built", self.built),
            ("hours_missing", self.missing),
            ("whale_trades", self.whale_trades),
            ("errors", self.errors),
        ])
    }
}
