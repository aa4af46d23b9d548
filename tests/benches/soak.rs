//! Chaos soak: the whole service in replay for `SOAK_SECONDS` (default 600) while at least
//! `SOAK_KILLS` (default 1000) SIGKILLs hit random running agents; bounded in time and
//! count, it stops by itself. Then it checks what a user needs after a bad day:
//!
//! - every agent Ready again, every breaker closed;
//! - no orphan (an agent of this home not the supervisor's child, or another process of
//!   this home not a live agent's child) and no zombie;
//! - no file descriptor leaked by the supervisor (its count against the count before);
//! - `PRAGMA integrity_check` is ok;
//! - no committed data lost: each pair's stored candles equal the recording's rows over the
//!   stored span;
//! - breakers as specified: one opened only after `max_crashes` exits within `window_s`,
//!   and no start of that agent came before its cooldown had passed.
//!
//! `cargo bench -p cst-tests --bench soak` (after `cargo build --release --workspace --bins`).

#![allow(clippy::print_stdout)]

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
    time::{Duration, Instant},
};

use cst_bench::Figure;
use cst_protocol::status::AgentState;
use cst_store::{CandleKey, Store};
use cst_tests::{Instance, agents_up, replay::ReplayExchange};

const PAIRS: [&str; 6] = [
    "BTC-USDT",
    "ETH-USDT",
    "SOL-USDT",
    "XRP-USDT",
    "ADA-USDT",
    "DOGE-USDT",
];
const MAX_CRASHES: usize = 10;
const WINDOW_S: f64 = 60.0;
const COOLDOWN_S: f64 = 5.0;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: enough randomness to pick agents, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn fd_count(pid: u32) -> usize {
    fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// (pid, ppid, state) of every process whose environment names this home.
fn processes_of(home: &Path, sup: u32) -> Vec<(u32, u32, char)> {
    let needle = format!("CST_HOME={}", home.display());
    // A zombie's environ reads empty: the supervisor's descendants are listed as well.
    let mut pids: BTreeSet<u32> = cst_tests::descendants(sup).into_iter().collect();
    for e in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(env) = fs::read(e.path().join("environ")) else {
            continue;
        };
        if env.split(|b| *b == 0).any(|v| v == needle.as_bytes()) {
            pids.insert(pid);
        }
    }
    let mut out = Vec::new();
    for pid in pids {
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let mut f = rest.split_whitespace();
        let state = f.next().and_then(|s| s.chars().next()).unwrap_or('?');
        let ppid = f.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        out.push((pid, ppid, state));
    }
    out
}

/// Seconds since the epoch of a log line's RFC 3339 timestamp (`2026-11-23T01:37:20.834061Z`).
fn log_time(line: &str) -> Option<f64> {
    let ts = line.split_whitespace().next()?;
    let (date, time) = ts.trim_end_matches('Z').split_once('T')?;
    let d: Vec<i64> = date.split('-').filter_map(|x| x.parse().ok()).collect();
    let (h, rest) = time.split_once(':')?;
    let (m, s) = rest.split_once(':')?;
    let (y, mo, da) = (d[0], d[1], d[2]);
    // Days from civil (Howard Hinnant).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (mo + if mo > 2 { -3 } else { 9 }) + 2) / 5 + da - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(
        days as f64 * 86_400.0
            + h.parse::<f64>().ok()? * 3600.0
            + m.parse::<f64>().ok()? * 60.0
            + s.parse::<f64>().ok()?,
    )
}

fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let at = line.find(&format!(" {key}="))? + key.len() + 2;
    let rest = &line[at..];
    Some(
        rest.split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches('"'),
    )
}

