//! The health socket with real HTTP clients: curl for JSON, promtool for the metrics.

use std::process::{Command, Stdio};

use cst_protocol::status::StatusReport;
use cst_tests::Instance;

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

#[test]
fn curl_gets_health_json_from_the_unix_socket() {
    let inst = Instance::start("");
    inst.wait_ready();
    let (code, body) = curl(&inst, "/health");
    assert_eq!(code, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["ready"], true);
    // Nothing is GO without a health agent's report.
    assert_eq!(json["status"], "degraded");
    let agents = json["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 8);
    for a in agents {
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
        assert_eq!(a["state"], "ready");
    }
    let typed: StatusReport = serde_json::from_str(&body).unwrap();
    assert_eq!(typed.agents[0].name, "collector");
    let (code, body) = curl(&inst, "/nope");
    assert_eq!(code, 404);
    assert!(body.contains("GET /health"));
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
    assert_eq!(json["reasons"].as_array().unwrap().len(), 8);
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
        "ready and sampled",
        std::time::Duration::from_secs(20),
        |r| r.ready && r.agents.iter().all(|a| a.rss_bytes.is_some()),
    );
    let (code, body) = curl(&inst, "/metrics");
    assert_eq!(code, 200);
    for name in [
        "cst_ready 1",
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
