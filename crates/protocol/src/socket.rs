//! File-path local sockets (never abstract names) with owner-only permissions.
//!
//! The run directory is 0700 and each socket 0600 (set with `fchmod` before `bind`, so there
//! is no umask race). Every accepted connection is checked for the same uid; the bus also
//! checks the peer pid against the processes the supervisor spawned.

use std::{
    fs,
    io::{self, ErrorKind},
    os::unix::fs::{DirBuilderExt, PermissionsExt},
    path::Path,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use interprocess::{
    local_socket::{
        GenericFilePath, ListenerOptions, ToFsName, tokio::prelude::*, traits::StreamCommon,
    },
    os::unix::local_socket::ListenerOptionsExt,
};

pub use interprocess::local_socket::tokio::{Listener, Stream};

use crate::SocketError;

/// Who is on the other end of an accepted connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub uid: u32,
    pub pid: Option<u32>,
}

fn io_err(path: &Path, source: io::Error) -> SocketError {
    SocketError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Creates `dir` (and parents) with mode 0700, tightening an existing one.
pub fn prepare_private_dir(dir: &Path) -> Result<(), SocketError> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| io_err(dir, e))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| io_err(dir, e))
}

/// Binds a listener at `path` with mode 0600. The caller removes a stale file first, and
/// only while holding the instance lock.
pub fn bind(path: &Path) -> Result<Listener, SocketError> {
    let name = path
        .to_fs_name::<GenericFilePath>()
        .map_err(|e| io_err(path, e))?;
    ListenerOptions::new()
        .name(name)
        .mode(0o600)
        .reclaim_name(false)
        .create_tokio()
        .map_err(|e| io_err(path, e))
}

/// Connects to the socket at `path`; a missing file or a refused connection becomes
/// [`SocketError::NotListening`].
pub async fn connect(path: &Path) -> Result<Stream, SocketError> {
    let name = path
        .to_fs_name::<GenericFilePath>()
        .map_err(|e| io_err(path, e))?;
    Stream::connect(name).await.map_err(|e| match e.kind() {
        ErrorKind::NotFound | ErrorKind::ConnectionRefused => SocketError::NotListening {
            path: path.display().to_string(),
        },
        _ => io_err(path, e),
    })
}

/// Reads the peer's credentials and refuses a peer running as another user.
pub fn check_same_uid(stream: &Stream) -> Result<Peer, SocketError> {
    let creds = stream.peer_creds().map_err(SocketError::PeerCreds)?;
    let our_uid = nix::unistd::geteuid().as_raw();
    let peer_uid = creds.euid().ok_or_else(|| {
        SocketError::PeerCreds(io::Error::new(
            ErrorKind::Unsupported,
            "no uid in credentials",
        ))
    })?;
    if peer_uid != our_uid {
        return Err(SocketError::ForeignUid { peer_uid, our_uid });
    }
    let pid = creds.pid().and_then(|p| u32::try_from(p).ok());
    Ok(Peer { uid: peer_uid, pid })
}

/// One direction of a connection; both halves share the stream, which closes when both
/// are dropped. (interprocess deprecates its own split in favour of sharing `&Stream`.)
#[derive(Debug, Clone)]
pub struct Half(Arc<Stream>);

/// Splits a stream into halves owned by a reader and a writer task.
pub fn split(stream: Stream) -> (Half, Half) {
    let shared = Arc::new(stream);
    (Half(shared.clone()), Half(shared))
}

impl AsyncRead for Half {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Half {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self.0).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self.0).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self.0).poll_shutdown(cx)
    }
}

/// Accept on a [`Listener`] without naming interprocess's traits at the call site.
pub async fn accept(listener: &Listener) -> io::Result<Stream> {
    listener.accept().await
}
