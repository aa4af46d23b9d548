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

use cst_config::{Home, LogConfig};
use cst_logging::RotatingFile;
use futures::StreamExt;
use tokio::{
    io::AsyncRead,
    process::{ChildStderr, ChildStdout},
    runtime::Handle,
};
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};

/// Longer lines are dropped (and counted) rather than buffered without bound.
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

    async fn pump(self, agent: usize, pipe: impl AsyncRead + Unpin) {
        let mut lines = FramedRead::new(pipe, LinesCodec::new_with_max_length(MAX_LINE));
        while let Some(line) = lines.next().await {
            match line {
                Ok(line) => {
                    if self.tx.try_send((agent, line)).is_err() {
                        self.dropped[agent].fetch_add(1, Ordering::Relaxed);
                    }
                }
                Err(LinesCodecError::MaxLineLengthExceeded) => {
                    self.dropped[agent].fetch_add(1, Ordering::Relaxed);
                }
                Err(LinesCodecError::Io(_)) => break,
            }
        }
    }
}
