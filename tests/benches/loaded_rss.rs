//! Memory of the running service with all 136 pairs of `binance-2024` loaded: `cst up`
//! (release) following a replay of the recording from 2024-09-01 (the last of the 136 pairs,
//! SLF, lists on 2024-08-30) at 600×; the collector backfills up to 720 hours of every pair
//! and the technical agent keeps each pair's features.
//! Once every pair is covered and the features are fresh, the RSS (and PSS) of the
//! supervisor plus every agent is read from /proc, before any model exists. Then the ml
//! agent's scheduled retraining at the replay's first midnight, a process of its own counted
//! with the agent: its peak, the total 5 s after it, and a minute later while serving what it
//! activated (the 1 h model usually beats its baselines here). Bar: RSS total ≤ 150 MB, for the steady figure and the serving one.

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use cst_bench::Figure;
use cst_tests::{Instance, memory, replay::ReplayExchange, tree_memory};

/// Replay speed: the first midnight (the ml agent's scheduled retraining) comes 144 s in.
const SPEED: u32 = 600;

/// Total RSS and PSS of the supervisor and every agent (with the processes it started), and
/// the ml agent's RSS.
fn total(
    inst: &Instance,
    report: &cst_protocol::status::StatusReport,
    print: bool,
) -> (u64, u64, u64) {
    let mut pids = vec![("cst (supervisor)".to_string(), inst.supervisor_pid())];
    pids.extend(
        report
            .agents
            .iter()
            .filter_map(|a| Some((a.name.clone(), a.pid?))),
    );
    let (mut rss, mut pss, mut ml) = (0, 0, 0);
    for (name, pid) in &pids {
        // An agent with what it started (the ml agent's training process); the supervisor
        // alone, as its descendants are the agents.
        let (r, p) = if *pid == inst.supervisor_pid() {
            memory(*pid)
        } else {
            tree_memory(*pid)
        };
        if print {
            println!(
                "{name:<18} RSS {:>6.1} MB   PSS {:>6.1} MB",
                r as f64 / 1e6,
                p as f64 / 1e6
            );
        }
        if name == "ml" {
            ml = r;
        }
        rss += r;
        pss += p;
    }
    (rss, pss, ml)
}

/// "cst (supervisor) 12.0, collector 23.1, …": each process's RSS in MB, for a figure's note.
fn per_process(inst: &Instance, report: &cst_protocol::status::StatusReport) -> String {
    let mut out = vec![format!(
        "cst (supervisor) {:.1}",
        memory(inst.supervisor_pid()).0 as f64 / 1e6
    )];
    out.extend(report.agents.iter().filter_map(|a| {
        Some(format!(
            "{} {:.1}",
            a.name,
            tree_memory(a.pid?).0 as f64 / 1e6
        ))
    }));
    out.join(", ")
}

