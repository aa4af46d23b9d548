//! Errors of the frame codec and the socket layer.

use std::io;

/// Why a frame could not be read or written. Every variant ends that one connection.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("i/o error on socket: {0}")]
    Io(#[from] io::Error),
    /// The length prefix claims more than [`crate::MAX_FRAME_BYTES`]; nothing was allocated.
    #[error("oversized frame: the length prefix exceeds the {max}-byte limit")]
    Oversized { max: usize },
    /// The peer closed the connection in the middle of a frame.
    #[error("truncated frame: connection closed with {buffered} bytes of an incomplete frame")]
    Truncated { buffered: usize },
    /// The payload is not a valid message of the expected type.
    #[error("malformed frame ({len} bytes): {source}")]
    Malformed {
        len: usize,
        #[source]
        source: postcard::Error,
        /// Set when the payload still looks like a handshake, so the reader can say
        /// "wrong protocol version" rather than "garbage".
        hello_version: Option<u32>,
    },
    /// A message too large to encode within [`crate::MAX_FRAME_BYTES`].
    #[error("message of {len} bytes exceeds the {max}-byte frame limit")]
    TooLargeToSend { len: usize, max: usize },
    #[error("could not encode message: {0}")]
    Encode(#[source] postcard::Error),
}

/// Why a socket could not be bound, connected or trusted.
#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    #[error("socket {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("no server is listening on {path}")]
    NotListening { path: String },
    #[error("could not read peer credentials: {0}")]
    PeerCreds(#[source] io::Error),
    #[error("peer runs as uid {peer_uid}, this process as uid {our_uid}: refused")]
    ForeignUid { peer_uid: u32, our_uid: u32 },
}
