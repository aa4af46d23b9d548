//! Volume-weighted direction.

pub mod obv;

pub use obv::Obv;
