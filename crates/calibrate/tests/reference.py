#!/usr/bin/env python3
"""Reference values for cst-calibrate's tests, computed by scikit-learn and numpy from REAL data.

Regenerate (from the repository root, with ../shared beside the checkout):

    python3 -m pip install --quiet scikit-learn   # numpy and pandas are already installed
    python3 crates/calibrate/tests/reference.py

It reads ../shared/data/ohlcv-1h/binance-2024/BTC-USDT.csv in place (hourly candles,
2024-01-01..2024-09-07) and overwrites tests/fixtures/rows.csv (inputs plus per-row
references, a few hundred rows) and tests/fixtures/reference.json (scalars and grids).
Everything is deterministic: no randomness, no fitting with random restarts.

Dataset, one row every 12 hours after a 30-day warm-up, so no row looks into the future:
  z (f1) = last-24h log return / 24h volatility (std of the previous 720 hourly returns * sqrt 24)
  x      = logistic(z): a deliberately naive "P(up)" score in (0, 1)
  y      = 1 if the next-24h log return > 0
  r_fwd  = the next-24h log return (the target of the quantile columns)
  q_lo, q_mid, q_hi = 10%, 50%, 90% quantiles of the previous 720 overlapping 24h returns
  f1, f2, f3 = z, 7-day return / 7-day volatility, log(24h volume / mean daily volume over 30 d)
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    mean_pinball_loss,
    roc_auc_score,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SOURCE = ROOT.parent / "shared" / "data" / "ohlcv-1h" / "binance-2024" / "BTC-USDT.csv"
FIXTURES = HERE / "fixtures"

H = 24  # label horizon and score lookback, hours
WARM = 720  # 30 days of history before the first row
STEP = 12  # hours between rows
RIDGE = 1e-4  # the stacker's default ridge (mean log-loss + ridge/2 * |w|^2)
N_BINS = 10
K = 50  # precision@K
ALPHA = 0.2  # CQR miscoverage: an 80% interval


def dataset():
    df = pd.read_csv(SOURCE)
    logc = np.log(df["close"].to_numpy())
    vol = df["volume"].to_numpy()
    r1 = np.diff(logc, prepend=np.nan)
    r24 = logc - np.roll(logc, H)
    r24[:H] = np.nan
    rows = []
    for t in range(WARM, len(logc) - H, STEP):
        sd24 = np.std(r1[t - WARM + 1 : t + 1], ddof=1) * math.sqrt(H)
        z = r24[t] / sd24
        past = r24[t - WARM + H : t + 1]
        q_lo, q_mid, q_hi = np.quantile(past, [0.1, 0.5, 0.9])
        r_fwd = logc[t + H] - logc[t]
        f2 = (logc[t] - logc[t - 168]) / (sd24 * math.sqrt(7))
        f3 = math.log(vol[t - H + 1 : t + 1].sum() / (vol[t - WARM + 1 : t + 1].sum() / 30))
        rows.append(
            dict(ts=int(df["ts"][t]), x=1 / (1 + math.exp(-z)), y=int(r_fwd > 0),
                 r_fwd=r_fwd, q_lo=q_lo, q_mid=q_mid, q_hi=q_hi, f1=z, f2=f2, f3=f3)
        )
    return pd.DataFrame(rows)


def iso(x, y, w=None):
    return IsotonicRegression(out_of_bounds="clip").fit(x, y, sample_weight=w)


def main():
    d = dataset()
    n = len(d)
    x, y, r = d["x"].to_numpy(), d["y"].to_numpy(), d["r_fwd"].to_numpy()
    out = {"sklearn": sklearn.__version__, "n": n}

    # Isotonic: plain, tied x (rounded to 2 decimals), weighted, continuous target.
    grid = np.concatenate([np.linspace(-0.1, 1.1, 121), x[:40]])
    plain = iso(x, y)
    d["iso"] = plain.predict(x)
    x_tied = np.round(x, 2)
    weights = 1.0 + (np.arange(n) % 4)
    out["iso"] = {
        "grid": grid.tolist(),
        "thresholds": plain.X_thresholds_.tolist(),
        "values": plain.y_thresholds_.tolist(),
        "plain": plain.predict(grid).tolist(),
        "tied": iso(x_tied, y).predict(grid).tolist(),
        "weighted": iso(x, y, weights).predict(grid).tolist(),
        "continuous": iso(x, r).predict(grid).tolist(),
    }
    d["x_tied"] = x_tied
    d["w"] = weights

    # Reliability table exactly as numpy/sklearn bin: edges linspace(0, 1, 11), bin = number
    # of interior edges <= p.
    edges = np.linspace(0, 1, N_BINS + 1)
    idx = np.searchsorted(edges[1:-1], x, side="right")
    counts = np.bincount(idx, minlength=N_BINS)
    sum_p = np.bincount(idx, weights=x, minlength=N_BINS)
    sum_y = np.bincount(idx, weights=y, minlength=N_BINS)
    nz = counts > 0
    ece = float(np.sum(counts[nz] / n * np.abs(sum_p[nz] / counts[nz] - sum_y[nz] / counts[nz])))
    prob_true, prob_pred = calibration_curve(y, x, n_bins=N_BINS, strategy="uniform")
    base = y.mean()
    out["prob"] = {
        "auc": roc_auc_score(y, x),
        "brier": brier_score_loss(y, x),
        "log_loss": log_loss(y, x),
        "ece": ece,
        "bin_counts": counts.tolist(),
        "bin_freq": prob_true.tolist(),  # non-empty bins only, in order
        "bin_mean_pred": prob_pred.tolist(),
        "hit_rate": accuracy_score(y, x >= 0.5),
        "precision_at_k": float(y[np.argsort(-x, kind="stable")[:K]].mean()),
        "k": K,
        "base_rate": base,
        "base_brier": brier_score_loss(y, np.full(n, base)),
        "base_log_loss": log_loss(y, np.full(n, base)),
        "base_hit_rate": accuracy_score(y, np.full(n, base) >= 0.5),
    }
    # AUC with heavy ties (scores rounded to 2 decimals): sklearn's trapezoid = Mann-Whitney.
    out["prob"]["auc_tied"] = roc_auc_score(y, x_tied)

    # Returns: MAE of the median column, pinball of the quantile columns, interval coverage.
    q_lo, q_mid, q_hi = d["q_lo"].to_numpy(), d["q_mid"].to_numpy(), d["q_hi"].to_numpy()
    out["ret"] = {
        "mae": mean_absolute_error(r, q_mid),
        "pinball_lo": mean_pinball_loss(r, q_lo, alpha=0.1),
        "pinball_hi": mean_pinball_loss(r, q_hi, alpha=0.9),
        "zero_mae": mean_absolute_error(r, np.zeros(n)),
        "zero_pinball_lo": mean_pinball_loss(r, np.zeros(n), alpha=0.1),
        "coverage": float(np.mean((r >= q_lo) & (r <= q_hi))),
        "mean_width": float(np.mean(q_hi - q_lo)),
    }

    # CQR: calibrate on the first half, report on the second.
    half = n // 2
    e = np.maximum(q_lo[:half] - r[:half], r[:half] - q_hi[:half])
    rank = math.ceil((half + 1) * (1 - ALPHA))
    q = float(np.quantile(e, rank / half, method="inverted_cdf"))
    assert q == np.sort(e)[rank - 1]
    lo2, hi2 = q_lo[half:] - q, q_hi[half:] + q
    out["cqr"] = {
        "alpha": ALPHA,
        "n_cal": half,
        "correction": q,
        "coverage": float(np.mean((r[half:] >= lo2) & (r[half:] <= hi2))),
        "mean_width": float(np.mean(hi2 - lo2)),
    }

    # Logistic stacker: sklearn's objective C * sum(log-loss) + |w|^2 / 2 equals ours
    # (mean log-loss + ridge/2 |w|^2, intercept free) when C = 1 / (n * ridge).
    feats = d[["f1", "f2", "f3"]].to_numpy()
    lr = LogisticRegression(C=1 / (n * RIDGE), solver="newton-cholesky", tol=1e-12, max_iter=1000)
    lr.fit(feats, y)
    d["stack_p"] = lr.predict_proba(feats)[:, 1]
    out["stacker"] = {
        "ridge": RIDGE,
        "intercept": float(lr.intercept_[0]),
        "weights": lr.coef_[0].tolist(),
    }

    # PSI of f1 (= z): the first 200 rows as reference vs the rest, reference-quantile bins (numpy
    # "linear" quantiles), bins right-closed (e_{i-1}, e_i], empty shares -> 1e-4.
    ref, cur = d["f1"].to_numpy()[:200], d["f1"].to_numpy()[200:]
    cuts = np.quantile(ref, np.arange(1, N_BINS) / N_BINS)
    share = lambda s: np.bincount(np.searchsorted(cuts, s, side="left"), minlength=N_BINS) / len(s)
    a, b = np.maximum(share(ref), 1e-4), np.maximum(share(cur), 1e-4)
    out["psi"] = {"n_ref": 200, "value": float(np.sum((b - a) * np.log(b / a)))}

    FIXTURES.mkdir(exist_ok=True)
    d.to_csv(FIXTURES / "rows.csv", index=False, float_format="%.17g")
    (FIXTURES / "reference.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"{n} rows; auc {out['prob']['auc']:.4f}; cqr coverage {out['cqr']['coverage']:.3f}")


if __name__ == "__main__":
    main()
