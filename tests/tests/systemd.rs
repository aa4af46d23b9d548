//! Under systemd (`Type=notify`, `deploy/systemd`): the supervisor tells the notify socket
//! READY=1 once every agent is Ready, feeds the watchdog at half its interval while the core
//! publishes, names its state in STATUS=, and says STOPPING=1 when asked to stop. The test
//! plays systemd's part with a datagram socket it reads all the time, as systemd does.

use std::{
    fs,
    os::unix::net::UnixDatagram,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use cst_tests::{Instance, bin_dir, cst_in};

type Seen = Arc<Mutex<Vec<(Instant, String)>>>;

/// Waits until `pred` holds for the lines seen so far, or panics after `limit`.
fn wait_until(
    seen: &Seen,
    limit: Duration,
    what: &str,
    pred: impl Fn(&[(Instant, String)]) -> bool,
) {
    let deadline = Instant::now() + limit;
    loop {
        if pred(&seen.lock().unwrap()) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no {what} within {limit:?}: {:?}",
            seen.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn under_systemd_it_says_ready_feeds_the_watchdog_and_says_stopping() {
    let home = Instance::new_home();
    fs::write(
        home.path().join("config.toml"),
        "[collector]\nbase_url = \"http://127.0.0.1:9\"\npoll_interval_s = 3600\n\
         [sentiment]\nfeeds = [\"http://127.0.0.1:9/rss\"]\npoll_interval_s = 3600\n\
         [health]\ndashboard_addr = \"\"\n",
    )
    .unwrap();
    let path = home.path().join("notify.sock");
    let sock = UnixDatagram::bind(&path).unwrap();
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = sock.recv(&mut buf) {
            let mut log = log.lock().unwrap();
            for line in String::from_utf8_lossy(&buf[..n]).lines() {
                log.push((Instant::now(), line.to_string()));
            }
        }
    });
    // As systemd does: WATCHDOG_PID names the main process (the shell execs into `cst`).
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("WATCHDOG_PID=$$ exec \"$0\" --home \"$1\" up")
        .arg(bin_dir().join("cst"))
        .arg(home.path())
        .env("NOTIFY_SOCKET", &path)
        .env("WATCHDOG_USEC", "1000000")
        .env_remove("CST_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Reaped as soon as it exits, so `cst stop` sees it gone (a zombie keeps its pid).
    let reaper = std::thread::spawn(move || child.wait());
    let started = Instant::now();
    wait_until(&seen, Duration::from_secs(30), "READY=1", |g| {
        g.iter().any(|(_, m)| m == "READY=1")
    });
    let (ready_at, status) = {
        let g = seen.lock().unwrap();
        let at = g.iter().position(|(_, m)| m == "READY=1").unwrap();
        let status = g[at..]
            .iter()
            .find(|(_, m)| m.starts_with("STATUS="))
            .map(|(_, m)| m.clone());
        (g[at].0, status)
    };
    // READY=1 comes with the status it was sent at.
    let status = status.unwrap_or_default();
    assert!(
        status.starts_with("STATUS=8/8 agents ready; NO-GO"),
        "{status}"
    );
    // Three seconds of watchdog pings at half the 1 s interval.
    std::thread::sleep(Duration::from_secs(3));
    let pings = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(t, m)| {
            m == "WATCHDOG=1" && *t >= ready_at && *t < ready_at + Duration::from_secs(3)
        })
        .count();
    assert!((5..=7).contains(&pings), "{pings} watchdog pings in 3 s");
    assert!(cst_in(home.path(), &["stop"]).status.success());
    wait_until(&seen, Duration::from_secs(10), "STOPPING=1", |g| {
        g.iter().any(|(_, m)| m == "STOPPING=1")
    });
    let _ = reaper.join();
    println!(
        "systemd notify: READY=1 {:.1} s after start, {pings} watchdog pings in 3 s, STOPPING=1 on `cst stop`",
        (ready_at - started).as_secs_f64()
    );
}
