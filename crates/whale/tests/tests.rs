//! Integration tests on real Kraken data read in place from /work/shared/data/trades:
//! ETH/BTC trades of 2020-02-19..22, XBTUSDT trades and one XBTUSDT depth snapshot of
//! 2025-11-10/11.

mod bad_input;
mod book;
mod flow;
mod helper;
mod large;
mod spoof;
