//! The one integration test binary of `cst-protocol` (one binary per crate keeps link
//! time down); each concern lives in its own module.

mod codec;
mod fixtures;
mod frame_errors;
mod samples;
mod socket;
