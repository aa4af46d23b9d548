//! Test support, in one place, for tests and benchmarks only (a dev-dependency; nothing in
//! the service links it):
//!
//! - [`data`]: where the recorded data in `../shared` (read in place, never copied) and a
//!   crate's own fixtures are ([`shared`], [`data()`], [`fixture`]).
//! - [`http`]: a scripted HTTP/1.1 server on loopback (each request the next reply; late,
//!   cut-short and failing answers; every request recorded), and a URL nobody listens on.
//! - [`kraken`]: a local stand-in for Kraken's private REST API (signed calls, fills, held
//!   stops, faults) that every live-trading test runs against.

pub mod data;
pub mod http;
pub mod kraken;

pub use data::{data, fixture, manifest_dir, recorded_pairs, shared};
