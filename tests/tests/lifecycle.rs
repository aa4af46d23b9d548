//! Start, restart after kill -9, supervisor death, single instance, graceful stop.

use std::{
    os::unix::fs::PermissionsExt,
    thread::sleep,
    time::{Duration, Instant},
};

use cst_protocol::status::AgentState;
use cst_tests::{Instance, agent, agents_up, alive, is_ready};

#[test]
fn kill_9_of_an_agent_brings_it_back_ready_with_a_new_pid() {
    let inst = Instance::start("");
    let before = inst.wait_ready();
    let old = agent(&before, "technical").pid.expect("pid");
    let killed_at = Instant::now();
    cst_tests::sigkill(old);
    let after = inst.wait_for(
        "technical back with a new pid",
        Duration::from_secs(10),
        |r| {
            let a = agent(r, "technical");
            a.state == AgentState::Ready && a.pid.is_some_and(|p| p != old)
        },
    );
    let a = agent(&after, "technical");
    // ready_for_ms says when it became Ready, independent of this test's polling interval.
    let took = killed_at
        .elapsed()
        .saturating_sub(Duration::from_millis(a.ready_for_ms.unwrap()));
    println!(
        "kill -9 → Ready again in {took:?} (new pid {}, was {old})",
        a.pid.unwrap()
    );
    assert_eq!(a.restarts, 1);
    let exit = a.last_exit.as_ref().expect("last exit recorded");
    assert_eq!((exit.pid, exit.signal), (old, Some(9)));
    assert!(!alive(old));
    // Everyone else kept running.
    for other in &after.agents {
        if other.name != "technical" {
            assert_eq!(
                other.pid,
                agent(&before, &other.name).pid,
                "{} was restarted too",
                other.name
            );
        }
    }
}

#[test]
fn sigkill_of_the_supervisor_leaves_no_agent_behind() {
    let mut inst = Instance::start("");
    let report = inst.wait_ready();
    let pids: Vec<u32> = report.agents.iter().filter_map(|a| a.pid).collect();
    assert_eq!(pids.len(), 8);
    inst.kill_supervisor();
    sleep(Duration::from_secs(1));
    let survivors: Vec<u32> = pids.iter().copied().filter(|p| alive(*p)).collect();
    assert!(
        survivors.is_empty(),
        "agents outlived a SIGKILLed supervisor: {survivors:?}"
    );
}