fn main() {
    let dir = cst_tests::replay::shared("ohlcv-1h/binance-2024");
    let mut pairs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".csv").map(str::to_owned)
        })
        .collect();
    pairs.sort();
    let refs: Vec<&str> = pairs.iter().map(String::as_str).collect();
    let exchange = ReplayExchange::start("binance-2024", &refs, "2024-09-01", SPEED);
    let config = format!(
        "{}\n[features]\ngroups = [\"technical\"]\nrequired = [\"technical\"]\n\
         [health]\nevaluate_interval_ms = 1000\n",
        exchange.collector_config()
    );
    let inst = Instance::start(&config);
    let started = Instant::now();
    // Every pair covered and the features fresh: the whole universe is loaded.
    let loaded = inst.wait_report(
        "all pairs covered, features fresh",
        Duration::from_secs(900),
        |r| {
            let ok = |name: &str| r.checks.iter().any(|c| c.name == name && c.ok);
            ok("coverage") && ok("features")
        },
    );
    let coverage = loaded
        .checks
        .iter()
        .find(|c| c.name == "coverage")
        .map(|c| c.reason.clone())
        .unwrap_or_default();
    // The audit itself: how many pairs the exchange lists and how many are covered.
    let out = inst.cst(&["coverage", "--json"]);
    let audit: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let covered = audit["covered"].as_u64().unwrap_or(0);
    Figure::new(
        "pairs with fresh, complete data while measured",
        covered as f64,
        "pairs",
    )
    .equal(pairs.len() as f64)
    .note(format!("{} listed by the replay", audit["live"]))
    .record();
    println!(
        "{} pairs loaded {:.0} s after `cst up`: {coverage}",
        pairs.len(),
        started.elapsed().as_secs_f64()
    );
    // Steady state: a while of hourly updates after the backfill, before the first midnight.
    std::thread::sleep(Duration::from_secs(30));
    let report = inst.wait_ready();
    let (rss, pss, _) = total(&inst, &report, true);
    let steady_each = per_process(&inst, &report);
    println!(
        "total              RSS {:>6.1} MB   PSS {:>6.1} MB   (steady, {:.0} s after `cst up`)",
        rss as f64 / 1e6,
        pss as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    // The scheduled retraining at the replay's first midnight runs in a process the ml agent
    // starts (counted with the agent): its peak and what stays after it.
    let ml_log = inst.path().join("logs/ml/ml.log");
    let log = || std::fs::read_to_string(&ml_log).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(300);
    while !log().contains("retraining started") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
    }
    let (mut peak, mut ml_peak) = (0, 0);
    let horizons = 4u64;
    while Instant::now() < deadline {
        let report = inst.wait_ready();
        let (r, _, m) = total(&inst, &report, false);
        peak = peak.max(r);
        ml_peak = ml_peak.max(m);
        // Done when the agent has collected every horizon's outcome from its run.
        let counted = |name| cst_tests::counter(&report, "ml", name).unwrap_or(0);
        if counted("horizons_trained") + counted("horizons_failed") >= horizons {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    std::thread::sleep(Duration::from_secs(5));
    let (after, _, ml_after) = total(&inst, &inst.wait_ready(), false);
    for line in log()
        .lines()
        .filter(|l| l.contains("horizon_h") && l.contains("cst_agent_ml::training"))
        .take(horizons as usize)
    {
        println!("ml: {}", line.chars().take(200).collect::<String>());
    }
    println!(
        "during the scheduled retraining: peak total RSS {:.1} MB (ml agent {:.1} MB); after it {:.1} MB (ml agent {:.1} MB)",
        peak as f64 / 1e6,
        ml_peak as f64 / 1e6,
        after as f64 / 1e6,
        ml_after as f64 / 1e6
    );
    Figure::new(
        format!(
            "total RSS with all {} pairs of binance-2024 loaded (steady), supervisor + 8 agents",
            pairs.len()
        ),
        rss as f64 / 1e6,
        "MB",
    )
    .at_most(150.0)
    .note(format!(
        "PSS {:.1} MB; {coverage}; per process: {steady_each} MB",
        pss as f64 / 1e6
    ))
    .record();
    Figure::new(
        "peak total RSS during the ml agent's scheduled retraining",
        peak as f64 / 1e6,
        "MB",
    )
    .note(format!(
        "ml agent {:.1} MB at its peak, with its training process",
        ml_peak as f64 / 1e6
    ))
    .record();
    Figure::new("total RSS after the retraining", after as f64 / 1e6, "MB")
        .note(format!("ml agent {:.1} MB", ml_after as f64 / 1e6))
        .record();
    // A minute of serving later: what the ml agent keeps, and where. The serving state is
    // measured with no training process running (the next midnight's run starts ~140 s
    // after the first).
    std::thread::sleep(Duration::from_secs(60));
    let report = inst.wait_ready();
    let ml = cst_tests::agent(&report, "ml").pid.unwrap_or(0);
    let training = cst_tests::descendants(ml).len();
    let (later, _, _) = total(&inst, &report, true);
    let active: Vec<String> = log()
        .lines()
        .filter(|l| l.contains(": active ("))
        .filter_map(|l| {
            Some(
                l.split("\"message\":\"model ")
                    .nth(1)?
                    .split(':')
                    .next()?
                    .to_string(),
            )
        })
        .collect();
    let top: Vec<String> = cst_tests::resident_by_mapping(ml)
        .iter()
        .take(6)
        .map(|(name, b)| format!("{name} {:.1}", *b as f64 / 1e6))
        .collect();
    // The same bar: a service that serves a model is still the running service.
    Figure::new(
        "total RSS a minute after the retraining, serving what it activated",
        later as f64 / 1e6,
        "MB",
    )
    .at_most(150.0)
    .note(format!(
        "models activated: {}; training processes running: {training}; per process: {} MB; \
         the ml agent's largest mappings: {} MB",
        if active.is_empty() {
            "none".to_string()
        } else {
            active.join(", ")
        },
        per_process(&inst, &report),
        top.join(", ")
    ))
    .record();
    drop(exchange);
}
