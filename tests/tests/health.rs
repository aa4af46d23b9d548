//! The health socket with real HTTP clients: curl for JSON, promtool for the metrics.

use std::process::{Command, Stdio};

use cst_protocol::status::StatusReport;
use std::time::Duration;

use cst_tests::{Instance, agents_up};

fn curl(inst: &Instance, path: &str) -> (u16, String) {
    let sock = inst.path().join("run/health.sock");
    let out = Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "10",
            "-w",
            "\n%{http_code}",
            "--unix-socket",
        ])
        .arg(&sock)
        .arg(format!("http://localhost{path}"))
        .output()
        .expect("curl is installed (deploy/setup.sh installs it)");
    assert!(
        out.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.parse().unwrap(), body.to_string())
}

/// A one-route HTTP stub on loopback that answers 200 and hands each request body over.
fn webhook_stub() -> (String, std::sync::mpsc::Receiver<serde_json::Value>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook/SECRET", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            let _ = tx.send(serde_json::from_slice(&body).unwrap_or_default());
        }
    });
    (url, rx)
}

/// The next alert of `kind` the stub received within 30 s (others are skipped).
fn next_alert(
    alerts: &std::sync::mpsc::Receiver<serde_json::Value>,
    kind: &str,
) -> serde_json::Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let alert = alerts
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no {kind} alert on the webhook within 30 s"));
        if alert["kind"] == kind {
            return alert;
        }
    }
}

