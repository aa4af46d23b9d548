//! The agent's side of a training process, against real processes (`sh -c SCRIPT`) that
//! report, crash, or write garbage the way a training run can.

use std::time::{Duration, Instant};

use cst_config::Home;

use super::{Setting, Trainer};

/// Starts a run of horizons 1 and 24 in `sh -c script` and waits until it is collected.
fn run(script: &str) -> Trainer {
    let mut trainer = Trainer::with_program("/bin/sh", &["-c", script, "sh"]);
    let home = Home::new("/nonexistent/cst-home");
    let setting = Setting {
        home: &home,
        config: None,
    };
    assert!(trainer.start(setting, vec![1, 24], 1_725_235_200, "test"));
    assert!(
        !trainer.start(setting, vec![1], 1_725_235_200, "test"),
        "a second run while one is going"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while trainer.is_running() {
        assert!(Instant::now() < deadline, "the run never finished");
        std::thread::sleep(Duration::from_millis(10));
        trainer.collect();
    }
    trainer
}

const OK_1: &str = r#"{"horizon_h":1,"outcome":{"Ok":"model h1-x: active (better)"}}"#;
const ERR_24: &str = r#"{"horizon_h":24,"outcome":{"Err":"too little history"}}"#;

#[test]
fn each_reported_horizon_is_counted_as_the_process_said() {
    let t = run(&format!("cat >/dev/null; echo '{OK_1}'; echo '{ERR_24}'"));
    assert_eq!(
        (t.started, t.horizons_trained, t.horizons_failed),
        (1, 1, 1)
    );
    assert_eq!(t.crashed, 0);
}

#[test]
fn the_process_receives_the_job_on_stdin() {
    // The child answers only if it was told the home, both horizons and the data's clock.
    let script = format!(
        r#"job=$(cat); case "$job" in *'"home":"/nonexistent/cst-home"'*'"horizons":[1,24],"now":1725235200'*) echo '{OK_1}'; echo '{OK_1}' | sed 's/"horizon_h":1/"horizon_h":24/';; *) echo "$job" >&2; exit 3;; esac"#
    );
    let t = run(&script);
    assert_eq!(
        (t.horizons_trained, t.horizons_failed, t.crashed),
        (2, 0, 0)
    );
}

#[test]
fn a_process_killed_mid_run_fails_the_horizons_it_did_not_report() {
    // As the kernel's OOM killer would: after the first horizon, SIGKILL.
    let t = run(&format!("cat >/dev/null; echo '{OK_1}'; kill -9 $$"));
    assert_eq!((t.horizons_trained, t.horizons_failed), (1, 1));
    assert_eq!(t.crashed, 1, "the kill is counted");
}

#[test]
fn a_process_that_exits_with_an_error_or_reports_too_little_is_a_failed_run() {
    let t = run("cat >/dev/null; exit 1");
    assert_eq!(
        (t.horizons_trained, t.horizons_failed, t.crashed),
        (0, 2, 1)
    );
    let t = run(&format!("cat >/dev/null; echo '{OK_1}'"));
    assert_eq!(
        (t.horizons_trained, t.horizons_failed, t.crashed),
        (1, 1, 1)
    );
}

#[test]
fn garbage_on_the_report_pipe_is_a_failure_not_a_model() {
    let script = format!(
        "cat >/dev/null; echo 'model h24-x: active'; printf '\\000\\377\\n'; echo '{OK_1}'"
    );
    let t = run(&script);
    assert_eq!(
        (t.horizons_trained, t.horizons_failed, t.crashed),
        (1, 1, 1),
        "only the well-formed line counts; 24 h was never reported"
    );
}

#[test]
fn a_binary_that_cannot_start_fails_every_horizon() {
    let mut trainer = Trainer::with_program("/nonexistent/cst-ml", &[]);
    let home = Home::new("/nonexistent/cst-home");
    let setting = Setting {
        home: &home,
        config: None,
    };
    assert!(trainer.start(setting, vec![1, 24], 0, "test"));
    while trainer.is_running() {
        std::thread::sleep(Duration::from_millis(10));
        trainer.collect();
    }
    assert_eq!((trainer.horizons_failed, trainer.crashed), (2, 1));
}