fn main() {
    let seconds = env_or("SOAK_SECONDS", 600);
    let kills_wanted = env_or("SOAK_KILLS", 1000);
    let exchange = ReplayExchange::start("binance-2021-2022", &PAIRS, "2022-01-01", 3600);
    let config = format!(
        "{}\n[features]\ngroups = [\"technical\"]\nrequired = [\"technical\"]\n\
         [ml]\nhorizons_h = [1]\n\
         [supervisor]\nheartbeat_interval_ms = 500\nmissed_heartbeats = 10\n\
         [supervisor.restart]\nmax_delay_ms = 2000\n\
         [supervisor.breaker]\nmax_crashes = {MAX_CRASHES}\nwindow_s = {}\ncooldown_s = {}\nmax_cooldown_s = 20\n\
         [health]\nevaluate_interval_ms = 500\n",
        exchange.collector_config(),
        WINDOW_S as u64,
        COOLDOWN_S as u64,
    );
    let inst = Instance::start(&config);
    inst.wait_for("every agent up", Duration::from_secs(60), agents_up);
    let sup = inst.supervisor_pid();
    std::thread::sleep(Duration::from_secs(2));
    let fds_before = fd_count(sup);
    println!(
        "soak: {seconds} s, at least {kills_wanted} SIGKILLs; supervisor pid {sup} with {fds_before} fds"
    );

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ u64::from(sup));
    let started = Instant::now();
    let end = started + Duration::from_secs(seconds);
    let every = Duration::from_secs_f64(seconds as f64 / kills_wanted as f64 * 0.9);
    let mut kills: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0u64;
    let mut next = started;
    while Instant::now() < end || total < kills_wanted {
        assert!(
            started.elapsed() < Duration::from_secs(seconds * 2),
            "only {total} kills in twice the time: the agents are not coming back"
        );
        let now = Instant::now();
        if now < next {
            std::thread::sleep(next - now);
        }
        next += every;
        let Some(status) = inst.try_status() else {
            continue;
        };
        let running: Vec<_> = status
            .agents
            .iter()
            .filter(|a| {
                a.pid.is_some() && matches!(a.state, AgentState::Ready | AgentState::Starting)
            })
            .collect();
        if running.is_empty() {
            continue;
        }
        let a = running[(rng.next() % running.len() as u64) as usize];
        let pid = nix::unistd::Pid::from_raw(a.pid.unwrap_or(0) as i32);
        if nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).is_ok() {
            total += 1;
            *kills.entry(a.name.clone()).or_default() += 1;
        }
    }
    let kill_phase = started.elapsed();
    Figure::new(
        "chaos soak: SIGKILLs of random agents",
        total as f64,
        "kills",
    )
    .at_least(kills_wanted as f64)
    .note(format!("{kills:?}"))
    .record();
    Figure::new(
        "chaos soak: duration of the kill phase",
        kill_phase.as_secs_f64(),
        "s",
    )
    .at_least(seconds as f64)
    .record();
    println!(
        "soak: {total} SIGKILLs in {:.0} s ({:.2}/s): {kills:?}",
        kill_phase.as_secs_f64(),
        total as f64 / kill_phase.as_secs_f64()
    );

    // Everything back: every agent Ready, every breaker closed (cooldowns are short here).
    let back = Instant::now();
    let report = inst.wait_for(
        "every agent Ready again",
        Duration::from_secs(120),
        agents_up,
    );
    println!(
        "soak: all {} agents Ready again {:.1} s after the last kill",
        report.agents.len(),
        back.elapsed().as_secs_f64()
    );
    Figure::new(
        "chaos soak: every agent Ready again after the last kill",
        back.elapsed().as_secs_f64(),
        "s",
    )
    .at_most(120.0)
    .record();
    std::thread::sleep(Duration::from_secs(3));
    let restarts: u64 = report.agents.iter().map(|a| a.restarts).sum();

    // No orphans, no zombies.
    let procs = processes_of(inst.path(), sup);
    let agent_pids: BTreeSet<u32> = report.agents.iter().filter_map(|a| a.pid).collect();
    let strays: Vec<_> = procs
        .iter()
        .filter(|(pid, ppid, state)| {
            // An agent must be the supervisor's child; anything else must be the child of
            // a live agent (the ml agent's training process), never an orphan.
            *state == 'Z'
                || (agent_pids.contains(pid) && *ppid != sup)
                || (!agent_pids.contains(pid) && !agent_pids.contains(ppid))
        })
        .collect();
    Figure::new(
        "chaos soak: orphan or zombie processes",
        strays.len() as f64,
        "processes",
    )
    .equal(0.0)
    .record();
    assert!(
        strays.is_empty(),
        "orphans or zombies (pid, ppid, state): {strays:?}"
    );
    let children = procs.iter().filter(|(_, ppid, _)| *ppid == sup).count();

    // No leaked descriptors.
    let fds_after = fd_count(sup);
    Figure::new(
        "chaos soak: supervisor's file descriptors gained (after − before)",
        fds_after as f64 - fds_before as f64,
        "fds",
    )
    .vs("open before the soak", fds_before as f64, "fds")
    .at_most(2.0)
    .note(format!(
        "{fds_after} after; up to 2 more allowed: a control client's connection in flight"
    ))
    .record();
    assert!(
        fds_after <= fds_before + 2,
        "the supervisor holds {fds_after} fds, {fds_before} before the soak"
    );

    // Stop, then the store.
    assert!(inst.cst(&["stop"]).status.success());
    let store = Store::open(&inst.path().join("data/cst.db")).unwrap();
    let integrity = store.integrity_check().unwrap();
    Figure::new(
        "chaos soak: PRAGMA integrity_check not ok",
        f64::from(u8::from(integrity != "ok")),
        "",
    )
    .equal(0.0)
    .note(format!("integrity_check: {integrity}"))
    .record();
    assert_eq!(integrity, "ok");
    let mut compared = 0usize;
    let mut differ = Vec::new();
    for p in PAIRS {
        let pair = p.replace('-', "/");
        let key = CandleKey::new("replay", &pair, cst_market::Timeframe::H1);
        let (Some(first), Some(last)) = (
            store.earliest_open_time(&key).unwrap(),
            store.latest_open_time(&key).unwrap(),
        ) else {
            panic!("no candles stored for {pair}");
        };
        let stored = store.candles_between(&key, first, last + 3600).unwrap();
        let csv = fs::read_to_string(cst_tests::replay::shared(&format!(
            "ohlcv-1h/binance-2021-2022/{p}.csv"
        )))
        .unwrap();
        let recorded: Vec<(i64, f64)> = csv
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                Some((f[0].parse().ok()?, f[4].parse().ok()?))
            })
            .filter(|(t, _)| (first..=last).contains(t))
            .collect();
        let got: Vec<(i64, f64)> = stored.iter().map(|c| (c.open_time, c.close)).collect();
        if got != recorded {
            differ.push(format!(
                "{pair}: {} stored, {} recorded over {first}..={last}, {} of them differing",
                got.len(),
                recorded.len(),
                recorded.iter().filter(|r| !got.contains(r)).count()
            ));
        }
        compared += got.len();
    }
    Figure::new(
        "chaos soak: pairs whose stored candles differ from the recording",
        differ.len() as f64,
        "pairs",
    )
    .equal(0.0)
    .vs("candles compared", compared as f64, "candles")
    .note(if differ.is_empty() {
        format!("{compared} candles of {} pairs equal", PAIRS.len())
    } else {
        differ.join("; ")
    })
    .record();
    assert!(differ.is_empty(), "{differ:?}");

    // Breakers, from the supervisor's log: when one opened, and every start.
    let log = inst.output();
    let mut exits: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut opened: Vec<(String, f64)> = Vec::new();
    let mut spawned: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut readied: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for line in log.lines() {
        let (Some(t), Some(agent)) = (log_time(line), field(line, "agent")) else {
            continue;
        };
        if line.contains("agent exited") {
            exits.entry(agent.to_string()).or_default().push(t);
            if line.contains("state=breaker") {
                opened.push((agent.to_string(), t));
            }
        } else if line.contains("core: spawned") {
            spawned.entry(agent.to_string()).or_default().push(t);
        } else if line.contains("core: ready") {
            readied.entry(agent.to_string()).or_default().push(t);
        }
    }
    let mut probes_failed = 0;
    let mut wrong = Vec::new();
    for (i, (agent, t)) in opened.iter().enumerate() {
        // Reopened by a failed probe: an earlier opening of this agent, no Ready since.
        let reopened = opened[..i]
            .iter()
            .rev()
            .find(|(a, _)| a == agent)
            .is_some_and(|(_, before)| {
                !readied
                    .get(agent)
                    .is_some_and(|r| r.iter().any(|&r| r > *before && r < *t))
            });
        let recent = exits[agent]
            .iter()
            .filter(|&&e| e <= *t && e > t - WINDOW_S)
            .count();
        if reopened {
            probes_failed += 1;
        } else {
            if recent < MAX_CRASHES {
                wrong.push(format!(
                    "{agent}'s breaker opened after {recent} exits in {WINDOW_S} s (needs {MAX_CRASHES})"
                ));
            }
        }
        let restart = spawned
            .get(agent)
            .and_then(|s| s.iter().find(|&&s| s > *t).copied());
        if let Some(r) = restart
            && r - t < COOLDOWN_S - 0.05
        {
            wrong.push(format!(
                "{agent} started {:.2} s after its breaker opened (cooldown {COOLDOWN_S} s)",
                r - t
            ));
        }
    }
    let never_opened: Vec<_> = exits
        .iter()
        .filter(|(a, e)| {
            e.windows(MAX_CRASHES)
                .any(|w| w[MAX_CRASHES - 1] - w[0] < WINDOW_S * 0.5)
                && !opened.iter().any(|(o, _)| o == *a)
        })
        .map(|(a, _)| a.clone())
        .collect();
    if !never_opened.is_empty() {
        wrong.push(format!(
            "no breaker opened for {never_opened:?} despite {MAX_CRASHES} exits well within {WINDOW_S} s"
        ));
    }
    Figure::new("chaos soak: breaker openings", opened.len() as f64, "openings")
        .note(format!(
            "{probes_failed} by a failed probe, the others after >= {MAX_CRASHES} exits in {WINDOW_S} s; {restarts} restarts"
        ))
        .record();
    Figure::new(
        "chaos soak: breaker behaviour not as specified",
        wrong.len() as f64,
        "cases",
    )
    .equal(0.0)
    .note(if wrong.is_empty() {
        format!("every opening had its reason and a cooldown of >= {COOLDOWN_S} s")
    } else {
        wrong.join("; ")
    })
    .record();
    assert!(wrong.is_empty(), "{wrong:?}");
    println!(
        "soak: PASS: {total} SIGKILLs over {:.0} s; {restarts} restarts; {} breaker openings ({probes_failed} by a failed probe, the others after >= {MAX_CRASHES} exits in {WINDOW_S} s), each followed by a start >= {COOLDOWN_S} s later; \
         {children} agents, 0 orphans, 0 zombies; supervisor fds {fds_before} -> {fds_after}; integrity_check ok; {compared} candles of {} pairs equal to the recording",
        kill_phase.as_secs_f64(),
        opened.len(),
        PAIRS.len()
    );
    drop(exchange);
}
