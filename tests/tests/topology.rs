//! The bus's topology, from the agents' own declarations (`Agent::subscribes` and
//! `Agent::publishes`; the runtime sends exactly those subscriptions and refuses any other
//! publication): every subscribed topic has a publisher, every published one a reader, and
//! the README's table says what the code does.

use std::collections::BTreeSet;

use cst_agent::Agent;
use cst_protocol::{AGENTS, Topic};

/// (agent, subscribes, publishes) for the eight agents, in start order.
fn declared() -> Vec<(&'static str, Vec<Topic>, Vec<Topic>)> {
    fn of(a: impl Agent) -> (Vec<Topic>, Vec<Topic>) {
        (a.subscribes(), a.publishes())
    }
    let table = [
        of(cst_agent_collector::CollectorAgent::default()),
        of(cst_agent_technical::TechnicalAgent::default()),
        of(cst_agent_sentiment::SentimentAgent::default()),
        of(cst_agent_whale::WhaleAgent::default()),
        of(cst_agent_ml::MlAgent::default()),
        of(cst_agent_risk::RiskAgent::default()),
        of(cst_agent_portfolio::PortfolioAgent::default()),
        of(cst_agent_health::HealthAgent::default()),
    ];
    AGENTS
        .into_iter()
        .zip(table)
        .map(|(name, (sub, publ))| (name, sub, publ))
        .collect()
}

#[test]
fn every_subscribed_topic_has_a_publisher_and_every_published_one_a_reader() {
    let agents = declared();
    let published: BTreeSet<Topic> = agents.iter().flat_map(|a| a.2.clone()).collect();
    for (name, subscribes, _) in &agents {
        for t in subscribes {
            assert!(
                published.contains(t),
                "{name} subscribes to {t}, which no agent publishes"
            );
        }
    }
    for (name, _, publishes) in &agents {
        for t in publishes {
            let read = agents
                .iter()
                .any(|(other, sub, _)| other != name && sub.contains(t));
            assert!(
                read || Topic::EXTERNAL.contains(t),
                "{name} publishes {t}, which no other agent subscribes to and is not external"
            );
        }
    }
    // No topic is declared for nobody: each has exactly one publishing agent.
    for t in Topic::ALL {
        let publishers: Vec<&str> = agents
            .iter()
            .filter(|a| a.2.contains(&t))
            .map(|a| a.0)
            .collect();
        assert_eq!(publishers.len(), 1, "{t} is published by {publishers:?}");
    }
}

/// The backticked names in one cell of the README's table.
fn names(cell: &str) -> BTreeSet<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readme_table_says_what_each_agent_publishes_and_subscribes_to() {
    let readme =
        std::fs::read_to_string(cst_testkit::data::manifest_dir().join("../README.md")).unwrap();
    let section = readme
        .split("### Agents on the bus")
        .nth(1)
        .expect("README has a section '### Agents on the bus'");
    for (name, subscribes, publishes) in declared() {
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("README's table has no row for {name}"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        // | agent | reads | writes | publishes | subscribes to |
        let names_of = |v: &[Topic]| -> BTreeSet<String> {
            v.iter().map(|t| t.as_str().to_string()).collect()
        };
        assert_eq!(names(cells[4]), names_of(&publishes), "{name}'s publishes");
        assert_eq!(
            names(cells[5]),
            names_of(&subscribes),
            "{name}'s subscriptions"
        );
    }
}