#[test]
fn a_second_supervisor_on_the_same_home_is_refused_and_the_first_keeps_running() {
    let inst = Instance::start("");
    let first = inst.wait_ready();
    let out = inst.cst(&["up"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("already running"), "{stderr}");
    assert!(
        stderr.contains(&format!("pid {}", inst.supervisor_pid())),
        "{stderr}"
    );
    assert!(
        stderr.contains("cst stop --home"),
        "message should say what to do: {stderr}"
    );
    // The refused instance touched nothing: same sockets, same agents.
    let again = inst.wait_ready();
    let pids =
        |r: &cst_protocol::status::StatusReport| r.agents.iter().map(|a| a.pid).collect::<Vec<_>>();
    assert_eq!(pids(&first), pids(&again));
}

#[test]
fn cst_stop_stops_agents_in_reverse_start_order_and_exits_cleanly() {
    let mut inst = Instance::start("");
    let report = inst.wait_ready();
    let out = inst.cst(&["stop"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(inst.wait_exit(Duration::from_secs(10)), Some(0));
    for a in &report.agents {
        assert!(!alive(a.pid.unwrap()), "{} still alive", a.name);
    }
    // Exit lines in the supervisor log come in reverse start order, each a clean exit.
    let log = inst.output();
    let order: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("agent exited"))
        .filter_map(|l| l.split("agent=").nth(1)?.split_whitespace().next())
        .collect();
    assert_eq!(
        order,
        [
            "health",
            "portfolio",
            "risk",
            "ml",
            "whale",
            "sentiment",
            "technical",
            "collector"
        ]
    );
    assert_eq!(
        log.matches("stopped on request (exited with code 0)")
            .count(),
        8,
        "{log}"
    );
    for sock in ["bus.sock", "control.sock", "health.sock"] {
        assert!(
            !inst.path().join("run").join(sock).exists(),
            "{sock} left behind"
        );
    }
    let out = inst.cst(&["status"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("start one with `cst up"));
    // `cst stop` returned after the lock was released: a new `cst up` starts at once.
    let mut again = inst.spawn_up();
    let report = inst.wait_ready();
    assert_eq!(report.supervisor.pid, again.id());
    let _ = again.kill();
    let _ = again.wait();
}

#[test]
fn sigterm_to_the_supervisor_is_a_graceful_stop() {
    let mut inst = Instance::start("");
    inst.wait_ready();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(inst.supervisor_pid() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert_eq!(inst.wait_exit(Duration::from_secs(10)), Some(0));
    assert_eq!(
        inst.output()
            .matches("stopped on request (exited with code 0)")
            .count(),
        8
    );
}

#[test]
fn restart_command_replaces_the_process_without_counting_a_crash() {
    let inst = Instance::start("");
    let before = inst.wait_ready();
    let old = agent(&before, "ml").pid.unwrap();
    let out = inst.cst(&["restart", "ml"]);
    assert!(out.status.success());
    let after = inst.wait_for("ml restarted", Duration::from_secs(10), |r| {
        is_ready(r, "ml") && agent(r, "ml").pid != Some(old)
    });
    let exit = agent(&after, "ml").last_exit.clone().unwrap();
    assert_eq!(exit.code, Some(0), "graceful stop should exit 0: {exit:?}");
    let out = inst.cst(&["restart", "trader"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no agent named \"trader\""));
}

#[test]
fn run_dir_is_private_and_agent_output_is_captured() {
    let inst = Instance::start("");
    inst.wait_ready();
    let mode = |p: &str| {
        std::fs::metadata(inst.path().join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("run"), 0o700);
    for sock in ["run/bus.sock", "run/control.sock", "run/health.sock"] {
        assert_eq!(mode(sock), 0o600, "{sock}");
    }
    // Each agent's JSON log lines land in its own file, and `cst logs` shows them.
    let out = inst.cst(&["logs", "risk", "-n", "5"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let ready_line = text
        .lines()
        .find(|l| l.contains("\"message\":\"ready\""))
        .unwrap_or_else(|| panic!("{text}"));
    let json: serde_json::Value = serde_json::from_str(ready_line).unwrap();
    assert_eq!(json["agent"], "risk");
    let out = inst.cst(&["logs", "nobody"]);
    assert!(!out.status.success());
}

#[test]
fn a_flood_of_output_is_dropped_and_counted_not_allowed_to_stall_the_agent() {
    let rogue = cst_tests::bin_dir().join("rogue_agent");
    let config = format!(
        "[logs]\nqueue_lines = 16\nmax_file_bytes = 65536\nkeep_files = 2\n[agents.portfolio]\nenabled = true\ncommand = [{:?}, \"flood\"]\n",
        rogue.display().to_string()
    );
    let inst = Instance::start(&config);
    let report = inst.wait_for("flooding agent ready", Duration::from_secs(30), |r| {
        is_ready(r, "portfolio")
    });
    let p = agent(&report, "portfolio");
    assert!(
        p.log_lines_dropped > 0,
        "a 16-line queue cannot have kept 200,000 lines: {p:?}"
    );
    assert!(
        p.log_lines_dropped < 200_000,
        "some lines must have been written"
    );
    // Rotation kept the files bounded.
    let dir = inst.path().join("logs/portfolio");
    let total: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(total <= 3 * 65536, "log files grew to {total} bytes");
    assert!(!dir.join("portfolio.log.3").exists());
}

#[test]
fn run_now_and_reload_reach_the_agents_and_a_bad_config_is_refused() {
    let inst = Instance::start("[logs]\nlevel = \"info\"\n");
    inst.wait_ready();
    let out = inst.cst(&["run-now", "technical"]);
    assert!(out.status.success());
    // An empty store: the technical agent has no pair to step, and says so.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "technical: 0 pairs had new rows"
    );
    // A fresh home has no model: the ml agent says so, and what to do.
    let out = inst.cst(&["run-now", "ml"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).trim().starts_with(
            "ml: no active model: no predictions; no active model for [1, 24, 168, 720] h"
        ),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Nothing gated yet, and a fresh paper account: both say so.
    let out = inst.cst(&["run-now", "risk"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "risk: no hour gated yet"
    );
    let out = inst.cst(&["run-now", "portfolio"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "portfolio: paper account: equity 10000.00, cash 10000.00, 0 positions, drawdown 0.00%"
    );
    let out = inst.cst(&["run-now", "collector"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "collector: collection cycle started"
    );
    let out = inst.cst(&["reload"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("reload sent to 8 agents"));
    let mut broken = std::fs::read_to_string(inst.path().join("config.toml")).unwrap();
    broken.push_str("[health]\nkeep_filez = 3\n");
    std::fs::write(inst.path().join("config.toml"), broken).unwrap();
    let out = inst.cst(&["reload"]);
    assert_eq!(out.status.code(), Some(78), "EX_CONFIG, as cst up");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("reload refused") && err.contains("keep_filez"),
        "{err}"
    );
    assert!(
        agents_up(&inst.wait_ready()),
        "a refused reload changes nothing"
    );
}

/// A key set through the environment is named as the environment variable that set it,
/// beside the file's errors, in one run.
#[test]
fn an_environment_key_is_named_as_the_variable_that_set_it() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[collector]\nrequest_timeout_ms = 0\n",
    )
    .unwrap();
    let out = std::process::Command::new(cst_tests::bin_dir().join("cst"))
        .arg("--home")
        .arg(home.path())
        .arg("coverage")
        .env_remove("CST_CONFIG")
        .env("CST_WHALE__BOGUS", "1")
        .env("CST_ML__FOLDS", "many")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for expect in [
        "unknown key whale.bogus (environment variable CST_WHALE__BOGUS)",
        "ml.folds (environment variable CST_ML__FOLDS): expected a whole number",
        "collector.request_timeout_ms must be 100 to 600000",
    ] {
        assert!(err.contains(expect), "{expect:?} not in:\n{err}");
    }
}

#[test]
fn agents_run_the_configuration_the_supervisor_validated_not_whatever_the_file_holds() {
    let inst = Instance::start("[ml]\nhorizons_h = [1, 24]\n");
    let report = inst.wait_ready();
    let horizons = |inst: &Instance| {
        let out = inst.cst(&["run-now", "ml"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert!(
        horizons(&inst).contains("no active model for [1, 24] h"),
        "{}",
        horizons(&inst)
    );
    // The file changes (validly) behind the service's back; a killed agent comes back with
    // the configuration the supervisor validated, not the edited file.
    let path = inst.path().join("config.toml");
    let edited = std::fs::read_to_string(&path)
        .unwrap()
        .replace("horizons_h = [1, 24]", "horizons_h = [168]");
    std::fs::write(&path, edited).unwrap();
    let pid = agent(&report, "ml").pid.unwrap();
    cst_tests::sigkill(pid);
    inst.wait_for("ml restarted", Duration::from_secs(20), |r| {
        agent(r, "ml").pid.is_some_and(|p| p != pid) && agents_up(r)
    });
    assert!(
        horizons(&inst).contains("no active model for [1, 24] h"),
        "{}",
        horizons(&inst)
    );
    // `cst reload` validates the file and hands it over: the next start runs it.
    assert!(inst.cst(&["reload"]).status.success());
    assert!(inst.cst(&["restart", "ml"]).status.success());
    inst.wait_ready();
    assert!(
        horizons(&inst).contains("no active model for [168] h"),
        "{}",
        horizons(&inst)
    );
}

#[test]
fn over_long_and_non_utf8_output_never_ends_the_capture() {
    let rogue = cst_tests::bin_dir().join("rogue_agent");
    let config = format!(
        "[agents.ml]\nenabled = true\ncommand = [{:?}, \"ugly\"]\n",
        rogue.display().to_string()
    );
    let inst = Instance::start(&config);
    inst.wait_ready();
    // The runtime logs "ready" after the ugly output: capture must still be running.
    let log_path = inst.path().join("logs/ml/ml.log");
    inst.wait_for("ml's ready line captured", Duration::from_secs(10), |_| {
        std::fs::read_to_string(&log_path)
            .unwrap_or_default()
            .contains("\"message\":\"ready\"")
    });
    let log = String::from_utf8(std::fs::read(&log_path).unwrap()).expect("the log file is UTF-8");
    assert!(log.contains("[line cut at 64 KiB by cst]"));
    assert!(
        !log.contains("end of long line"),
        "the rest of a cut line is skipped"
    );
    assert!(log.contains("not utf-8: \u{fffd}\u{fffd}\u{fffd}"));
    assert!(
        log.lines().all(|l| l.len() <= 64 * 1024 + 64),
        "a line longer than the cut"
    );
}

#[test]
fn events_reach_subscribers_of_their_topic_only_with_the_publisher_named() {
    let bin = cst_tests::bin_dir().join("pubsub_agent");
    let b = bin.display().to_string();
    let config = format!(
        "[agents.ml]\nenabled = true\ncommand = [{b:?}, \"publish\", \"predictions\"]\n\
         [agents.risk]\nenabled = true\ncommand = [{b:?}, \"subscribe\", \"predictions\"]\n\
         [agents.portfolio]\nenabled = true\ncommand = [{b:?}, \"subscribe\", \"candidates.updated\"]\n"
    );
    let inst = Instance::start(&config);
    let risk_log = inst.path().join("logs/risk/risk.log");
    let report = inst.wait_for(
        "risk received three events",
        Duration::from_secs(15),
        |_| {
            std::fs::read_to_string(&risk_log)
                .unwrap_or_default()
                .matches("event topic=predictions key=k")
                .count()
                >= 3
        },
    );
    let log = std::fs::read_to_string(&risk_log).unwrap();
    // Events published before risk subscribed are gone (events are hints; the store is the
    // truth), so check order and the named source, not version 1.
    let versions: Vec<u64> = log
        .lines()
        .filter(|l| l.ends_with("source=ml"))
        .filter_map(|l| {
            l.split("version=")
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert!(
        versions.len() >= 3 && versions.windows(2).all(|w| w[1] == w[0] + 1),
        "{log}"
    );
    // The subscriber's heartbeat counters show what it received.
    let received = agent(&report, "risk")
        .counters
        .iter()
        .find(|c| c.name == "events_received")
        .map(|c| c.value);
    assert!(received.is_some());
    // Nothing for an agent subscribed to another topic, nor back to the publisher.
    let portfolio = std::fs::read_to_string(inst.path().join("logs/portfolio/portfolio.log"))
        .unwrap_or_default();
    assert!(!portfolio.contains("event topic="), "{portfolio}");
    let published = inst.wait_for("ml counts its publications", Duration::from_secs(5), |r| {
        agent(r, "ml")
            .counters
            .iter()
            .any(|c| c.name == "events_published" && c.value >= 3)
    });
    assert!(is_ready(&published, "ml"));
}

#[test]
fn cst_stop_agent_keeps_one_agent_stopped_until_restarted() {
    let inst = Instance::start("");
    let before = inst.wait_ready();
    let old = agent(&before, "whale").pid.unwrap();
    let out = inst.cst(&["stop", "whale"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stopped = inst.wait_for("whale stopped", Duration::from_secs(20), |r| {
        agent(r, "whale").state == cst_protocol::status::AgentState::Stopped
    });
    assert!(!alive(old), "the process is gone");
    assert_eq!(
        agent(&stopped, "whale").restarts,
        0,
        "a stop is not a crash"
    );
    // It stays down: no restart, and the service says why it is not ready.
    std::thread::sleep(Duration::from_secs(2));
    let later = inst.try_report().unwrap();
    assert_eq!(
        agent(&later.status_report(), "whale").state,
        cst_protocol::status::AgentState::Stopped
    );
    assert!(!later.ready);
    assert!(
        later
            .reasons
            .iter()
            .any(|r| r.contains("whale is stopped (start it: `cst restart whale`)")),
        "{:?}",
        later.reasons
    );
    let out = inst.cst(&["stop", "whalee"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no agent named"));
    assert!(inst.cst(&["restart", "whale"]).status.success());
    inst.wait_for("whale back", Duration::from_secs(20), |r| {
        is_ready(r, "whale")
    });
}

#[test]
fn cst_up_creates_and_migrates_the_store_before_any_agent_opens_it() {
    // No agent runs here, so nothing but `cst up` itself can have made the store: before,
    // eight agents created it at the same moment on a fresh home and raced for the lock the
    // WAL switch takes ("database is locked", one agent restarted).
    let agents = cst_protocol::AGENTS
        .iter()
        .map(|a| format!("[agents.{a}]\nenabled = false\n"))
        .collect::<String>();
    let inst = Instance::start(&agents);
    let db = inst.path().join("data/cst.db");
    // The file appears before SQLite writes its header: wait for a whole header (and the
    // migrations' version in it) rather than for the file.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let header = loop {
        let header = std::fs::read(&db).unwrap_or_default();
        if header.len() >= 100 && header[60..64] != [0, 0, 0, 0] {
            break header;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no migrated store made by cst up ({} bytes)",
            header.len()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    // SQLite's file header: bytes 18 and 19 are 2 in WAL mode, bytes 60..64 the schema
    // version (`user_version`, big-endian).
    assert_eq!((header[18], header[19]), (2, 2), "not in WAL mode");
    let version = i32::from_be_bytes(header[60..64].try_into().unwrap());
    assert_eq!(i64::from(version), cst_store::migrations::LATEST);
}

/// Twenty fresh homes, one after another, each with every agent: each comes up ready with
/// no agent having exited during startup (the probe's first start once lost an agent to
/// "database is locked" while eight agents created the store at the same moment).
#[test]
fn twenty_fresh_homes_start_without_an_agent_exiting() {
    for i in 0..20 {
        let inst = Instance::start("");
        let report = inst.wait_ready();
        let restarted: Vec<String> = report
            .agents
            .iter()
            .filter(|a| a.restarts > 0 || a.last_exit.is_some())
            .map(|a| format!("{} ({:?})", a.name, a.last_exit))
            .collect();
        assert!(
            restarted.is_empty(),
            "home {i}: agents exited during startup: {restarted:?}"
        );
        assert!(inst.cst(&["stop"]).status.success());
    }
}
