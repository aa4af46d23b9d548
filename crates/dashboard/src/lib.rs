//! The dashboard the health agent serves on loopback (`health.dashboard_addr`): the JSON
//! API under `/api/` and the built pages at `/`.
//!
//! Everything shown is read from the store and the health agent's latest verdict at the
//! moment it is asked: nothing is cached, guessed or filled in. An empty list comes with the
//! reason it is empty; a missing health report is a 503 that says so.
//!
//! - [`server`]: the router, [`Dashboard`] (bind, serve, hand it the latest verdict), errors.
//! - [`limits`]: what one client can hold: capped connections, header and request timeouts,
//!   a bounded body; every refusal a JSON error.
//! - [`api`]: one module per page's data.
//! - [`origin`]: same origin only: the `Host` and `Origin` it answers to, JSON-only POSTs.
//! - `pages`: the built pages of `web/` (embedded), at `/`.
//! - `openapi.json`: the document for every route (served at `/api/openapi.json`).

pub mod api;
pub mod limits;
pub mod origin;
mod pages;
pub mod server;

pub use server::{ApiError, Dashboard, DashboardError, Shared, Snapshot};
