//! Steady idle memory of a release `cst up` with all eight agents: RSS of the supervisor
//! plus every agent, read from /proc after the service has been Ready for a while.
//! RSS counts shared pages (libc, the binary's text) once per process, so the sum
//! overstates the real footprint; PSS, which shares them out, is printed beside it.
//! Bar: RSS total ≤ 60 MB.

#![allow(clippy::print_stdout)]

use std::time::Duration;

use cst_bench::Figure;
use cst_tests::{Instance, memory};

fn main() {
    let inst = Instance::start("");
    inst.wait_ready();
    // Steady state: several heartbeats and samples after startup.
    std::thread::sleep(Duration::from_secs(10));
    let report = inst.wait_ready();
    let mut pids = vec![("cst (supervisor)".to_string(), inst.supervisor_pid())];
    pids.extend(
        report
            .agents
            .iter()
            .map(|a| (a.name.clone(), a.pid.unwrap())),
    );
    let (mut rss, mut pss, mut anon) = (0, 0, 0);
    let mut each = Vec::new();
    for (name, pid) in &pids {
        let (r, p) = memory(*pid);
        anon += anon_kb(*pid) * 1024;
        each.push(format!("{name} {:.1}", r as f64 / 1e6));
        println!(
            "{name:<18} RSS {:>6.1} MB   PSS {:>6.1} MB",
            r as f64 / 1e6,
            p as f64 / 1e6
        );
        rss += r;
        pss += p;
    }
    println!(
        "total              RSS {:>6.1} MB   PSS {:>6.1} MB",
        rss as f64 / 1e6,
        pss as f64 / 1e6
    );
    Figure::new(
        "idle RSS, supervisor + 8 agents (10 s after Ready)",
        rss as f64 / 1e6,
        "MB",
    )
    .at_most(60.0)
    .note(format!(
        "PSS {:.1} MB; anonymous (heap, stacks) {:.1} MB, the rest is the binaries' and \
         libraries' code and data mapped from files; per process: {} MB",
        pss as f64 / 1e6,
        anon as f64 / 1e6,
        each.join(", ")
    ))
    .record();
}

/// Resident anonymous memory of a process (`RssAnon`), in kB.
fn anon_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
