//! Trend strength.

pub mod adx;

pub use adx::Adx;
