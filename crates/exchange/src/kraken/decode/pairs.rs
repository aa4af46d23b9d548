//! AssetPairs: keep the online pairs quoted in a requested currency, say why others were left.

use serde::Deserialize;
use serde_json::Value;

use crate::kraken::envelope;
use crate::kraken::row::Ctx;
use crate::model::{AssetPair, AssetPairs, SkipReason, SkippedPair};
use crate::{Endpoint, ExchangeError};

#[derive(Deserialize)]
struct RawPair {
    altname: String,
    wsname: Option<String>,
    aclass_base: Option<String>,
    quote: String,
    pair_decimals: u32,
    lot_decimals: u32,
    cost_decimals: Option<u32>,
    ordermin: Option<String>,
    costmin: Option<String>,
    tick_size: Option<String>,
    status: Option<String>,
    /// Taker fee tiers: [30-day volume, percent], lowest volume first.
    fees: Option<Vec<(f64, f64)>>,
}

/// Pairs whose quote is one of `quotes`, matched against the `wsname` quote (`USD`) or
/// Kraken's asset code (`ZUSD`); `USD` never matches `USDT`.
pub fn asset_pairs(body: &[u8], quotes: &[&str]) -> Result<AssetPairs, ExchangeError> {
    let endpoint = Endpoint::AssetPairs;
    let Value::Object(map) = envelope::open(endpoint, "", body)? else {
        return Err(ExchangeError::Shape {
            endpoint,
            detail: "result is not an object".into(),
        });
    };
    let mut out = AssetPairs::default();
    for (key, value) in map {
        let raw: RawPair = match serde_json::from_value(value) {
            Ok(raw) => raw,
            Err(e) => {
                out.skipped
                    .push(skip(&key, SkipReason::Malformed(e.to_string())));
                continue;
            }
        };
        let ws_quote = raw
            .wsname
            .as_deref()
            .and_then(|ws| ws.split_once('/'))
            .map(|(_, q)| q);
        let wanted = [Some(raw.quote.as_str()), Some(legacy(&raw.quote)), ws_quote]
            .into_iter()
            .flatten()
            .any(|q| quotes.contains(&q));
        if !wanted {
            continue;
        }
        match keep(&key, raw) {
            Ok(pair) => out.pairs.push(pair),
            Err(reason) => out.skipped.push(skip(&key, reason)),
        }
    }
    out.pairs.sort_by(|a, b| a.key.cmp(&b.key));
    out.skipped.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

fn keep(key: &str, raw: RawPair) -> Result<AssetPair, SkipReason> {
    if key.ends_with(".d") || raw.altname.ends_with(".d") {
        return Err(SkipReason::DarkPool);
    }
    match raw.status.as_deref() {
        Some("online") => {}
        other => return Err(SkipReason::Status(other.unwrap_or("missing").to_owned())),
    }
    let Some(wsname) = raw.wsname else {
        return Err(SkipReason::NoWsname);
    };
    let Some((base, quote)) = wsname.split_once('/') else {
        return Err(SkipReason::Malformed(format!(
            "wsname {wsname:?} is not BASE/QUOTE"
        )));
    };
    let ctx = Ctx::new(Endpoint::AssetPairs, key);
    let limit = |text: &Option<String>, field| {
        ctx.opt_num(text.as_deref(), field)
            .map_err(|e| SkipReason::Malformed(e.to_string()))
    };
    // The first tier is what an account without 30-day volume pays.
    let taker_fee_pct = match raw.fees.as_deref().and_then(|tiers| tiers.first()) {
        None => None,
        Some(&(_, pct)) if pct.is_finite() && (0.0..10.0).contains(&pct) => Some(pct),
        Some(&(_, pct)) => {
            return Err(SkipReason::Malformed(format!(
                "fees: taker fee {pct}% is not a fee"
            )));
        }
    };
    Ok(AssetPair {
        key: key.to_owned(),
        taker_fee_pct,
        base: base.to_owned(),
        quote: quote.to_owned(),
        ordermin: limit(&raw.ordermin, "ordermin")?,
        costmin: limit(&raw.costmin, "costmin")?,
        tick_size: limit(&raw.tick_size, "tick_size")?,
        altname: raw.altname,
        wsname,
        asset_class: raw.aclass_base.unwrap_or_else(|| "currency".to_owned()),
        pair_decimals: raw.pair_decimals,
        lot_decimals: raw.lot_decimals,
        cost_decimals: raw.cost_decimals,
    })
}

fn skip(key: &str, reason: SkipReason) -> SkippedPair {
    tracing::debug!(pair = key, ?reason, "asset pair skipped");
    SkippedPair {
        key: key.to_owned(),
        reason,
    }
}

/// Kraken's legacy asset codes carry an X (crypto) or Z (fiat) prefix: `ZUSD`, `XXBT`.
fn legacy(code: &str) -> &str {
    match code.strip_prefix(['X', 'Z']) {
        Some(rest) if code.len() == 4 => rest,
        _ => code,
    }
}
