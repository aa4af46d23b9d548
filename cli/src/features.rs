//! `cst features PAIR [--at TS] [--json]`: one feature row, read straight from the store
//! (works while the service is down): the row the technical agent built for that hour and
//! the models were served, or for an hour the service never built (history, imports), the
//! same builder's row now; `source` says which. Exit code 0 with a row, 1 when a required
//! group is missing (and why).

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use chrono::DateTime;
use cst_config::Home;
use cst_features::{
    BuildContext, Built, HOUR,
    stored::{self, Source},
};
use cst_market::{PairName, Timeframe};
use cst_store::{CandleKey, Store};

#[derive(Debug, clap::Args)]
pub struct FeaturesArgs {
    /// The pair, e.g. XBT/USD (BTC-USDT and XBTUSD are read too).
    pub pair: String,
    /// An hour boundary, as Unix seconds or RFC 3339 (2024-03-01T00:00:00Z). Default: the
    /// close of the pair's newest stored candle.
    #[arg(long)]
    pub at: Option<String>,
    /// Whose data to read. Default: `[collector] exchange`.
    #[arg(long)]
    pub exchange: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(home: &Home, config: Option<&Path>, args: FeaturesArgs) -> ExitCode {
    match show(home, config, args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("cst: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn show(home: &Home, config: Option<&Path>, args: FeaturesArgs) -> Result<ExitCode, String> {
    let config = cst_config::load(home, config).map_err(|e| e.to_string())?;
    let exchange = args
        .exchange
        .clone()
        .unwrap_or_else(|| config.collector.exchange.clone());
    let pair = PairName::parse(&args.pair).ok_or_else(|| {
        format!(
            "{:?} is not a pair name: use BASE/QUOTE, e.g. XBT/USD",
            args.pair
        )
    })?;
    let store = Store::open(&home.db_path()).map_err(|e| e.to_string())?;
    let t = match &args.at {
        Some(text) => super::when::hour(text, "--at")?,
        None => {
            let key = CandleKey::new(&exchange, &pair.to_string(), Timeframe::H1);
            let newest = store.latest_open_time(&key).map_err(|e| e.to_string())?;
            newest.map(|open| open + HOUR).ok_or_else(|| {
                format!(
                    "no candles of {pair} on {exchange}: collect them (`cst up`) or import them (`cst import`), or name --exchange"
                )
            })?
        }
    };
    let ctx =
        BuildContext::for_deployment(&config, &exchange, &store).map_err(|e| e.to_string())?;
    let (built, source) =
        stored::read_or_build(&store, &ctx, &pair.to_string(), t).map_err(|e| e.to_string())?;
    if args.json {
        let mut value = serde_json::to_value(&built).map_err(|e| e.to_string())?;
        value["feature_set"] = ctx.set.version().into();
        value["source"] = source.name().into();
        if let Source::Stored { built_at } = source {
            value["built_at"] = built_at.into();
        }
        value["names"] = ctx.set.names().into();
        value["left_out"] = ctx
            .set
            .left_out()
            .iter()
            .map(|g| g.name())
            .collect::<Vec<_>>()
            .into();
        println!("{value:#}");
    } else {
        print_human(&ctx, &built, source, t);
    }
    Ok(match built {
        Built::Row(_) => ExitCode::SUCCESS,
        Built::NoRow { .. } => ExitCode::FAILURE,
    })
}

fn print_human(ctx: &BuildContext, built: &Built, source: Source, t: i64) {
    let when = |t: i64| DateTime::from_timestamp(t, 0).map_or(t.to_string(), |d| d.to_rfc3339());
    println!("FeatureSet {}", ctx.set.version());
    match source {
        Source::Stored { built_at } => println!(
            "as the service built it (data time {}) and served it to the models",
            when(built_at)
        ),
        Source::Built => println!("built now: the service did not build this hour live"),
    }
    let when = when(t);
    let left_out = ctx.set.left_out();
    if !left_out.is_empty() {
        let names: Vec<_> = left_out.iter().map(|g| g.name()).collect();
        println!("left out in this deployment: {}", names.join(", "));
    }
    match built {
        Built::Row(row) => {
            println!("{} at {when} ({} features)", row.pair, row.values.len());
            for (name, v) in ctx.set.names().iter().zip(&row.values) {
                println!("  {name:<20} {v}");
            }
            for m in &row.absent {
                println!("  (optional {} missing: {})", m.group, m.reason);
            }
        }
        Built::NoRow { pair, missing, .. } => {
            println!("{pair} at {when}: no feature row");
            for m in missing {
                println!("  {} missing: {}", m.group, m.reason);
            }
        }
    }
}
