//! Arbitrary bytes as a socket stream through the length-prefixed frame codec, decoded as
//! each of the four wire enums: `AgentFrame` and `ControlRequest` (what the supervisor reads
//! on the bus and control sockets), `SupervisorFrame` (what agents read) and
//! `ControlResponse` (what `cst` reads).
//!
//! Besides "never panics", two checks:
//! - a reader sees the same frames and the same end (clean EOF or the same error) whether
//!   the stream arrives in one piece or one byte at a time;
//! - every decoded message re-encodes to a frame that decodes to the same encoding.
#![no_main]

use bytes::BytesMut;
use cst_protocol::{
    FrameCodec,
    bus::{AgentFrame, SupervisorFrame},
    control::{ControlRequest, ControlResponse},
    frame::{decode_payload, encode_frame, hello_version},
};
use libfuzzer_sys::fuzz_target;
use serde::{Serialize, de::DeserializeOwned};
use tokio_util::codec::Decoder;

fuzz_target!(|data: &[u8]| {
    stream::<AgentFrame>(data);
    stream::<SupervisorFrame>(data);
    stream::<ControlRequest>(data);
    stream::<ControlResponse>(data);
    // The version probe the supervisor runs on a payload it could not decode.
    let _ = hello_version(data);
});

/// What a reader of the stream sees: each message (as its re-encoded frame), then the end.
#[derive(Debug, PartialEq)]
struct Seen {
    frames: Vec<Vec<u8>>,
    end: String,
}

fn stream<T: DeserializeOwned + Serialize>(data: &[u8]) {
    let whole = read::<T>(data, data.len().max(1));
    let bytewise = read::<T>(data, 1);
    assert_eq!(whole, bytewise, "framing depends on how the bytes arrive");
}

/// Feeds `data` in `chunk`-byte pieces, decoding after each as `FramedRead` does, then EOF.
fn read<T: DeserializeOwned + Serialize>(data: &[u8], chunk: usize) -> Seen {
    let mut codec = FrameCodec::<T, T>::new();
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for piece in data.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            match codec.decode(&mut buf) {
                Ok(Some(msg)) => frames.push(reencode(&msg)),
                Ok(None) => break,
                Err(e) => {
                    return Seen {
                        frames,
                        end: format!("error: {e}"),
                    };
                }
            }
        }
    }
    loop {
        match codec.decode_eof(&mut buf) {
            Ok(Some(msg)) => frames.push(reencode(&msg)),
            Ok(None) => {
                return Seen {
                    frames,
                    end: "eof".to_owned(),
                };
            }
            Err(e) => {
                return Seen {
                    frames,
                    end: format!("error: {e}"),
                };
            }
        }
    }
}

/// A decoded message must be sendable, and what is sent must decode to the same message.
/// Compared as bytes: a NaN in a health score is not equal to itself.
fn reencode<T: DeserializeOwned + Serialize>(msg: &T) -> Vec<u8> {
    let frame = encode_frame(msg).expect("a decoded message encodes");
    let again: T = decode_payload(&frame[4..]).expect("an encoded message decodes");
    assert_eq!(
        encode_frame(&again).expect("re-encodes"),
        frame,
        "round trip changed it"
    );
    frame
}
