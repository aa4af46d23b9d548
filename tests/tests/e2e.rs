//! End-to-end tests: the real `cst` and agent binaries in temporary homes.
//! Build the binaries first (`cargo build --workspace --bins`; `make test` does it).

#![allow(clippy::print_stdout)] // tests report figures such as the restart time

mod agents;
mod breaker;
mod dashboard;
mod deploy;
mod features;
mod health;
mod layering;
mod lifecycle;
mod ml;
mod models;
mod readiness;
mod replay;
mod security;
mod sockets;
mod systemd;
mod topology;
mod trading;
