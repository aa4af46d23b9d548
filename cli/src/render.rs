//! Human-readable `cst status` and `cst health`; `--json` prints the report as served on
//! the health socket.

#![allow(clippy::print_stdout)]

use cst_protocol::{health::ServiceReport, status::AgentStatus};

/// The FeatureSet of the configuration `cst up` reads under this home (the same search
/// order): its version, and the groups this deployment leaves out because their source does
/// not exist here.
pub fn features_line(
    home: &cst_config::Home,
    config: Option<&std::path::Path>,
) -> serde_json::Value {
    let set = cst_config::load(home, config)
        .map_err(|e| e.to_string())
        .and_then(|c| {
            cst_features::FeatureSet::from_config(&c.features).map_err(|e| e.to_string())
        });
    match set {
        Ok(set) => serde_json::json!({
            "version": set.version(),
            "groups": set.groups().iter().map(|g| serde_json::json!({
                "group": g.group.name(),
                "required": g.required,
            })).collect::<Vec<_>>(),
            "left_out": set.left_out().iter().map(|g| g.name()).collect::<Vec<_>>(),
        }),
        Err(e) => serde_json::json!({ "error": e }),
    }
}

fn json(report: &ServiceReport, features: &serde_json::Value) {
    let value = serde_json::to_value(report).map(|mut v| {
        v["features"] = features.clone();
        v
    });
    match value.and_then(|v| serde_json::to_string_pretty(&v)) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("cst: cannot encode the report as JSON: {e}"),
    }
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("-".into(), |b| format!("{:.1} MiB", b as f64 / 1_048_576.0))
}

fn header(report: &ServiceReport) {
    let ready = if report.ready { "READY" } else { "NOT READY" };
    let score = report
        .health_score
        .map_or("no health score".to_string(), |s| {
            format!("health {s:.1}/100")
        });
    println!(
        "status: {}   {ready}   {score}   supervisor pid {}   home {}",
        report.status.to_string().to_uppercase(),
        report.supervisor.pid,
        report.supervisor.home
    );
}

/// Every readiness check and score component, with its figures.
fn checks(report: &ServiceReport) {
    if !report.checks.is_empty() {
        println!("\nreadiness:");
    }
    for c in &report.checks {
        let mark = if c.ok { "ok  " } else { "FAIL" };
        println!("  {mark} {:<12} {}", c.name, c.reason);
    }
    if !report.components.is_empty() {
        println!("\nhealth score components:");
    }
    for c in &report.components {
        println!(
            "  {:<12} {:>5.1} / {:<3.0} {}",
            c.name,
            c.score * c.weight,
            c.weight,
            c.detail
        );
    }
}

fn reasons(report: &ServiceReport) {
    for reason in &report.reasons {
        println!("  - {reason}");
    }
}

fn agent_row(a: &AgentStatus) -> String {
    let pid = a.pid.map_or("-".into(), |p| p.to_string());
    let cpu = a.cpu_percent.map_or("-".into(), |c| format!("{c:.1}%"));
    let exit = a
        .last_exit
        .as_ref()
        .map_or(String::new(), |e| e.reason.clone());
    let next = a.next_start_in_ms.map_or(String::new(), |ms| {
        format!(" (next start in {:.1} s)", ms as f64 / 1000.0)
    });
    format!(
        "{:<10} {:<13} {:>8} {:>8} {:<9} {:>10} {:>7}  {exit}{next}",
        a.name,
        a.state.to_string(),
        pid,
        a.restarts,
        a.breaker.to_string(),
        mib(a.rss_bytes),
        cpu
    )
}

pub fn print_status(report: &ServiceReport, features: &serde_json::Value, as_json: bool) {
    if as_json {
        return json(report, features);
    }
    header(report);
    reasons(report);
    println!();
    println!(
        "{:<10} {:<13} {:>8} {:>8} {:<9} {:>10} {:>7}  LAST EXIT",
        "AGENT", "STATE", "PID", "RESTARTS", "BREAKER", "RSS", "CPU"
    );
    for a in &report.agents {
        println!("{}", agent_row(a));
    }
    let total: u64 = report
        .agents
        .iter()
        .filter_map(|a| a.rss_bytes)
        .sum::<u64>()
        + report.supervisor.rss_bytes.unwrap_or(0);
    println!(
        "\nsupervisor RSS {}; total with agents {}",
        mib(report.supervisor.rss_bytes),
        mib(Some(total))
    );
    match (
        features["version"].as_str(),
        features["left_out"].as_array(),
    ) {
        (Some(version), Some(out)) if out.is_empty() => println!("features: FeatureSet {version}"),
        (Some(version), Some(out)) => {
            let out: Vec<_> = out.iter().filter_map(|g| g.as_str()).collect();
            println!(
                "features: FeatureSet {version}; left out here (no source): {}",
                out.join(", ")
            );
        }
        _ => println!("features: {}", features["error"]),
    }
}

pub fn print_health(report: &ServiceReport, as_json: bool) {
    if as_json {
        return match serde_json::to_string_pretty(report) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("cst: cannot encode the report as JSON: {e}"),
        };
    }
    header(report);
    reasons(report);
    checks(report);
}
