//! Every message survives the trip through `FrameCodec`, whether the frames arrive together,
//! one byte at a time, or through a real byte stream in small chunks.

use std::{collections::BTreeSet, fmt::Debug};

use bytes::BytesMut;
use cst_protocol::{
    FrameCodec,
    control::{ControlRequest, ControlResponse},
    frame::encode_frame,
};
use futures::{SinkExt, StreamExt};
use serde::{Serialize, de::DeserializeOwned};
use tokio_util::codec::{Decoder, Encoder, FramedRead, FramedWrite};

use crate::samples;

/// Encodes all `samples` into one buffer, checks the bytes equal `encode_frame` (the two
/// encoders must agree), then decodes them back in order.
fn assert_round_trips<T>(samples: &[T], variant: fn(&T) -> usize, variants: usize)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug + Clone,
{
    let covered: BTreeSet<usize> = samples.iter().map(variant).collect();
    assert_eq!(
        covered,
        (0..variants).collect(),
        "some variant has no sample"
    );

    let mut codec = FrameCodec::<T, T>::new();
    let mut buf = BytesMut::new();
    let mut expected_bytes = Vec::new();
    for msg in samples {
        codec.encode(msg.clone(), &mut buf).expect("encode");
        expected_bytes.extend(encode_frame(msg).expect("encode_frame"));
    }
    assert_eq!(
        buf[..],
        expected_bytes[..],
        "Encoder and encode_frame disagree"
    );

    let mut decoded = Vec::new();
    while let Some(msg) = codec.decode(&mut buf).expect("decode") {
        decoded.push(msg);
    }
    assert_eq!(decoded, samples);
    assert!(buf.is_empty(), "{} bytes left over", buf.len());
    assert!(codec.decode_eof(&mut buf).expect("clean eof").is_none());
}

#[test]
fn every_agent_frame_round_trips() {
    assert_round_trips(&samples::agent_frames(), samples::agent_variant, 9);
}

#[test]
fn every_supervisor_frame_round_trips() {
    assert_round_trips(
        &samples::supervisor_frames(),
        samples::supervisor_variant,
        6,
    );
}

#[test]
fn every_control_request_round_trips() {
    assert_round_trips(&samples::control_requests(), samples::request_variant, 9);
}

#[test]
fn every_control_response_round_trips() {
    assert_round_trips(&samples::control_responses(), samples::response_variant, 6);
}

/// A reader sees arbitrary read boundaries: nothing may come out before a frame is complete,
/// and each frame must come out as soon as its last byte arrives.
#[test]
fn frames_fed_one_byte_at_a_time_decode_exactly_when_complete() {
    let frames = samples::control_responses();
    let mut codec = FrameCodec::<ControlResponse, ControlResponse>::new();
    let mut buf = BytesMut::new();
    for expected in &frames {
        let wire = encode_frame(expected).expect("encode_frame");
        let (last, head) = wire.split_last().expect("frames are never empty");
        for byte in head {
            buf.extend_from_slice(&[*byte]);
            assert!(codec.decode(&mut buf).expect("decode").is_none());
        }
        buf.extend_from_slice(&[*last]);
        assert_eq!(
            codec.decode(&mut buf).expect("decode").as_ref(),
            Some(expected)
        );
    }
    assert!(codec.decode_eof(&mut buf).expect("clean eof").is_none());
}

/// Through an async byte pipe whose buffer is smaller than most frames, with the writer and
/// reader running concurrently; a clean close after the last frame ends the stream.
#[tokio::test]
async fn frames_cross_a_small_duplex_pipe_in_both_directions() {
    let (client, server) = tokio::io::duplex(7);
    let (client_rd, client_wr) = tokio::io::split(client);
    let (server_rd, server_wr) = tokio::io::split(server);
    let requests = samples::control_requests();
    let responses = samples::control_responses();

    let client = async {
        let mut tx = FramedWrite::new(
            client_wr,
            FrameCodec::<ControlResponse, ControlRequest>::new(),
        );
        let mut rx = FramedRead::new(
            client_rd,
            FrameCodec::<ControlResponse, ControlRequest>::new(),
        );
        for request in requests.clone() {
            tx.send(request).await.expect("send request");
        }
        tx.close().await.expect("half-close");
        let mut got = Vec::new();
        while let Some(response) = rx.next().await {
            got.push(response.expect("read response"));
        }
        got
    };
    let server = async {
        let mut tx = FramedWrite::new(
            server_wr,
            FrameCodec::<ControlRequest, ControlResponse>::new(),
        );
        let mut rx = FramedRead::new(
            server_rd,
            FrameCodec::<ControlRequest, ControlResponse>::new(),
        );
        let mut got = Vec::new();
        while let Some(request) = rx.next().await {
            got.push(request.expect("read request"));
        }
        for response in responses.clone() {
            tx.send(response).await.expect("send response");
        }
        tx.close().await.expect("half-close");
        got
    };
    let (client_got, server_got) = tokio::join!(client, server);
    assert_eq!(server_got, requests);
    assert_eq!(client_got, responses);
}
