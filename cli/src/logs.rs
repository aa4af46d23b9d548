//! `cst logs AGENT`: the tail of `HOME/logs/AGENT/AGENT.log`, optionally followed across
//! rotations. Reads the files directly, so it works while the supervisor is down.

#![allow(clippy::print_stdout)]

use std::{
    fs::File,
    io::{BufRead, BufReader, Seek, SeekFrom, Write},
    time::Duration,
};

use anyhow::{Context, bail};
use cst_config::Home;
use cst_protocol::AGENTS;

pub fn show(home: &Home, agent: &str, lines: usize, follow: bool) -> anyhow::Result<()> {
    if agent != "cst" && !AGENTS.contains(&agent) {
        bail!(
            "no agent named {agent:?}: agents are {} (or `cst` for the supervisor)",
            AGENTS.join(", ")
        );
    }
    let path = home.log_file(agent);
    let file = File::open(&path).with_context(|| {
        format!(
            "no log at {}: has `cst up --home {}` run yet?",
            path.display(),
            home.root().display()
        )
    })?;
    let mut reader = BufReader::new(file);
    let mut all: Vec<String> = Vec::new();
    let mut line = String::new();
    while reader.read_line(&mut line)? > 0 {
        all.push(std::mem::take(&mut line));
    }
    let mut out = std::io::stdout().lock();
    for l in &all[all.len().saturating_sub(lines)..] {
        out.write_all(l.as_bytes())?;
    }
    out.flush()?;
    if !follow {
        return Ok(());
    }
    let mut pos = reader.stream_position()?;
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if len < pos {
            // Rotated: the new file starts from the beginning.
            reader = BufReader::new(File::open(&path)?);
            pos = 0;
        }
        reader.seek(SeekFrom::Start(pos))?;
        while reader.read_line(&mut line)? > 0 {
            if !line.ends_with('\n') {
                break; // partial line: print it once complete
            }
            out.write_all(line.as_bytes())?;
            pos += line.len() as u64;
            line.clear();
        }
        line.clear();
        out.flush()?;
    }
}
