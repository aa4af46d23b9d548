//! The account (paper or live) with its equity curve and attribution, and the stored
//! backtest reports (`cst backtest` writes them to `HOME/reports/backtests`).

use std::sync::Arc;

use axum::{Json, extract::State};
use cst_trade::{Account, ClosedTrade, EquityPoint};
use serde_json::{Value, json};

use crate::server::{ApiError, Shared};

pub async fn portfolio(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, ApiError> {
    shared
        .read(|store, config| {
            let unreadable = |what: &str, e: serde_json::Error| {
                ApiError::internal(format!("an unreadable {what} in the store: {e}"))
            };
            let state = store.portfolio_state().map_err(ApiError::internal)?;
            let stepped = state.is_some();
            let account: Account = match state {
                Some((_, json)) => {
                    serde_json::from_str(&json).map_err(|e| unreadable("account", e))?
                }
                None => Account::new(config.portfolio.starting_cash_usd),
            };
            let equity: Vec<EquityPoint> = store
                .equity_between(i64::MIN, i64::MAX)
                .map_err(ApiError::internal)?
                .iter()
                .map(|r| serde_json::from_str(r).map_err(|e| unreadable("equity point", e)))
                .collect::<Result<_, _>>()?;
            let trades: Vec<ClosedTrade> = store
                .closed_trades_between(i64::MIN, i64::MAX)
                .map_err(ApiError::internal)?
                .iter()
                .map(|r| serde_json::from_str(r).map_err(|e| unreadable("closed trade", e)))
                .collect::<Result<_, _>>()?;
            let sum = |f: fn(&ClosedTrade) -> f64| trades.iter().map(f).sum::<f64>() + 0.0;
            let positions: Vec<Value> = account
                .positions
                .values()
                .map(|p| {
                    json!({"pair": p.pair, "horizon_h": p.horizon_h, "qty": p.qty,
                           "entry_price": p.entry_price, "mark": p.mark, "value": p.value(),
                           "take_profit": p.exits.take_profit, "stop_loss": p.exits.stop_loss,
                           "exit_due": p.exit_due, "entry_t": p.entry_t, "model_id": p.model_id})
                })
                .collect();
            Ok(Json(json!({
                "mode": if account.live { "live" } else { "paper" },
                "stepped": stepped,
                "account": {
                    "cash": account.cash, "equity": account.equity(), "gross": account.gross(),
                    "drawdown": account.drawdown(), "halted": account.halted,
                    "day_stopped": account.day_stopped, "last_t": account.last_t,
                    "positions": positions,
                },
                "equity": equity,
                "trades": trades,
                "attribution": {
                    "pnl": sum(|t| t.pnl), "alpha": sum(|t| t.alpha), "sizing": sum(|t| t.sizing),
                    "timing": sum(|t| t.timing), "slippage": sum(|t| t.slippage),
                    "fees": sum(|t| t.fees),
                },
                "empty_reason": (!stepped).then_some(
                    "the account has not been stepped yet: the portfolio agent steps each gated hour"
                ),
            })))
        })
        .await
}

/// Every stored backtest report, newest first, in the page's shape.
pub async fn backtests(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, ApiError> {
    let dir = shared.home.reports_dir().join("backtests");
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Json(json!({
                    "backtests": [],
                    "empty_reason": "no backtest stored: run `cst backtest --from D --to D`",
                })));
            }
            Err(e) => return Err(ApiError::internal(format!("{}: {e}", dir.display()))),
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if !name.starts_with("bt-") || !name.ends_with(".json") || name.ends_with(".timings.json") {
                continue;
            }
            let ran_at = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| ApiError::internal(format!("{}: {e}", path.display())))?;
            let r: Value = serde_json::from_str(&text)
                .map_err(|e| ApiError::internal(format!("{}: not a report ({e})", path.display())))?;
            out.push(shaped(name.trim_end_matches(".json"), ran_at, &r));
        }
        out.sort_by(|a, b| b["ran_at"].as_i64().cmp(&a["ran_at"].as_i64()));
        let empty = out.is_empty();
        Ok(Json(json!({
            "backtests": out,
            "empty_reason": empty.then_some("no backtest stored: run `cst backtest --from D --to D`"),
        })))
    })
    .await
    .map_err(|e| ApiError::internal(format!("the request's worker failed: {e}")))?
}

/// A `cst backtest` report as the page reads it: its figures, its equity and drawdown.
fn shaped(id: &str, ran_at: Option<i64>, r: &Value) -> Value {
    let perf = &r["performance"];
    let bh = &r["buy_and_hold"]["performance"];
    let per_horizon: Vec<Value> = r["per_horizon"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(h, c)| {
                    json!({"horizon_h": h.parse::<u32>().ok(), "trades": c["trades"],
                           "wins": c["wins"], "pnl": c["pnl"]})
                })
                .collect()
        })
        .unwrap_or_default();
    let equity: Vec<Value> = r["equity"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|p| json!({"t": p["t"], "equity": p["equity"], "drawdown": p["drawdown"]}))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": id,
        "ran_at": ran_at,
        "from": r["from"], "to": r["to"], "pairs": r["pairs"], "horizons": r["horizons_h"],
        "hours": r["hours"], "hours_go": r["hours_go"], "predictions": r["predictions"],
        "candidates": r["candidates"],
        "metrics": {
            "total_return": perf["total_return"], "cagr": perf["cagr"], "sharpe": perf["sharpe"],
            "sortino": perf["sortino"], "max_drawdown": perf["max_drawdown"],
            "turnover": r["turnover"], "fees": r["fees"], "slippage": r["slippage"],
            "hit_rate": r["hit_rate"],
            "trades": r["trades"].as_array().map_or(0, Vec::len),
        },
        "buy_and_hold": {
            "pairs": r["buy_and_hold"]["pairs"], "total_return": bh["total_return"],
            "cagr": bh["cagr"], "sharpe": bh["sharpe"], "sortino": bh["sortino"],
            "max_drawdown": bh["max_drawdown"],
        },
        "per_horizon": per_horizon,
        "equity": equity,
    })
}
