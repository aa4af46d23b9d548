//! The seams, read off the resolved dependency graph (`cargo metadata`, as `cargo tree`
//! shows it): serving apart from training, and the supervisor apart from the domain.

use std::collections::{BTreeMap, BTreeSet};

/// package name → the names of its normal and build dependencies, for the workspace as
/// resolved (dev-dependencies left out: tests may use anything).
fn graph() -> BTreeMap<String, Vec<String>> {
    let root = cst_testkit::data::manifest_dir().join("..");
    // This machine's platform only: the others' crates need not be downloaded.
    let rustc = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .unwrap();
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .unwrap();
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(["--filter-platform", &host])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let mut g = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().unwrap() {
        let deps = node["deps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                d["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["kind"].as_str() != Some("dev"))
            })
            .map(|d| names[d["pkg"].as_str().unwrap()].to_string())
            .collect();
        g.insert(names[node["id"].as_str().unwrap()].to_string(), deps);
    }
    g
}

/// Everything `package` builds with (normal and build dependencies, transitively).
fn closure(g: &BTreeMap<String, Vec<String>>, package: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![package.to_string()];
    while let Some(p) = todo.pop() {
        for d in g.get(&p).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

#[test]
fn only_training_links_lightgbm_or_builds_the_onnx_schema() {
    let g = graph();
    for serving in [
        "cst-models",
        "cst-health",
        "cst-dashboard",
        "cst-agent-health",
        "cst-supervisor",
    ] {
        let deps = closure(&g, serving);
        for training in [
            "lightgbm3",
            "lightgbm3-sys",
            "prost-build",
            "protox",
            "cst-train",
        ] {
            assert!(!deps.contains(training), "{serving} depends on {training}");
        }
    }
    assert!(closure(&g, "cst-train").contains("lightgbm3"));
}

#[test]
fn the_supervisor_library_depends_on_no_domain_crate() {
    let g = graph();
    let ours: BTreeSet<String> = closure(&g, "cst-supervisor")
        .into_iter()
        .filter(|d| d.starts_with("cst-"))
        .collect();
    let allowed: BTreeSet<String> = ["cst-agent", "cst-config", "cst-logging", "cst-protocol"]
        .map(String::from)
        .into();
    assert_eq!(ours, allowed);
}

#[test]
fn domain_crates_hold_no_agent_code() {
    // The agent runtime is for agents/<name>/ (and the supervisor's child handling); a
    // library under crates/ that needs it holds an agent shell.
    let g = graph();
    let crates = cst_testkit::data::manifest_dir().join("../crates");
    for entry in std::fs::read_dir(crates).unwrap() {
        let manifest = entry.unwrap().path().join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap()
            .to_string();
        if name == "cst-agent" {
            continue;
        }
        assert!(
            !closure(&g, &name).contains("cst-agent"),
            "{name} depends on the agent runtime: its agent shell belongs in agents/"
        );
    }
}
