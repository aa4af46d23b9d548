//! Crash loops, configuration errors and hung agents.

use std::time::Duration;

use cst_protocol::status::{AgentState, BreakerState};
use cst_tests::{Instance, agent, agent_bin, agents_up, is_ready};

fn command_override(agent: &str, argv: &[&str]) -> String {
    let list: Vec<String> = argv.iter().map(|a| format!("{a:?}")).collect();
    format!(
        "[agents.{agent}]\nenabled = true\ncommand = [{}]\n",
        list.join(", ")
    )
}

#[test]
fn an_agent_failing_at_start_opens_its_breaker_after_5_crashes_and_reset_closes_it() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken");
    std::fs::write(&broken, "").unwrap();
    // Fails while the marker exists, like an agent with a missing dependency; once it is
    // fixed, `cst reset` must bring it back.
    let script = format!(
        "test -e {} && exit 1; exec {}",
        broken.display(),
        agent_bin("whale")
    );
    let inst = Instance::start(&command_override("whale", &["/bin/sh", "-c", &script]));
    let open = inst.wait_for("whale breaker open", Duration::from_secs(20), |r| {
        agent(r, "whale").breaker == BreakerState::Open
    });
    let whale = agent(&open, "whale");
    assert_eq!(whale.state, AgentState::BreakerOpen);
    assert_eq!(whale.restarts, 4, "5 starts = the first + 4 restarts");
    assert!(
        whale.next_start_in_ms.is_some(),
        "a half-open probe is scheduled"
    );
    assert!(!open.ready && !agents_up(&open));
    assert!(
        open.reasons.iter().any(|r| r.contains(
            "whale: breaker open (5 crashes within 60 s; last exit: exited with code 1)"
        ) && r.contains("cst reset whale")),
        "{:?}",
        open.reasons
    );
    // Restart is refused while the breaker is open.
    let out = inst.cst(&["restart", "whale"]);
    assert!(!out.status.success());
    // Every other agent is unaffected.
    assert!(
        open.agents
            .iter()
            .filter(|a| a.name != "whale")
            .all(|a| a.state == AgentState::Ready)
    );

    std::fs::remove_file(&broken).unwrap();
    let out = inst.cst(&["reset", "whale"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("breaker of whale closed"));
    let back = inst.wait_for("whale ready after reset", Duration::from_secs(10), |r| {
        is_ready(r, "whale")
    });
    assert_eq!(agent(&back, "whale").breaker, BreakerState::Closed);
    assert!(agents_up(&back));
}

#[test]
fn exit_code_78_opens_the_breaker_at_once() {
    let inst = Instance::start(&command_override(
        "risk",
        &["/bin/sh", "-c", "echo 'bad config' >&2; exit 78"],
    ));
    let report = inst.wait_for("risk breaker open", Duration::from_secs(10), |r| {
        agent(r, "risk").breaker == BreakerState::Open
    });
    let risk = agent(&report, "risk");
    assert_eq!(
        risk.restarts, 0,
        "a configuration error must not be retried"
    );
    assert_eq!(risk.last_exit.as_ref().unwrap().code, Some(78));
    // The agent's stderr was captured.
    let out = inst.cst(&["logs", "risk"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("bad config"));
}

#[test]
fn a_hung_agent_is_killed_after_3_missed_heartbeats_and_restarted() {
    let rogue = cst_tests::bin_dir().join("rogue_agent");
    let config = format!(
        "[supervisor]\nheartbeat_interval_ms = 200\n{}",
        command_override("sentiment", &[rogue.to_str().unwrap(), "hang"])
    );
    let inst = Instance::start(&config);
    let report = inst.wait_for("sentiment killed as hung", Duration::from_secs(15), |r| {
        agent(r, "sentiment")
            .last_exit
            .as_ref()
            .is_some_and(|e| e.reason.contains("hung"))
    });
    let s = agent(&report, "sentiment");
    assert!(
        s.last_exit
            .as_ref()
            .unwrap()
            .reason
            .contains("no heartbeat for 600 ms"),
        "{s:?}"
    );
    assert_eq!(s.last_exit.as_ref().unwrap().signal, Some(9));
}

#[test]
fn a_missing_agent_binary_is_reported_not_hidden() {
    let inst = Instance::start(&command_override("ml", &["/nonexistent/cst-ml"]));
    let report = inst.wait_for("ml breaker open", Duration::from_secs(20), |r| {
        agent(r, "ml").breaker == BreakerState::Open
    });
    let reason = &agent(&report, "ml").last_exit.as_ref().unwrap().reason;
    assert!(
        reason.contains("could not start") && reason.contains("/nonexistent/cst-ml"),
        "{reason}"
    );
    assert!(!report.ready && !agents_up(&report));
}

#[test]
fn an_agent_whose_configuration_cannot_work_exits_78_and_status_says_why() {
    // The news file the configuration names does not exist: no retry can help.
    let inst = Instance::start(
        "[sentiment]\nsource = \"replay\"\nreplay_csv = \"/nonexistent/cst-news.csv\"\n",
    );
    let report = inst.wait_for("sentiment breaker open", Duration::from_secs(20), |r| {
        agent(r, "sentiment").breaker == BreakerState::Open
    });
    let sentiment = agent(&report, "sentiment");
    assert_eq!(
        sentiment.restarts, 0,
        "a configuration error is not retried"
    );
    assert_eq!(sentiment.last_exit.as_ref().unwrap().code, Some(78));
    assert!(
        report.reasons.iter().any(|r| r.contains(
            "sentiment: breaker open (exit code 78: configuration error: \
             sentiment.replay_csv /nonexistent/cst-news.csv"
        )),
        "{:?}",
        report.reasons
    );
    let out = inst.cst(&["status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("sentiment.replay_csv"), "{text}");
}
