//! The health crate's integration tests, one binary.

mod daily;
mod score;
mod webhook;
