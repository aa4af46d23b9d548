//! A well-behaved agent with a domain of its own, for the end-to-end tests of the bus's
//! publish/subscribe: `pubsub_agent publish TOPIC` announces a new version of artifact `k`
//! every 100 ms; `pubsub_agent subscribe TOPIC` prints every event it receives. TOPIC is a
//! topic's name (`predictions`, …); an unknown one is refused before connecting.

#![allow(clippy::print_stdout)]

use std::time::Duration;

use cst_agent::{Agent, AgentEnv, Publisher, StartError};
use cst_protocol::bus::{Event, Topic};

struct Subscriber(Topic);

impl Agent for Subscriber {
    fn subscribes(&self) -> Vec<Topic> {
        vec![self.0]
    }

    async fn on_event(&mut self, e: Event, _bus: &Publisher) {
        println!(
            "event topic={} key={} version={} source={}",
            e.topic, e.key, e.version, e.source
        );
    }
}

struct Publishing(Topic);

impl Agent for Publishing {
    fn publishes(&self) -> Vec<Topic> {
        vec![self.0]
    }

    async fn start(
        &mut self,
        _env: &AgentEnv,
        _config: &cst_config::Config,
        bus: &Publisher,
    ) -> Result<(), StartError> {
        let (bus, topic) = (bus.clone(), self.0);
        tokio::spawn(async move {
            for version in 1.. {
                if bus.publish(topic, "k", version).is_err() {
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
    let topic =
        Topic::from_name(topic).ok_or_else(|| anyhow::anyhow!("unknown topic {topic:?}"))?;
    let env = AgentEnv {
        name: std::env::var("CST_AGENT")?,
        home: cst_config::Home::new(std::env::var("CST_HOME")?),
        config_path: None,
    };
    match role.as_str() {
        "publish" => cst_agent::run(env, Publishing(topic)).await?,
        "subscribe" => cst_agent::run(env, Subscriber(topic)).await?,
        other => anyhow::bail!("unknown role {other:?}"),
    }
    Ok(())
}
