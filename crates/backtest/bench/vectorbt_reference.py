#!/usr/bin/env python3
"""The vectorised reference for `cst backtest`: the same signals through vectorbt.

Reads a backtest report (JSON) and the recorded candles it ran on, turns every entry the
service made into a vectorbt signal with the same size and the same take-profit and
stop-loss prices, lets vectorbt simulate the stops on the same highs, lows and opens (the
horizon exits go in as exit signals), and compares vectorbt's trade list with the report's:
pair, entry hour and exit hour must be identical. Prints one JSON
object: the counts, the mismatches, the PnL difference and vectorbt's run time.

Usage: vectorbt_reference.py REPORT.json CANDLE_DIR
"""

from collections import Counter
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import vectorbt as vbt

HOUR = 3600


def main():
    report_path, data_dir = sys.argv[1], sys.argv[2]
    with open(report_path) as f:
        report = json.load(f)
    trades = report["trades"]
    entries = [o for o in report["orders"] if o["purpose"] == "entry" and o["filled_qty"] > 0]
    pairs = sorted({o["pair"] for o in entries})
    out = {
        "report_trades": len(trades),
        "report_entries": len(entries),
        "pairs": len(pairs),
    }
    if not entries:
        out.update(reference_trades=0, identical=True, mismatches=[], mismatch_count=0,
                   pnl_report=0.0,
                   pnl_reference=0.0, reference_s=0.0,
                   note="no signals: the report has no entries, so both trade lists are empty")
        print(json.dumps(out))
        return

    frames = {}
    for p in pairs:
        df = pd.read_csv(os.path.join(data_dir, p.replace("/", "-") + ".csv"))
        frames[p] = df.set_index("ts")
    index = sorted(set().union(*[set(f.index) for f in frames.values()]))
    index = [t for t in index if report["from"] - HOUR <= t < report["to"]]
    def col(name):
        return pd.DataFrame({p: frames[p][name].reindex(index).values for p in pairs}, index=index)
    close, high, low, open_ = col("close"), col("high"), col("low"), col("open")

    entry = pd.DataFrame(False, index=index, columns=pairs)
    exit_ = pd.DataFrame(False, index=index, columns=pairs)
    size = pd.DataFrame(np.nan, index=index, columns=pairs)
    sl = pd.DataFrame(np.nan, index=index, columns=pairs)
    tp = pd.DataFrame(np.nan, index=index, columns=pairs)
    # Every position the report opened: closed trades, and those still open at the end.
    # Take-profit and stop-loss go to vectorbt as levels, and it decides from the highs and
    # lows when they fill. The horizon is a time rule vectorbt has no stop for: it gets an
    # exit signal at the horizon for the trades that reached it (a signal for one that
    # stopped out earlier would close the next position in the same coin).
    opened = [(t["pair"], t["entry_t"], t["qty"], t["take_profit"], t["stop_loss"],
               t["exit_due"] if t["exit_reason"] == "horizon" else None) for t in trades]
    opened += [(p["pair"], p["entry_t"], p["qty"], p["exits"]["take_profit"],
                p["exits"]["stop_loss"], None) for p in report["open_positions"]]
    for pair, entry_t, qty, take_profit, stop_loss, due in opened:
        bar = entry_t - HOUR  # the bar that closes at the decision time
        entry.loc[bar, pair] = True
        size.loc[bar, pair] = qty
        # vectorbt enters at the bar's close; the same price levels as fractions of it.
        c = close.loc[bar, pair]
        tp.loc[bar, pair] = take_profit / c - 1.0
        sl.loc[bar, pair] = 1.0 - stop_loss / c
        if due is not None and due - HOUR in exit_.index:
            exit_.loc[due - HOUR, pair] = True

    def simulate():
        pf = vbt.Portfolio.from_signals(
            close=close, entries=entry, exits=exit_, size=size, size_type="amount",
            sl_stop=sl, tp_stop=tp, high=high, low=low, open=open_,
            init_cash=report["settings"]["starting_cash"], cash_sharing=True, group_by=True,
            # Within a bar, sells before buys, as the engine exits before it enters.
            call_seq="auto", accumulate=False, freq="1h",
        )
        return pf.trades.records_readable

    # The first call includes numba's compilation; the second is the simulation alone.
    started = time.perf_counter()
    simulate()
    cold = time.perf_counter() - started
    started = time.perf_counter()
    rec = simulate()
    elapsed = time.perf_counter() - started

    ref = []
    for _, r in rec.iterrows():
        if r["Status"] != "Closed":
            continue
        ref.append((r["Column"], int(r["Entry Timestamp"]) + HOUR, int(r["Exit Timestamp"]) + HOUR))
    ours = sorted((t["pair"], t["entry_t"], t["exit_t"]) for t in trades)
    ref = sorted(ref)
    mismatches = [list(x) for x in set(ours) ^ set(ref)]
    # Trades on one side only, duplicates counted.
    only = (Counter(ours) - Counter(ref)) + (Counter(ref) - Counter(ours))
    out.update(reference_trades=len(ref), identical=ours == ref, mismatches=mismatches[:20],
               mismatch_count=sum(only.values()),
               pnl_report=sum(t["pnl"] for t in trades),
               pnl_reference=float(rec.loc[rec["Status"] == "Closed", "PnL"].sum()),
               reference_s=elapsed, reference_cold_s=cold)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
