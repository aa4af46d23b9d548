//! What the codec does with frames it must refuse: each error names the real cause, so a
//! supervisor can log "garbage", "too big", "peer died mid-frame" or "wrong version".

use std::time::Duration;

use bytes::BytesMut;
use cst_protocol::{
    FrameCodec, FrameError, MAX_FRAME_BYTES, PROTOCOL_VERSION,
    bus::{AgentFrame, Hello, Ping, Rejected, SupervisorFrame},
    control::{ClientHello, ControlRequest},
    frame::{encode_frame, encode_payload, hello_version},
};
use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio_util::codec::{Decoder, Encoder, FramedRead};

type AgentCodec = FrameCodec<AgentFrame, AgentFrame>;

/// `payload` behind a valid big-endian length prefix.
fn framed(payload: &[u8]) -> BytesMut {
    let len = u32::try_from(payload.len()).expect("test payloads are small");
    let mut buf = BytesMut::from(&len.to_be_bytes()[..]);
    buf.extend_from_slice(payload);
    buf
}

/// Decodes exactly one frame of `T` from `payload`, expecting an error.
fn decode_err<T: serde::de::DeserializeOwned + std::fmt::Debug>(payload: &[u8]) -> FrameError {
    let mut buf = framed(payload);
    let result = FrameCodec::<T, T>::new().decode(&mut buf);
    result.expect_err("payload must be refused")
}

fn hello(protocol_version: u32) -> AgentFrame {
    AgentFrame::Hello(Hello {
        protocol_version,
        agent: "ml".to_owned(),
        pid: 31337,
    })
}

#[test]
fn garbage_payload_is_malformed_and_not_a_hello() {
    // First varint is 8092: no such variant. The second starts with 0 (Hello's variant) but
    // its "version" varint overflows u32, so it must not be reported as a version either.
    let garbage: [&[u8]; 2] = [
        &[
            0x9c, 0x3f, 0xe1, 0x07, 0x55, 0xaa, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef,
        ],
        &[0x00, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x42, 0x42],
    ];
    for payload in garbage {
        assert_eq!(hello_version(payload), None);
        for err in [
            decode_err::<AgentFrame>(payload),
            decode_err::<ControlRequest>(payload),
        ] {
            assert!(
                matches!(err, FrameError::Malformed { len, hello_version: None, .. } if len == payload.len()),
                "{payload:02x?}: got {err:?}"
            );
        }
    }
}

#[test]
fn payload_with_trailing_bytes_is_malformed() {
    let mut ping = encode_payload(&AgentFrame::Ping(Ping { seq: 1 }))
        .expect("encode")
        .to_vec();
    ping.push(0);
    let err = decode_err::<AgentFrame>(&ping);
    assert!(
        matches!(
            err,
            FrameError::Malformed {
                hello_version: None,
                ..
            }
        ),
        "got {err:?}"
    );

    // A handshake with an extra field still shows the peer's version in the error.
    let mut hello = encode_payload(&hello(PROTOCOL_VERSION))
        .expect("encode")
        .to_vec();
    hello.extend_from_slice(&[0x01, 0x02]);
    let err = decode_err::<AgentFrame>(&hello);
    assert!(
        matches!(err, FrameError::Malformed { hello_version: Some(v), .. } if v == PROTOCOL_VERSION),
        "got {err:?}"
    );
}

/// A peer from protocol 99 changed the rest of its handshake: we cannot decode it, but we
/// can tell the user which version it speaks.
#[test]
fn future_hello_with_other_schema_reports_its_version() {
    // variant 0, version 99, then a 5-byte "agent name" that is not UTF-8.
    let agent_hello = [0x00, 99, 0x05, 0xff, 0xfe, 0xfd, 0xfc, 0xfb];
    let err = decode_err::<AgentFrame>(&agent_hello);
    assert!(
        matches!(
            err,
            FrameError::Malformed {
                hello_version: Some(99),
                ..
            }
        ),
        "got {err:?}"
    );

    // variant 0, version 99, then a field v1's ClientHello does not have.
    let client_hello = [0x00, 99, 0x2a];
    let err = decode_err::<ControlRequest>(&client_hello);
    assert!(
        matches!(
            err,
            FrameError::Malformed {
                hello_version: Some(99),
                ..
            }
        ),
        "got {err:?}"
    );
}

