//! What a domain agent plugs into the runtime.

use cst_protocol::bus::{Counter, Event, Topic};

use crate::{AgentEnv, Publisher, StartError};

/// A domain agent. The runtime owns the loop and calls these hooks; each returns quickly
/// or hands long work to its own task, so heartbeats never stall.
pub trait Agent {
    /// Topics to receive; events on them arrive through [`Agent::on_event`].
    fn subscribes(&self) -> Vec<Topic> {
        Vec::new()
    }

    /// Topics this agent announces; [`Publisher::publish`] refuses any other. With
    /// [`Agent::subscribes`] this is the agent's place on the bus, which the README's table
    /// states and the topology test checks (every subscribed topic has a publisher, every
    /// published one a subscriber or an external reader).
    fn publishes(&self) -> Vec<Topic> {
        Vec::new()
    }

    /// Called once after the handshake, before Ready is sent, with where the agent runs and
    /// its validated configuration. Catch up from the store here: events that went by while
    /// the agent was down are not replayed.
    fn start(
        &mut self,
        _env: &AgentEnv,
        _config: &cst_config::Config,
        _bus: &Publisher,
    ) -> impl Future<Output = Result<(), StartError>> {
        async { Ok(()) }
    }

    fn on_event(&mut self, _event: Event, _bus: &Publisher) -> impl Future<Output = ()> {
        async {}
    }

    /// Called after every heartbeat (`[supervisor] heartbeat_interval_ms`): for work that
    /// gathers the events of one burst and handles them together, as the ml agent predicts
    /// one hour of every pair in one batch.
    fn tick(&mut self, _bus: &Publisher) -> impl Future<Output = ()> {
        async {}
    }

    /// `cst run-now AGENT`: do the periodic work now. Returns what was done.
    fn run_now(&mut self, _bus: &Publisher) -> impl Future<Output = String> {
        async { "this agent has no periodic work".to_string() }
    }

    /// The configuration file changed (`cst reload`); the new config is already validated.
    fn reload(&mut self, _config: &cst_config::Config) -> String {
        "configuration reloaded".to_string()
    }

    /// Domain counters, sent with every heartbeat beside the runtime's own.
    fn counters(&self) -> Vec<Counter> {
        Vec::new()
    }
}

/// An agent with no domain work: it runs the runtime only, and says so when asked to run.
/// Named values as the heartbeat's counters.
pub fn counters(pairs: &[(&str, u64)]) -> Vec<Counter> {
    pairs
        .iter()
        .map(|(name, value)| Counter {
            name: name.to_string(),
            value: *value,
        })
        .collect()
}

#[derive(Debug, Default)]
pub struct Idle;

impl Agent for Idle {}
