//! One integration test binary (see `autotests = false`): captured Kraken responses, a local
//! stub server for failure modes, and the signing vector.

mod captured;
mod captured_2020;
mod captured_pairs;
mod client_args;
mod client_errors;
mod helper;
mod numbers;
mod private;
mod resilience;
mod signing;