#[test]
fn well_formed_future_hello_decodes_and_exposes_its_version() {
    for version in [99, u32::MAX] {
        let payload = encode_payload(&hello(version)).expect("encode");
        assert_eq!(hello_version(&payload), Some(version));
        let mut buf = framed(&payload);
        let decoded = AgentCodec::new().decode(&mut buf).expect("decode");
        assert_eq!(decoded, Some(hello(version)));
    }
    // The layout every version relies on: variant 0, then the version as the first field.
    let payload = encode_payload(&hello(99)).expect("encode");
    assert_eq!(payload[..2], [0x00, 99]);
    let request = ControlRequest::Hello(ClientHello {
        protocol_version: 99,
    });
    assert_eq!(
        hello_version(&encode_payload(&request).expect("encode")),
        Some(99)
    );
    // Any other frame is not a handshake, whatever its bytes.
    let ping = encode_payload(&AgentFrame::Ping(Ping { seq: 0 })).expect("encode");
    assert_eq!(hello_version(&ping), None);
}

#[test]
fn length_prefix_of_4_gib_is_oversized_without_allocating() {
    let mut buf = BytesMut::from(&[0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02][..]);
    let err = AgentCodec::new().decode(&mut buf).expect_err("must refuse");
    assert!(
        matches!(err, FrameError::Oversized { max } if max == MAX_FRAME_BYTES),
        "got {err:?}"
    );
    assert!(
        buf.capacity() < 64 * 1024,
        "buffer grew to {} bytes",
        buf.capacity()
    );
}

#[test]
fn length_limit_is_inclusive() {
    let limit = u32::try_from(MAX_FRAME_BYTES).expect("limit fits u32");
    // Exactly the limit: accepted, waiting for the payload.
    let mut buf = BytesMut::from(&limit.to_be_bytes()[..]);
    assert!(
        AgentCodec::new()
            .decode(&mut buf)
            .expect("at the limit")
            .is_none()
    );
    // One byte over: refused.
    let mut buf = BytesMut::from(&(limit + 1).to_be_bytes()[..]);
    let err = AgentCodec::new()
        .decode(&mut buf)
        .expect_err("over the limit");
    assert!(matches!(err, FrameError::Oversized { .. }), "got {err:?}");
}

/// The reader must refuse as soon as the prefix arrives, not after waiting for 4 GiB.
#[tokio::test]
async fn oversized_prefix_fails_the_stream_at_once() {
    let (mut peer, ours) = tokio::io::duplex(64);
    peer.write_all(&[0xff; 4]).await.expect("write prefix");
    let mut frames = FramedRead::new(ours, AgentCodec::new());
    let next = tokio::time::timeout(Duration::from_secs(5), frames.next()).await;
    let err = next
        .expect("no hang")
        .expect("an item")
        .expect_err("an error");
    assert!(matches!(err, FrameError::Oversized { .. }), "got {err:?}");
    drop(peer);
}

/// A reply of exactly `payload_len` bytes (variant 1 + 3-byte length + the reason).
fn rejected_with_payload_len(payload_len: usize) -> SupervisorFrame {
    let frame = SupervisorFrame::Rejected(Rejected {
        reason: "x".repeat(payload_len - 4),
    });
    assert_eq!(encode_payload_len(&frame), payload_len);
    frame
}

fn encode_payload_len(frame: &SupervisorFrame) -> usize {
    postcard::to_stdvec(frame).expect("postcard").len()
}

