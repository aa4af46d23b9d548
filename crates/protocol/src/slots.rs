//! Connection slots with eviction: a listener holds at most so many connections, and when
//! every slot is taken a new connection takes the slot of the oldest *idle* one (waiting
//! for its first request, or between requests), which is closed. A local process that
//! opens connections in a loop so exhausts a listener's slots — never the process's file
//! descriptors, and never the next real client's turn. Connections in the middle of a
//! request (and agents admitted on the bus) say so ([`Slot::busy`]) and are never evicted.

use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use tokio_util::sync::CancellationToken;

/// Connection slots of one listener.
#[derive(Debug, Clone)]
pub struct Slots {
    held: Arc<Mutex<Held>>,
    max: usize,
}

#[derive(Debug, Default)]
struct Held {
    next: u64,
    /// Open connections by age (ids grow), each with its eviction handle.
    open: BTreeMap<u64, Handle>,
}

#[derive(Debug)]
struct Handle {
    evict: CancellationToken,
    idle: Arc<AtomicBool>,
}

/// One connection's slot: freed when dropped. `evicted()` completes when a newer
/// connection took it (the connection then ends).
#[derive(Debug)]
pub struct Slot {
    id: u64,
    slots: Arc<Mutex<Held>>,
    evict: CancellationToken,
    idle: Arc<AtomicBool>,
}

impl Slot {
    /// Handling a request (or an admitted agent): not evictable.
    pub fn busy(&self) {
        self.idle.store(false, Ordering::Relaxed);
    }

    /// Waiting for a request: evictable when the socket is full.
    pub fn idle(&self) {
        self.idle.store(true, Ordering::Relaxed);
    }

    /// Completes when a newer connection took this slot.
    pub async fn evicted(&self) {
        self.evict.cancelled().await;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .open
            .remove(&self.id);
    }
}

impl Slots {
    /// At most `max` open connections.
    pub fn new(max: usize) -> Slots {
        Slots {
            held: Arc::default(),
            max,
        }
    }

    /// A slot for a new connection (idle until it says otherwise), or `None` when every
    /// slot is held by a busy connection.
    pub fn admit(&self) -> Option<Slot> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if held.open.len() >= self.max {
            let oldest_idle = held
                .open
                .iter()
                .find(|(_, h)| h.idle.load(Ordering::Relaxed))
                .map(|(id, _)| *id)?;
            if let Some(h) = held.open.remove(&oldest_idle) {
                h.evict.cancel();
            }
        }
        let id = held.next;
        held.next += 1;
        let (evict, idle) = (CancellationToken::new(), Arc::new(AtomicBool::new(true)));
        held.open.insert(
            id,
            Handle {
                evict: evict.clone(),
                idle: Arc::clone(&idle),
            },
        );
        Some(Slot {
            id,
            slots: Arc::clone(&self.held),
            evict,
            idle,
        })
    }

    /// Open connections.
    pub fn len(&self) -> usize {
        self.held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .open
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX_CONNECTIONS: usize = 64;

    #[test]
    fn a_full_socket_evicts_its_oldest_idle_connection_never_a_busy_one() {
        let slots = Slots::new(MAX_CONNECTIONS);
        let held: Vec<Slot> = (0..MAX_CONNECTIONS)
            .map(|_| slots.admit().unwrap())
            .collect();
        // The two oldest are busy (a request in flight, an admitted agent).
        held[0].busy();
        held[1].busy();
        let newcomer = slots.admit().expect("an idle one makes room");
        assert!(held[2].evict.is_cancelled(), "the oldest idle one goes");
        assert!(!held[0].evict.is_cancelled() && !held[1].evict.is_cancelled());
        assert_eq!(slots.len(), MAX_CONNECTIONS);
        drop(newcomer);
        assert_eq!(slots.len(), MAX_CONNECTIONS - 1);
        // Every slot busy: a newcomer is refused rather than evicting work.
        let extra = slots.admit().unwrap();
        extra.busy();
        for s in &held {
            s.busy();
        }
        assert!(slots.admit().is_none());
    }
}
