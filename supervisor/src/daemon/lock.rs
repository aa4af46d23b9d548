//! One supervisor per home: an exclusive `flock` on `HOME/run/cst.lock`, held for the whole
//! life of the process and released by the kernel even on SIGKILL. Taken before any stale
//! socket file is removed, so a second `cst up` can never delete a live supervisor's sockets.

use std::{
    fs::{File, OpenOptions},
    io::{Read, Seek, SeekFrom, Write},
};

use cst_config::Home;
use nix::fcntl::{Flock, FlockArg};

use crate::error::DaemonError;

#[derive(Debug)]
pub struct InstanceLock {
    _lock: Flock<File>,
}

impl InstanceLock {
    /// Takes the lock or explains who holds it. The run directory must exist.
    pub fn acquire(home: &Home) -> Result<Self, DaemonError> {
        let path = home.lock_file();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| DaemonError::io("cannot open lock file", &path, e))?;
        let mut lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => lock,
            Err((mut file, nix::errno::Errno::EWOULDBLOCK)) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(DaemonError::AlreadyRunning {
                    home: home.root().display().to_string(),
                    pid: text.trim().parse().ok(),
                });
            }
            Err((_, errno)) => {
                return Err(DaemonError::io("cannot lock", &path, errno.into()));
            }
        };
        // Record our pid for the message a second `cst up` prints.
        let write_pid = |f: &mut File| -> std::io::Result<()> {
            f.set_len(0)?;
            f.seek(SeekFrom::Start(0))?;
            writeln!(f, "{}", std::process::id())?;
            f.flush()
        };
        write_pid(&mut lock).map_err(|e| DaemonError::io("cannot write lock file", &path, e))?;
        Ok(Self { _lock: lock })
    }
}
