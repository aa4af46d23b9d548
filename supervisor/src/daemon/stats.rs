//! Counters of the supervisor's own sockets, exported on `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct SocketStats {
    pub bus_frames_in: AtomicU64,
    pub bus_frames_out: AtomicU64,
    pub bus_rejected: AtomicU64,
    pub control_requests: AtomicU64,
    pub control_rejected: AtomicU64,
    pub health_requests: AtomicU64,
    /// Events not delivered because a subscriber's queue was full.
    pub events_dropped: AtomicU64,
}

impl SocketStats {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}
