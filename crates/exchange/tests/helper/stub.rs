//! The scripted HTTP server these tests answer from (`cst_testkit::http`).

pub use cst_testkit::http::{Reply, Stub};
