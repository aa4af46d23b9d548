//! A well-behaved agent with a domain of its own, for the end-to-end tests of the bus's
//! publish/subscribe: `pubsub_agent publish TOPIC` announces a new version of artifact `k`
//! every 100 ms; `pubsub_agent subscribe TOPIC` prints every event it receives.

#![allow(clippy::print_stdout)]

use std::time::Duration;

use cst_agent::{Agent, AgentEnv, Publisher};
use cst_protocol::bus::Event;

struct Subscriber(String);

impl Agent for Subscriber {
    fn topics(&self) -> Vec<String> {
        vec![self.0.clone()]
    }

    async fn on_event(&mut self, e: Event, _bus: &Publisher) {
        println!(
            "event topic={} key={} version={} source={}",
            e.topic, e.key, e.version, e.source
        );
    }
}

struct Publishing(String);

impl Agent for Publishing {
    async fn start(
        &mut self,
        _env: &AgentEnv,
        _config: &cst_config::Config,
        bus: &Publisher,
    ) -> Result<(), String> {
        let (bus, topic) = (bus.clone(), self.0.clone());
        tokio::spawn(async move {
            for version in 1.. {
                if bus.publish(&topic, "k", version).is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        Ok(())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(role), Some(topic)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: pubsub_agent publish|subscribe TOPIC");
    };
    let env = AgentEnv {
        name: std::env::var("CST_AGENT")?,
        home: cst_config::Home::new(std::env::var("CST_HOME")?),
        config_path: None,
    };
    match role.as_str() {
        "publish" => cst_agent::run(env, Publishing(topic.clone())).await?,
        "subscribe" => cst_agent::run(env, Subscriber(topic.clone())).await?,
        other => anyhow::bail!("unknown role {other:?}"),
    }
    Ok(())
}