#[test]
fn a_fresh_home_without_models_is_not_ready_nogo_and_says_why_everywhere() {
    let (url, alerts) = webhook_stub();
    let inst = Instance::start(&format!(
        "[health.alerts]\nwebhook_url = \"{url}\"\nwebhook_format = \"json\"\n"
    ));
    inst.wait_for("every agent up", Duration::from_secs(30), agents_up);
    let (code, body) = {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let (code, body) = curl(&inst, "/health");
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            if !json["health_score"].is_null() || std::time::Instant::now() > deadline {
                break (code, body);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    assert_eq!(code, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["ready"], false, "{json:#}");
    assert_eq!(json["status"], "nogo", "{json:#}");
    let score = json["health_score"].as_f64().unwrap();
    assert!(
        score < 60.0,
        "without models the score stays under NO-GO: {score}"
    );
    let reasons: Vec<&str> = json["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    let all = reasons.join("\n");
    assert!(
        all.contains("models: no active 1 h model") && all.contains("cst train"),
        "{all}"
    );
    assert!(all.contains("calibration: no calibration report"), "{all}");
    let checks = json["checks"].as_array().unwrap();
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c["ok"] == false)
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in ["models", "calibration", "coverage", "features"] {
        assert!(failed.contains(&name), "{name} should fail: {failed:?}");
    }
    for name in ["agents", "breakers"] {
        assert!(!failed.contains(&name), "{name} should pass: {failed:?}");
    }
    let weights: f64 = json["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["weight"].as_f64().unwrap())
        .sum();
    assert_eq!(weights, 100.0);
    for a in json["agents"].as_array().unwrap() {
        for field in [
            "name",
            "state",
            "pid",
            "restarts",
            "breaker",
            "rss_bytes",
            "cpu_percent",
            "last_exit",
        ] {
            assert!(a.get(field).is_some(), "agent entry lacks {field}: {a}");
        }
    }
    // The same verdict through the CLI, the v1 status view, and a 404 that says where to go.
    let out = inst.cst(&["health"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "`cst health` fails when not ready"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("status: NOGO   NOT READY"), "{text}");
    assert!(text.contains("FAIL models"), "{text}");
    let typed: StatusReport = serde_json::from_str(&body).unwrap();
    assert_eq!(typed.agents[0].name, "collector");
    assert!(!typed.ready);
    let (code, body) = curl(&inst, "/nope");
    assert_eq!(code, 404);
    assert!(body.contains("GET /health"));

    // The dashboard's API says the same, and leaves the AI sections empty with the reason.
    let dash = inst.dashboard_url();
    let (code, ready) = cst_tests::get_json(&format!("{dash}api/readiness"));
    assert_eq!(code, 200, "{ready}");
    assert_eq!(ready["ready"], false);
    assert!(
        ready["reasons"]
            .to_string()
            .contains("models: no active 1 h model"),
        "{ready}"
    );
    let (_, opp) = cst_tests::get_json(&format!("{dash}api/opportunities"));
    assert_eq!(opp["candidates"], serde_json::json!([]), "{opp}");
    assert_eq!(opp["models_active"], 0);
    assert!(
        opp["empty_reason"].as_str().unwrap().contains("cst train"),
        "{opp}"
    );

    // NO-GO is a critical alert, POSTed to the webhook.
    let nogo = next_alert(&alerts, "nogo");
    assert_eq!(nogo["severity"], "critical");
    assert!(nogo["message"].as_str().unwrap().contains("no new entries"));
    // ... and only once while it lasts.
    std::thread::sleep(Duration::from_secs(3));
    assert!(alerts.try_iter().all(|a| a["kind"] != "nogo"));
    let log = std::fs::read_to_string(inst.path().join("logs/health/health.log")).unwrap();
    assert!(log.contains("NO-GO"), "alerts always go to the log");
    assert!(
        !log.contains("SECRET"),
        "the webhook URL never shows in the log"
    );
}

#[test]
fn health_answers_with_every_agent_down() {
    let config = cst_protocol::AGENTS
        .iter()
        .map(|a| format!("[agents.{a}]\nenabled = true\ncommand = [\"/bin/false\"]\n"))
        .collect::<String>();
    let inst = Instance::start(&config);
    inst.wait_for(
        "all breakers open",
        std::time::Duration::from_secs(30),
        |r| {
            r.agents
                .iter()
                .all(|a| a.breaker == cst_protocol::status::BreakerState::Open)
        },
    );
    let (code, body) = curl(&inst, "/health");
    assert_eq!(code, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["ready"], false);
    assert_eq!(json["status"], "nogo");
    let reasons = json["reasons"].to_string();
    assert!(reasons.contains("no health report"), "{reasons}");
    for agent in cst_protocol::AGENTS {
        assert!(
            reasons.contains(&format!("cst reset {agent}")),
            "{agent}: {reasons}"
        );
    }
    let out = inst.cst(&["health"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "`cst health` fails when not ready"
    );
}

#[test]
fn metrics_parse_as_prometheus_text() {
    let inst = Instance::start("");
    inst.wait_for(
        "agents up and sampled",
        std::time::Duration::from_secs(20),
        |r| agents_up(r) && r.agents.iter().all(|a| a.rss_bytes.is_some()),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let body = loop {
        let (code, body) = curl(&inst, "/metrics");
        assert_eq!(code, 200);
        if body.contains("cst_health_score") || std::time::Instant::now() > deadline {
            break body;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    for name in [
        "cst_ready 0",
        "cst_status 0",
        "cst_health_score ",
        "cst_check_ok{check=\"models\"} 0",
        "cst_health_component_score{component=\"models\"} 0",
        "cst_collector_requests_total",
        "cst_predictions_total 0",
        "cst_inference_seconds_total 0",
        "cst_agent_up{agent=\"ml\"} 1",
        "cst_agent_restarts_total{agent=\"ml\"} 0",
        "cst_agent_rss_bytes{agent=\"ml\"}",
    ] {
        assert!(body.contains(name), "{name} missing from:\n{body}");
    }
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool is installed (deploy/setup.sh installs Debian's prometheus)");
    use std::io::Write;
    check
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = check.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool rejected /metrics:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn health_is_also_served_on_a_loopback_tcp_port_when_configured() {
    // Port 0: the supervisor binds a free port and logs it, so parallel tests never collide.
    let inst = Instance::start("[health]\ntcp_addr = \"127.0.0.1:0\"\n");
    inst.wait_ready();
    let log = std::fs::read_to_string(inst.path().join("logs/cst/cst.log")).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("health endpoint on loopback TCP"))
        .expect("bound address logged");
    let json: serde_json::Value = serde_json::from_str(line).unwrap();
    let addr = json["addr"].as_str().unwrap().to_string();
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "10"])
        .arg(format!("http://{addr}/metrics"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("cst_ready 1"));
}

#[test]
fn a_non_loopback_health_address_is_a_config_error_naming_the_key() {
    let inst = Instance::start(
        "[health]\ntcp_addr = \"0.0.0.0:9464\"\n[supervisor]\nmissed_heartbeats = 0\n",
    );
    let mut inst = inst;
    assert_eq!(inst.wait_exit(std::time::Duration::from_secs(10)), Some(78));
    let out = inst.output();
    assert!(
        out.contains("health.tcp_addr 0.0.0.0:9464 is not a loopback address"),
        "{out}"
    );
    assert!(
        out.contains("supervisor.missed_heartbeats"),
        "every error at once: {out}"
    );
}

#[test]
fn a_client_that_never_finishes_its_headers_is_disconnected() {
    use std::io::{Read, Write};
    let inst = Instance::start("");
    inst.wait_ready();
    let mut s =
        std::os::unix::net::UnixStream::connect(inst.path().join("run/health.sock")).unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(15)))
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    // The server must end the connection (possibly with a 408) well before our timeout.
    let _ = s.read_to_end(&mut buf);
    let waited = started.elapsed();
    assert!(
        waited < std::time::Duration::from_secs(10),
        "held for {waited:?}"
    );
    // And it keeps serving everyone else.
    let (code, _) = curl(&inst, "/health");
    assert_eq!(code, 200);
}

#[test]
fn the_kill_switch_is_a_critical_alert_sent_once_while_it_lasts() {
    // A stand-in risk agent announcing `risk.halted` (key `k`) every 100 ms.
    let (url, alerts) = webhook_stub();
    let bin = cst_tests::bin_dir().join("pubsub_agent");
    let inst = Instance::start(&format!(
        "[agents.risk]\nenabled = true\ncommand = [{:?}, \"publish\", \"risk.halted\"]\n\
         [health.alerts]\nwebhook_url = \"{url}\"\nwebhook_format = \"json\"\n",
        bin.display().to_string()
    ));
    inst.wait_for("every agent up", Duration::from_secs(30), agents_up);
    let halt = next_alert(&alerts, "kill_switch");
    assert_eq!(halt["severity"], "critical");
    assert_eq!(halt["subject"], "k");
    assert!(
        halt["message"]
            .as_str()
            .unwrap()
            .contains("cst risk resume")
    );
    std::thread::sleep(Duration::from_secs(3));
    let again = alerts
        .try_iter()
        .filter(|a| a["kind"] == "kill_switch")
        .count();
    assert_eq!(
        again, 0,
        "30 more announcements, no second alert within the hour"
    );
}
