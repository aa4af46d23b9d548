//! The deployment files (`deploy/`) pass the tools that judge them: `systemd-analyze verify`
//! on the unit, `promtool` on the scrape configuration, the alert rules and their unit
//! tests, `shellcheck` on the install script and its dry run; and every metric the alerts
//! and the Grafana dashboard use is one the service exports.

use std::{collections::BTreeSet, fs, path::PathBuf, process::Command};

use cst_tests::bin_dir;

fn root() -> PathBuf {
    cst_testkit::manifest_dir().join("..")
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e} (deploy/setup.sh installs the tool)"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

#[test]
fn the_systemd_unit_verifies() {
    // The installed path does not exist here: verify a copy that starts the built binary.
    let unit = fs::read_to_string(root().join("deploy/systemd/cryptosmarttrader.service")).unwrap();
    assert!(unit.contains("Type=notify") && unit.contains("WatchdogSec="));
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("cryptosmarttrader.service");
    let cst = bin_dir().join("cst");
    fs::write(
        &copy,
        unit.replace("/usr/local/bin/cst ", &format!("{} ", cst.display())),
    )
    .unwrap();
    let text = run(Command::new("systemd-analyze").arg("verify").arg(&copy));
    assert!(
        text.trim().is_empty(),
        "systemd-analyze had remarks:\n{text}"
    );
}

#[test]
fn the_prometheus_configuration_rules_and_rule_tests_pass() {
    let dir = root().join("deploy/prometheus");
    let text = run(Command::new("promtool")
        .arg("check")
        .arg("config")
        .arg(dir.join("prometheus.yml")));
    assert!(text.contains("SUCCESS"), "{text}");
    let text = run(Command::new("promtool")
        .arg("check")
        .arg("rules")
        .arg(dir.join("alerts.yml")));
    assert!(text.contains("SUCCESS: 16 rules found"), "{text}");
    let text = run(Command::new("promtool")
        .arg("test")
        .arg("rules")
        .arg(dir.join("alerts_test.yml")));
    assert!(text.contains("SUCCESS"), "{text}");
}

#[test]
fn the_install_script_is_clean_and_its_dry_run_changes_nothing() {
    let script = root().join("deploy/install.sh");
    run(Command::new("shellcheck").arg(&script));
    let target = tempfile::tempdir().unwrap();
    let text = run(Command::new("bash")
        .arg(&script)
        .arg("--dry-run")
        .env("CARGO_TARGET_DIR", target.path()));
    assert!(text.contains("cryptosmarttrader.service"), "{text}");
}

/// Every `cst_*` name in `text`.
fn names(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("cst_") {
        let start = i + at;
        let before = start.checked_sub(1).map(|j| b[j]);
        let mut end = start + 4;
        while end < b.len()
            && (b[end].is_ascii_lowercase() || b[end].is_ascii_digit() || b[end] == b'_')
        {
            end += 1;
        }
        if before.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == b'_')) {
            out.insert(text[start..end].to_string());
        }
        i = end;
    }
    out
}

#[test]
fn every_metric_the_alerts_and_the_grafana_dashboard_use_is_exported() {
    // Names are registered without the `cst_` prefix the registry adds.
    let mut exported = String::new();
    for f in [
        "supervisor/src/daemon/metrics.rs",
        "crates/health/src/score.rs",
    ] {
        exported.push_str(&fs::read_to_string(root().join(f)).unwrap());
    }
    let mut used = BTreeSet::new();
    for f in [
        "deploy/prometheus/alerts.yml",
        "deploy/grafana/cryptosmarttrader.json",
    ] {
        used.extend(names(&fs::read_to_string(root().join(f)).unwrap()));
    }
    assert!(used.len() > 20, "{used:?}");
    let missing: Vec<&String> = used
        .iter()
        .filter(|n| {
            let bare = n.trim_start_matches("cst_");
            let quoted = |s: &str| exported.contains(&format!("\"{s}\""));
            !(quoted(bare) || bare.strip_suffix("_total").is_some_and(quoted))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "not exported by the service: {missing:?}"
    );
}

/// Every shell script of the project passes shellcheck.
#[test]
fn scripts_pass_shellcheck() {
    let mut scripts: Vec<PathBuf> = fs::read_dir(root().join("deploy"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .collect();
    scripts.push(root().join("fuzz/run.sh"));
    assert!(scripts.len() >= 5, "{scripts:?}");
    run(Command::new("shellcheck").args(&scripts));
}

/// `make bench` with a step filter that matches nothing says which steps exist, and runs
/// nothing.
#[test]
fn bench_runner_names_its_steps() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(root().join("deploy/bench.sh"))
        .arg("no-such-step")
        .env("BENCH_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no step matches: no-such-step")
            && err.contains("cst-tests/soak")
            && err.contains("cst-train/serving")
            && err.contains("fuzz"),
        "{err}"
    );
}
