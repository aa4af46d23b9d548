//! The whale agent: when a pair-hour's feature row is stored (`features.rows`), reads its
//! whale and book groups from that row — computed once, by the technical agent, as the
//! models see them — logs the whale trades the hour had, and counts the hours with and
//! without whale data; it announces nothing on the bus. A deployment whose FeatureSet
//! leaves both groups out runs this agent idle, and its counters say so.

use std::collections::BTreeMap;

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_config::Config;
use cst_protocol::bus::{Counter, Event, Topic};
use cst_store::Store;

use cst_features::{BuildContext, Built, Group, stored};

#[derive(Debug, Default)]
pub struct WhaleAgent {
    store: Option<Store>,
    ctx: Option<BuildContext>,
    /// The columns of the deployment's whale and book groups in its rows.
    own: Vec<Group>,
    last: BTreeMap<String, i64>,
    built: u64,
    missing: u64,
    whale_trades: u64,
    errors: u64,
}

impl Agent for WhaleAgent {
    fn subscribes(&self) -> Vec<Topic> {
        vec![Topic::FeatureRows]
    }

    async fn start(
        &mut self,
        env: &AgentEnv,
        config: &Config,
        _bus: &Publisher,
    ) -> Result<(), StartError> {
        let store = Store::open(&env.home.db_path())?;
        let exchange = config.collector.exchange.clone();
        let ctx = BuildContext::for_deployment(config, &exchange, &store)?;
        self.own = ctx
            .set
            .groups()
            .iter()
            .map(|g| g.group)
            .filter(|g| matches!(g, Group::Whale | Group::Book))
            .collect();
        if self.own.is_empty() {
            tracing::info!(
                "this deployment's FeatureSet leaves out the whale and book groups: idle"
            );
        } else {
            self.ctx = Some(ctx);
        }
        self.store = Some(store);
        Ok(())
    }

    async fn on_event(&mut self, event: Event, _bus: &Publisher) {
        let (Some(store), Some(ctx)) = (&self.store, &self.ctx) else {
            return;
        };
        let t = event.version as i64;
        if self.last.get(&event.key).is_some_and(|&last| last >= t) {
            return;
        }
        match stored::read(store, ctx, &event.key, t) {
            // Optional groups without data still yield a row (NaN there): when none of this
            // agent's groups has data, the hour is missing all the same.
            Ok(Some(Built::Row(row)))
                if self
                    .own
                    .iter()
                    .all(|g| row.absent.iter().any(|m| m.group == *g)) =>
            {
                self.missing += 1;
                for m in &row.absent {
                    tracing::debug!(pair = event.key, t, group = %m.group, reason = m.reason, "no whale data");
                }
            }
            Ok(Some(Built::Row(row))) => {
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
            Ok(Some(Built::NoRow { missing, .. })) => {
                self.missing += 1;
                for m in missing {
                    tracing::debug!(pair = event.key, t, group = %m.group, reason = m.reason, "no whale row");
                }
            }
            Ok(None) => {
                self.errors += 1;
                tracing::error!(
                    pair = event.key,
                    t,
                    "announced, but no feature row is stored"
                );
            }
            Err(e) => {
                self.errors += 1;
                tracing::error!(pair = event.key, t, error = %e, "cannot read the feature row");
            }
        }
        self.last.insert(event.key, t);
    }

    fn counters(&self) -> Vec<Counter> {
        cst_agent::counters(&[
            ("groups_enabled", self.own.len() as u64),
            ("hours_built", self.built),
            ("hours_missing", self.missing),
            ("whale_trades", self.whale_trades),
            ("errors", self.errors),
        ])
    }
}
