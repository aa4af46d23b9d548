//! A misbehaving agent for the end-to-end tests, started by the supervisor through a
//! `command` override so that its pid passes the bus's spawned-pid check. MODE:
//! - `garbage`: random bytes behind a valid length prefix instead of a Hello;
//! - `oversized`: a length prefix of 4 GiB;
//! - `truncated`: half a frame, then the write side goes quiet;
//! - `version`: a Hello from protocol version 99;
//! - `hang`: a correct handshake and Ready, then no heartbeats ever;
//! - `flood`: 200,000 lines on stderr as fast as it can, then a normal agent;
//! - `ugly`: a 200 KiB line, bytes that are not UTF-8 and an unterminated line, then a
//!   normal agent that logs as usual.
//!
//! After its act it prints what the supervisor answered and sleeps until killed.

#![allow(clippy::print_stdout)]

use std::time::Duration;

use cst_protocol::{
    PROTOCOL_VERSION,
    bus::{AgentFrame, Hello, Ready},
    frame::encode_frame,
    socket,
};
use futures::SinkExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let home = std::env::var("CST_HOME")?;
    let bus = std::path::Path::new(&home).join("run/bus.sock");
    let pid = std::process::id();
    let hello = |version| {
        AgentFrame::Hello(Hello {
            protocol_version: version,
            agent: std::env::var("CST_AGENT").unwrap_or_default(),
            pid,
        })
    };

    if mode == "flood" || mode == "ugly" {
        use std::io::Write;
        let started = std::time::Instant::now();
        let mut err = std::io::stderr().lock();
        if mode == "flood" {
            for i in 0..200_000 {
                writeln!(err, "flood line {i} {}", "x".repeat(100))?;
            }
        } else {
            writeln!(err, "before {} end of long line", "y".repeat(200 * 1024))?;
            err.write_all(b"not utf-8: \xff\xfe\xfd\n")?;
            err.write_all(b"line without an end, then ")?;
        }
        err.flush()?;
        drop(err);
        println!("rogue: {mode} output written in {:?}", started.elapsed());
        // Then behave like a real agent, JSON logs included.
        cst_logging::init_agent("info");
        let env = cst_agent::AgentEnv {
            name: std::env::var("CST_AGENT")?,
            home: cst_config::Home::new(&home),
            config_path: None,
        };
        cst_agent::run(env, cst_agent::Idle).await?;
        return Ok(());
    }

    if mode == "hang" {
        let (_reader, writer, _) =
            cst_agent::bus::connect(&bus, &std::env::var("CST_AGENT")?, Duration::from_secs(5))
                .await?;
        let mut writer = writer;
        writer.send(AgentFrame::Ready(Ready {})).await?;
        println!("rogue: ready, now hanging");
        tokio::time::sleep(Duration::from_secs(3600)).await;
        return Ok(());
    }

    let mut stream = socket::connect(&bus).await?;
    let bytes: Vec<u8> = match mode.as_str() {
        "garbage" => [
            &16u32.to_be_bytes()[..],
            &[
                0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0xff, 0x13, 0x37, 0xca, 0xfe, 0x01, 0x02,
                0x03, 0x04,
            ],
        ]
        .concat(),
        "oversized" => [&u32::MAX.to_be_bytes()[..], b"xxxx"].concat(),
        "truncated" => {
            let frame = encode_frame(&hello(PROTOCOL_VERSION))?;
            frame[..frame.len() / 2].to_vec()
        }
        "version" => encode_frame(&hello(99))?,
        other => anyhow::bail!("unknown mode {other:?}"),
    };
    stream.write_all(&bytes).await?;
    // For `truncated` the rest never comes: the supervisor's Hello timeout must end it.
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    println!(
        "rogue {mode}: supervisor answered {} bytes and closed",
        answer.len()
    );
    tokio::time::sleep(Duration::from_secs(3600)).await;
    Ok(())
}
