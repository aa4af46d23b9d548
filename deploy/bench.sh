#!/usr/bin/env bash
# `make bench`: every benchmark the issues ask for, one step after another, then one report.
#
#   deploy/bench.sh [FILTER...]    e.g. deploy/bench.sh            (all, about 45 minutes)
#                                       deploy/bench.sh whale bus   (the steps whose name
#                                                                    contains a filter)
#
# Each step runs alone (a failing benchmark does not stop the others), its output goes to
# the terminal and to BENCH_DIR/logs/STEP.log, and the figures it records (crates/bench)
# are appended to BENCH_DIR/figures.jsonl. Then `bench-report` writes BENCH_DIR/report.json
# and BENCH_DIR/report.md: every figure beside its baseline measured in the same run (plain
# UnixStream, TA-Lib, reference_pipeline.py, vectorbt) and its bar, and a PASS/FAIL verdict.
# Exits 1 when the verdict is FAIL.
#
# Expects `deploy/setup.sh --bench` and a release build of the binaries (the Makefile does
# both). Environment: BENCH_DIR (default: bench/ in the repository), FUZZ_SECONDS (30),
# SOAK_SECONDS / SOAK_KILLS (600 / 1000, read by the soak itself).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
dir="${BENCH_DIR:-$repo/bench}"
target="${CARGO_TARGET_DIR:-$repo/target}"
fuzz_seconds="${FUZZ_SECONDS:-30}"

# name | command. The order puts the quick ones first.
steps=(
    "cst-tests/bus_roundtrip|cargo bench -p cst-tests --bench bus_roundtrip"
    "cst-tests/restart|cargo bench -p cst-tests --bench restart"
    "cst-tests/idle_rss|cargo bench -p cst-tests --bench idle_rss"
    "cst-tests/import|cargo bench -p cst-tests --bench import"
    "cst-indicators/technical|cargo bench -p cst-indicators --bench technical"
    "cst-whale/classify|cargo bench -p cst-whale --bench classify"
    "cst-train/serving|cargo bench -p cst-train --bench serving"
    "cst-train/train|cargo bench -p cst-train --bench train"
    "cst-backtest/simulator_vs_vectorbt|cargo bench -p cst-backtest --bench simulator_vs_vectorbt"
    "cst-backtest/backtest_2024|cargo bench -p cst-backtest --bench backtest_2024"
    "cst-tests/loaded_rss|cargo bench -p cst-tests --bench loaded_rss"
    "cst-tests/soak|cargo bench -p cst-tests --bench soak"
    "fuzz|./fuzz/run.sh $fuzz_seconds"
)

selected=()
for s in "${steps[@]}"; do
    name="${s%%|*}"
    if (($# == 0)); then
        selected+=("$s")
        continue
    fi
    for f in "$@"; do
        if [[ "$name" == *"$f"* ]]; then
            selected+=("$s")
            break
        fi
    done
done
if ((${#selected[@]} == 0)); then
    echo "no step matches: $* (steps: ${steps[*]%%|*})" >&2
    exit 2
fi

cargo build --release -p cst-bench --bin bench-report
mkdir -p "$dir/logs"
rm -f "$dir/figures.jsonl" "$dir/steps.jsonl"
export CST_BENCH_OUT="$dir/figures.jsonl"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    commit="$commit (with uncommitted changes)"
fi

for s in "${selected[@]}"; do
    name="${s%%|*}"
    cmd="${s#*|}"
    log="$dir/logs/${name//\//-}.log"
    echo "=== $name: $cmd"
    t0="$(date +%s.%N)"
    status=0
    CST_BENCH_STEP="$name" bash -c "$cmd" 2>&1 | tee "$log" || status="${PIPESTATUS[0]}"
    t1="$(date +%s.%N)"
    seconds="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
    echo "=== $name: exit $status after $seconds s"
    printf '{"step":"%s","command":"%s","exit":%d,"seconds":%s,"log":"%s"}\n' \
        "$name" "$cmd" "$status" "$seconds" "${log#"$repo"/}" >>"$dir/steps.jsonl"
done

"$target/release/bench-report" \
    --figures "$dir/figures.jsonl" --steps "$dir/steps.jsonl" --out "$dir" \
    --started "$started" --commit "$commit" --rustc "$(rustc --version)"
