//! `cst risk [status|resume] [--json]` and `cst portfolio [--json]`: the account (paper or
//! live) and the last gate run, read from the store (no supervisor needed). `cst risk resume` records
//! a request the portfolio agent applies at its next hour: the kill switch is lifted and the
//! drawdown is measured from the equity then.

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use cst_config::Home;
use cst_store::Store;
use cst_trade::{Account, ClosedTrade, books::load_account};

#[derive(Debug, clap::Subcommand)]
pub enum RiskCommand {
    /// Halted or not, drawdown, the daily stop, and the last hour's gate run.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Lift the drawdown kill switch (applied by the portfolio agent at its next hour).
    Resume,
}

fn open(home: &Home, config: Option<&Path>) -> Result<(Store, cst_config::Config), String> {
    let config = cst_config::load(home, config).map_err(|e| e.to_string())?;
    let store = Store::open(&home.db_path()).map_err(|e| e.to_string())?;
    Ok((store, config))
}

fn finish(r: Result<ExitCode, String>) -> ExitCode {
    r.unwrap_or_else(|msg| {
        eprintln!("cst: {msg}");
        ExitCode::FAILURE
    })
}

pub fn risk(home: &Home, config: Option<&Path>, cmd: RiskCommand) -> ExitCode {
    finish((|| {
        let (mut store, config) = open(home, config)?;
        let account = load_account(&store, &config).map_err(|e| e.to_string())?;
        match cmd {
            RiskCommand::Resume => {
                let Some(why) = &account.halted else {
                    return Err("trading is not halted: nothing to resume".into());
                };
                let at = account.last_t.unwrap_or(0);
                let n = store
                    .request_resume(at, "cst risk resume")
                    .map_err(|e| e.to_string())?;
                println!(
                    "resume requested (#{n}); halted because {why}. The portfolio agent lifts the \
                     halt at its next hour and measures drawdown from the equity then."
                );
                Ok(ExitCode::SUCCESS)
            }
            RiskCommand::Status { json } => {
                let gate = store.latest_gate_run().map_err(|e| e.to_string())?;
                if json {
                    let v = serde_json::json!({
                        "halted": account.halted,
                        "day_stopped": account.day_stopped,
                        "drawdown": account.drawdown(),
                        "max_drawdown": config.risk.max_drawdown_frac,
                        "equity": account.equity(),
                        "last_hour": account.last_t,
                        "min_p_up": config.risk.min_p_up,
                        "gate": gate.as_ref().map(|g| serde_json::json!({
                            "t": g.t, "predictions": g.predictions,
                            "candidates": g.candidates, "empty_reason": g.empty_reason,
                        })),
                    });
                    println!("{v:#}");
                } else {
                    match &account.halted {
                        Some(why) => println!("HALTED: {why} (`cst risk resume` lifts it)"),
                        None => println!("trading allowed"),
                    }
                    println!(
                        "drawdown {:.2}% of the {:.2}% limit; equity {:.2}",
                        account.drawdown() * 100.0,
                        config.risk.max_drawdown_frac * 100.0,
                        account.equity()
                    );
                    if let Some(why) = &account.day_stopped {
                        println!("no new entries today: {why}");
                    }
                    match gate {
                        Some(g) => println!(
                            "last gate run: hour {} — {} predictions, {} candidates (P(up) >= {:.2}){}",
                            g.t,
                            g.predictions,
                            g.candidates,
                            config.risk.min_p_up,
                            g.empty_reason.map(|w| format!(": {w}")).unwrap_or_default()
                        ),
                        None => println!("no hour gated yet"),
                    }
                }
                Ok(if account.halted.is_some() {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                })
            }
        }
    })())
}

pub fn portfolio(home: &Home, config: Option<&Path>, json: bool) -> ExitCode {
    finish((|| {
        let (store, config) = open(home, config)?;
        let account: Account = load_account(&store, &config).map_err(|e| e.to_string())?;
        let trades: Vec<ClosedTrade> = store
            .closed_trades_between(i64::MIN, i64::MAX)
            .map_err(|e| e.to_string())?
            .iter()
            .map(|r| serde_json::from_str(r))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("unreadable closed trade: {e}"))?;
        let sum = |f: fn(&ClosedTrade) -> f64| trades.iter().map(f).sum::<f64>() + 0.0;
        if json {
            let v = serde_json::json!({
                "mode": if account.live { "live" } else { "paper" },
                "account": account,
                "equity": account.equity(),
                "trades": trades.len(),
                "attribution": {
                    "pnl": sum(|t| t.pnl), "alpha": sum(|t| t.alpha), "sizing": sum(|t| t.sizing),
                    "timing": sum(|t| t.timing), "slippage": sum(|t| t.slippage), "fees": sum(|t| t.fees),
                },
            });
            println!("{v:#}");
            return Ok(ExitCode::SUCCESS);
        }
        println!(
            "{} account: equity {:.2} = cash {:.2} + positions {:.2}; drawdown {:.2}%{}",
            if account.live { "LIVE" } else { "paper" },
            account.equity(),
            account.cash,
            account.gross(),
            account.drawdown() * 100.0,
            account
                .last_t
                .map(|t| format!("; last hour {t}"))
                .unwrap_or_default()
        );
        for p in account.positions.values() {
            println!(
                "  {:<12} {:>4} h  qty {:.6} @ {:.6}  mark {:.6}  tp {:.6} sl {:.6}  exit by {}",
                p.pair,
                p.horizon_h,
                p.qty,
                p.entry_price,
                p.mark,
                p.exits.take_profit,
                p.exits.stop_loss,
                p.exit_due
            );
        }
        println!(
            "{} closed trades: PnL {:+.2} = alpha {:+.2} + sizing {:+.2} + timing {:+.2} + slippage {:+.2} + fees {:+.2}",
            trades.len(),
            sum(|t| t.pnl),
            sum(|t| t.alpha),
            sum(|t| t.sizing),
            sum(|t| t.timing),
            sum(|t| t.slippage),
            sum(|t| t.fees)
        );
        Ok(ExitCode::SUCCESS)
    })())
}
