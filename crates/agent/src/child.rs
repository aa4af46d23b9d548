//! Child processes that must not outlive the process that started them: the supervisor's
//! agents, and the ml agent's training runs.
//!
//! `PR_SET_PDEATHSIG` fires when the *thread* that forked the child exits, not the process:
//! spawn from a thread that lives as long as the child matters (the supervisor's spawner
//! thread; the ml agent's training thread, which waits for its run). After setting the
//! signal the child re-checks `getppid`: if the parent died between fork and prctl, the
//! child would otherwise outlive it.

use std::os::unix::process::CommandExt;

/// Makes `cmd`'s process receive SIGKILL when the spawning thread ends, and refuse to start
/// if the parent is already gone.
pub fn die_with_parent(cmd: &mut std::process::Command) {
    let parent = std::process::id();
    #[allow(unsafe_code)]
    // SAFETY: the closure runs between fork and exec and only makes two async-signal-safe
    // system calls (prctl, getppid); it allocates nothing and takes no lock.
    unsafe {
        cmd.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)?;
            if nix::unistd::getppid().as_raw() as u32 != parent {
                // The parent died between fork and prctl. No allocation after fork.
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}