#[test]
fn message_over_the_limit_is_too_large_to_send() {
    let at_limit = rejected_with_payload_len(MAX_FRAME_BYTES);
    let wire = encode_frame(&at_limit).expect("exactly the limit is allowed");
    let mut buf = BytesMut::from(&wire[..]);
    let decoded = FrameCodec::<SupervisorFrame, SupervisorFrame>::new().decode(&mut buf);
    assert_eq!(decoded.expect("decode"), Some(at_limit));

    let over = rejected_with_payload_len(MAX_FRAME_BYTES + 1);
    let too_large = |err: &FrameError| {
        matches!(err, FrameError::TooLargeToSend { len, max }
            if *len == MAX_FRAME_BYTES + 1 && *max == MAX_FRAME_BYTES)
    };
    let err = encode_payload(&over).expect_err("over the limit");
    assert!(too_large(&err), "encode_payload: {err:?}");
    let err = encode_frame(&over).expect_err("over the limit");
    assert!(too_large(&err), "encode_frame: {err:?}");
    let mut dst = BytesMut::new();
    let mut codec = FrameCodec::<SupervisorFrame, SupervisorFrame>::new();
    let err = codec.encode(over, &mut dst).expect_err("over the limit");
    assert!(too_large(&err), "Encoder: {err:?}");
    assert!(
        dst.is_empty(),
        "nothing may be written for a refused message"
    );
}

#[test]
fn stream_ending_mid_frame_is_truncated() {
    let wire = encode_frame(&hello(PROTOCOL_VERSION)).expect("encode");
    // Cut inside the length prefix, and inside the payload.
    for cut in [2, wire.len() - 1] {
        let mut codec = AgentCodec::new();
        let mut buf = BytesMut::from(&wire[..cut]);
        assert!(
            codec
                .decode(&mut buf)
                .expect("incomplete, not an error")
                .is_none()
        );
        let err = codec.decode_eof(&mut buf).expect_err("eof mid-frame");
        assert!(
            matches!(err, FrameError::Truncated { buffered } if buffered > 0),
            "cut at {cut}: got {err:?}"
        );
    }
}

/// Once the length prefix has been parsed, `LengthDelimitedCodec` has consumed it, so the
/// buffer is empty: EOF right after the prefix must still be `Truncated`, not a clean close.
#[test]
fn stream_ending_right_after_the_length_prefix_is_truncated() {
    let wire = encode_frame(&hello(PROTOCOL_VERSION)).expect("encode");
    let mut codec = AgentCodec::new();
    let mut buf = BytesMut::from(&wire[..4]);
    assert!(codec.decode(&mut buf).expect("incomplete").is_none());
    let result = codec.decode_eof(&mut buf);
    assert!(
        matches!(result, Err(FrameError::Truncated { .. })),
        "got {result:?}"
    );
}

/// Through a real stream: a clean close after a whole frame ends the stream quietly; a close
/// in the middle of the next frame is an error.
#[tokio::test]
async fn peer_closing_mid_frame_is_truncated_on_the_stream() {
    let whole = encode_frame(&hello(PROTOCOL_VERSION)).expect("encode");
    let partial = encode_frame(&AgentFrame::Ping(Ping { seq: 7 })).expect("encode");
    let (mut peer, ours) = tokio::io::duplex(64);
    peer.write_all(&whole).await.expect("write");
    peer.write_all(&partial[..partial.len() - 1])
        .await
        .expect("write");
    drop(peer);

    let mut frames = FramedRead::new(ours, AgentCodec::new());
    let first = frames.next().await.expect("first frame").expect("decodes");
    assert_eq!(first, hello(PROTOCOL_VERSION));
    let err = frames
        .next()
        .await
        .expect("an item")
        .expect_err("truncated");
    assert!(matches!(err, FrameError::Truncated { .. }), "got {err:?}");
}

#[tokio::test]
async fn peer_closing_between_frames_ends_the_stream_cleanly() {
    let whole = encode_frame(&hello(PROTOCOL_VERSION)).expect("encode");
    let (mut peer, ours) = tokio::io::duplex(64);
    peer.write_all(&whole).await.expect("write");
    drop(peer);

    let mut frames = FramedRead::new(ours, AgentCodec::new());
    assert!(matches!(
        frames.next().await,
        Some(Ok(AgentFrame::Hello(_)))
    ));
    assert!(frames.next().await.is_none());
}
