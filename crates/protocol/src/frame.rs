//! Frames: a big-endian u32 length prefix followed by a postcard payload.
//!
//! The length is checked against [`MAX_FRAME_BYTES`] before any buffer grows, so a peer that
//! claims 4 GiB costs nothing. tokio-util's `LengthDelimitedCodec` does the framing; this
//! module adds the typed payload and precise errors (oversized, truncated, malformed).

use std::marker::PhantomData;

use bytes::{Bytes, BytesMut};
use serde::{Serialize, de::DeserializeOwned};
use tokio_util::codec::{Decoder, Encoder, LengthDelimitedCodec, LengthDelimitedCodecError};

use crate::FrameError;

/// Version of every schema in this crate. postcard does not name fields, so a new field in
/// an existing struct is an incompatible change and bumps it; a new variant appended to an
/// enum (carrying a new struct) keeps it, since frames of the older schema still decode.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest payload accepted or sent. Status reports are a few KiB; events are tiny.
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;

/// Typed codec: decodes `In` frames and encodes `Out` frames.
pub struct FrameCodec<In, Out> {
    framing: LengthDelimitedCodec,
    /// The length prefix of a frame was consumed but its payload has not arrived yet;
    /// `LengthDelimitedCodec` drops the prefix from the buffer, so an empty buffer at EOF
    /// does not by itself mean a clean close.
    mid_frame: bool,
    _types: PhantomData<fn(Out) -> In>,
}

impl<In, Out> std::fmt::Debug for FrameCodec<In, Out> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameCodec").finish_non_exhaustive()
    }
}

impl<In, Out> Default for FrameCodec<In, Out> {
    fn default() -> Self {
        Self::new()
    }
}

impl<In, Out> FrameCodec<In, Out> {
    pub fn new() -> Self {
        let framing = LengthDelimitedCodec::builder()
            .length_field_type::<u32>()
            .max_frame_length(MAX_FRAME_BYTES)
            .new_codec();
        Self {
            framing,
            mid_frame: false,
            _types: PhantomData,
        }
    }
}

fn framing_error(err: std::io::Error) -> FrameError {
    if err
        .get_ref()
        .is_some_and(|inner| inner.is::<LengthDelimitedCodecError>())
    {
        FrameError::Oversized {
            max: MAX_FRAME_BYTES,
        }
    } else {
        FrameError::Io(err)
    }
}

impl<In: DeserializeOwned, Out> Decoder for FrameCodec<In, Out> {
    type Item = In;
    type Error = FrameError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<In>, FrameError> {
        let before = src.len();
        match self.framing.decode(src).map_err(framing_error)? {
            Some(payload) => {
                self.mid_frame = false;
                decode_payload(&payload).map(Some)
            }
            None => {
                self.mid_frame |= src.len() < before;
                Ok(None)
            }
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<In>, FrameError> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None if src.is_empty() && !self.mid_frame => Ok(None),
            None => Err(FrameError::Truncated {
                buffered: src.len() + if self.mid_frame { 4 } else { 0 },
            }),
        }
    }
}

impl<In, Out: Serialize> Encoder<Out> for FrameCodec<In, Out> {
    type Error = FrameError;

    fn encode(&mut self, item: Out, dst: &mut BytesMut) -> Result<(), FrameError> {
        let payload = encode_payload(&item)?;
        self.framing.encode(payload, dst).map_err(framing_error)
    }
}

/// Encodes one message as a payload (without the length prefix).
pub fn encode_payload<T: Serialize>(msg: &T) -> Result<Bytes, FrameError> {
    let bytes = postcard::to_stdvec(msg).map_err(FrameError::Encode)?;
    if bytes.len() > MAX_FRAME_BYTES {
        return Err(FrameError::TooLargeToSend {
            len: bytes.len(),
            max: MAX_FRAME_BYTES,
        });
    }
    Ok(Bytes::from(bytes))
}

/// Decodes one payload. Trailing bytes are an error: a frame holds exactly one message.
pub fn decode_payload<T: DeserializeOwned>(payload: &[u8]) -> Result<T, FrameError> {
    let malformed = |source| FrameError::Malformed {
        len: payload.len(),
        source,
        hello_version: hello_version(payload),
    };
    let (msg, rest) = postcard::take_from_bytes(payload).map_err(malformed)?;
    if rest.is_empty() {
        Ok(msg)
    } else {
        Err(malformed(postcard::Error::DeserializeBadEncoding))
    }
}

/// Reads the protocol version of a handshake without knowing the rest of its schema.
///
/// Every handshake (`AgentFrame::Hello`, `ControlRequest::Hello`) is variant 0 of its enum and
/// starts with `protocol_version: u32`; that prefix never changes, so any version can read it.
pub fn hello_version(payload: &[u8]) -> Option<u32> {
    let (variant, rest) = postcard::take_from_bytes::<u32>(payload).ok()?;
    if variant != 0 {
        return None;
    }
    postcard::take_from_bytes::<u32>(rest).ok().map(|(v, _)| v)
}

/// Frames one message with its length prefix, as it travels on the socket.
pub fn encode_frame<T: Serialize>(msg: &T) -> Result<Vec<u8>, FrameError> {
    let payload = encode_payload(msg)?;
    let len = u32::try_from(payload.len()).map_err(|_| FrameError::TooLargeToSend {
        len: payload.len(),
        max: MAX_FRAME_BYTES,
    })?;
    let mut out = Vec::with_capacity(4 + payload.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}
