//! `bench-report` as `deploy/bench.sh` runs it: both files written, the verdict in the exit
//! status, and a corrupt record refused with its line.

use std::{path::Path, process::Command};

use cst_bench::{Figure, StepRun};

fn write_steps(path: &Path, steps: &[StepRun]) {
    let lines: Vec<String> = steps
        .iter()
        .map(|s| serde_json::to_string(s).unwrap())
        .collect();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn step(name: &str, exit: i32) -> StepRun {
    StepRun {
        step: name.into(),
        command: format!("cargo bench --bench {name}"),
        exit,
        seconds: 12.5,
        log: format!("bench/logs/{name}.log"),
    }
}

fn report(dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bench-report"))
        .arg("--figures")
        .arg(dir.join("figures.jsonl"))
        .arg("--steps")
        .arg(dir.join("steps.jsonl"))
        .arg("--out")
        .arg(dir.join("out"))
        .args(["--started", "2026-11-23T00:00:00Z", "--commit", "abc1234"])
        .output()
        .unwrap()
}

#[test]
fn writes_both_reports_and_exits_by_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    write_steps(&dir.path().join("steps.jsonl"), &[step("bus", 0)]);
    let figures = dir.path().join("figures.jsonl");
    Figure {
        step: "bus".into(),
        ..Figure::new("bus p50", 80.2, "µs")
            .vs("plain UnixStream p50", 78.0, "µs")
            .ratio(1.03, "bus / plain")
            .ratio_at_most(1.5)
    }
    .append_to(&figures)
    .unwrap();
    let out = report(dir.path());
    assert!(out.status.success(), "{out:?}");
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(md.contains("**PASS**"), "{md}");
    assert!(
        md.contains("commit `abc1234`") && md.contains("cores"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(json["verdict"], "PASS");
    assert_eq!(json["steps"][0]["figures"][0]["baseline"]["value"], 78.0);
    assert_eq!(json["steps"][0]["figures"][0]["ratio"]["of"], "bus / plain");

    // The same run with a second step that crashed before recording anything.
    write_steps(
        &dir.path().join("steps.jsonl"),
        &[step("bus", 0), step("soak", 101)],
    );
    let out = report(dir.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(md.contains("**FAIL**"), "{md}");
    assert!(md.contains("soak: exited with status 101"), "{md}");
    assert!(md.contains("soak: recorded no figure"), "{md}");
}

#[test]
fn a_corrupt_record_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write_steps(&dir.path().join("steps.jsonl"), &[step("bus", 0)]);
    std::fs::write(
        dir.path().join("figures.jsonl"),
        "{\"step\":\"bus\",\"name\":\"x\",\"value\":1,\"unit\":\"ms\"}\n{\"step\":\"bus\",\"na",
    )
    .unwrap();
    let out = report(dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("figures.jsonl:2: not a record"), "{err}");
    assert!(
        !dir.path().join("out/report.md").exists(),
        "no report from corrupt figures"
    );
}
