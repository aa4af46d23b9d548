//! One integration test binary (see `autotests = false`): the replay server on
//! 127.0.0.1:0, called through the real Kraken client, over symlinks to real recordings.

mod clock;
mod errors;
mod gaps;
mod helper;
mod load_all;
mod ohlc;
mod pairs;
mod status;
mod ticker;
