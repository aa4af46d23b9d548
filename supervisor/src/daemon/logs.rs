//! Captures agents' stdout/stderr into `HOME/logs/<agent>/<agent>.log` (size-rotated).
//!
//! Reader tasks drain the pipes as fast as the agent writes, so an agent never blocks on a
//! full pipe; lines go through a bounded queue to one writer thread, and when the queue is
//! full the line is dropped and counted instead.

use std::{
    io::Write,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
        mpsc as std_mpsc,
    },
};

use bytes::BytesMut;
use cst_config::{Home, LogConfig};
use cst_logging::RotatingFile;
use tokio::{
    io::{AsyncRead, AsyncReadExt},
    process::{ChildStderr, ChildStdout},
    runtime::Handle,
};

/// Longer lines are cut rather than buffered without bound.
const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct LogSink {
    tx: std_mpsc::SyncSender<(usize, String)>,
    dropped: Arc<Vec<AtomicU64>>,
}

impl LogSink {
    /// Starts the writer thread for agents `names` (indexed like the core's agent list).
    pub fn start(home: &Home, names: &[String], cfg: &LogConfig) -> std::io::Result<Self> {
        let (tx, rx) = std_mpsc::sync_channel::<(usize, String)>(cfg.queue_lines);
        let paths: Vec<_> = names.iter().map(|n| home.log_file(n)).collect();
        let (max, keep) = (cfg.max_file_bytes, cfg.keep_files);
        let dropped = Arc::new(names.iter().map(|_| AtomicU64::new(0)).collect::<Vec<_>>());
        let write_errors = dropped.clone();
        std::thread::Builder::new()
            .name("cst-logwriter".into())
            .spawn(move || {
                let mut files: Vec<Option<RotatingFile>> = paths.iter().map(|_| None).collect();
                for (agent, mut line) in rx {
                    if files[agent].is_none() {
                        match RotatingFile::open(&paths[agent], max, keep) {
                            Ok(f) => files[agent] = Some(f),
                            Err(e) => {
                                eprintln!("cst: cannot open {}: {e}", paths[agent].display());
                                write_errors[agent].fetch_add(1, Ordering::Relaxed);
                                continue;
                            }
                        }
                    }
                    line.push('\n');
                    if let Some(file) = files[agent].as_mut()
                        && file.write_all(line.as_bytes()).is_err()
                    {
                        write_errors[agent].fetch_add(1, Ordering::Relaxed);
                        files[agent] = None;
                    }
                }
            })?;
        Ok(Self { tx, dropped })
    }

    pub fn dropped(&self, agent: usize) -> u64 {
        self.dropped[agent].load(Ordering::Relaxed)
    }

    pub fn capture(&self, handle: &Handle, agent: usize, out: ChildStdout, err: ChildStderr) {
        handle.spawn(self.clone().pump(agent, out));
        handle.spawn(self.clone().pump(agent, err));
    }

    /// Reads raw bytes until EOF, so no line can end the capture: an over-long line is cut
    /// at [`MAX_LINE`] (the rest of it is skipped) and invalid UTF-8 is replaced, never fatal.
    async fn pump(self, agent: usize, mut pipe: impl AsyncRead + Unpin) {
        let mut buf = BytesMut::with_capacity(8192);
        // Bytes of an over-long line still to skip, until its newline arrives.
        let mut skipping = false;
        loop {
            match pipe.read_buf(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
                let line = buf.split_to(nl + 1);
                if std::mem::take(&mut skipping) {
                    continue;
                }
                self.emit(agent, &line[..nl]);
            }
            if buf.len() >= MAX_LINE {
                if !skipping {
                    let mut cut = buf.split_to(MAX_LINE).to_vec();
                    cut.extend_from_slice(b" [line cut at 64 KiB by cst]");
                    self.emit(agent, &cut);
                }
                buf.clear();
                skipping = true;
            }
        }
        if !buf.is_empty() && !skipping {
            self.emit(agent, &buf);
        }
    }

    fn emit(&self, agent: usize, line: &[u8]) {
        let line = String::from_utf8_lossy(line).into_owned();
        if self.tx.try_send((agent, line)).is_err() {
            self.dropped[agent].fetch_add(1, Ordering::Relaxed);
        }
    }
}
