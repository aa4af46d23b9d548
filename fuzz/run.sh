#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 600), one after another, at
# the lowest CPU priority. Prints runs, execs/s, coverage and corpus size per target, and
# "no crash" or the crash artifact; exits 1 if any target crashed (or hung), 2 on a
# build/usage error.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     e.g. fuzz/run.sh 30   or   fuzz/run.sh 600 csv_import
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). No nightly toolchain: the stable
# compiler accepts cargo-fuzz's -Z flags with RUSTC_BOOTSTRAP=1, set here for cargo only.
#
# Environment:
#   CST_FUZZ_TARGET_DIR  build directory (default /var/cache/cryptosmarttrader/fuzz-target;
#                        never the workspace's own target dir: other flags, other artifacts)
#   CST_FUZZ_WORK        working corpora, logs, temp files (default /tmp/fuzz-work); the
#                        checked-in seeds in fuzz/corpus/ are only read, never written
#   CST_BENCH_OUT        when set (by deploy/bench.sh), one figure per target is appended
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds="${1:-600}"
shift || true
all_targets=(frame_decoder kraken_parsers csv_import config_loader)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds < 1)); then
    echo "usage: $0 [SECONDS] [TARGET...]   (targets: ${all_targets[*]})" >&2
    exit 2
fi

export CARGO_TARGET_DIR="${CST_FUZZ_TARGET_DIR:-/var/cache/cryptosmarttrader/fuzz-target}"
work="${CST_FUZZ_WORK:-/tmp/fuzz-work}"
cd "$here"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
    exit 2
fi

mkdir -p "$work/logs"
echo "building the fuzz targets in $CARGO_TARGET_DIR"
if ! RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz build \
    >"$work/logs/build.log" 2>&1; then
    tail -30 "$work/logs/build.log" >&2
    exit 2
fi

crashed=0
rows=()
for t in "${targets[@]}"; do
    if [[ ! -d "corpus/$t" ]]; then
        echo "unknown target $t (targets: ${all_targets[*]})" >&2
        exit 2
    fi
    mkdir -p "$work/$t" "$work/tmp"
    log="$work/logs/$t.log"
    dict=()
    [[ -f "dict/$t.dict" ]] && dict=("-dict=dict/$t.dict")
    echo "== $t: ${seconds}s (log $log)"
    status=0
    # First corpus dir: the working corpus (new inputs go there); then the seeds, read only.
    # -timeout: an input running 10 s counts as a hang, reported like a crash.
    # The Kraken parsers also start from the captured responses, read in place from
    # ../shared/data/kraken-api (never copied into the repository).
    seeds=("corpus/$t")
    shared="$here/../../shared/data/kraken-api"
    [[ "$t" == kraken_parsers && -d "$shared" ]] && seeds+=("$shared")
    TMPDIR="$work/tmp" RUSTC_BOOTSTRAP=1 nice -n 19 \
        cargo fuzz run "$t" "$work/$t" "${seeds[@]}" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        "${dict[@]}" >"$log" 2>&1 || status=$?
    rm -rf "$work/tmp"

    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    last="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
    cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")"
    ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")"
    corp="$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")"
    if ((status == 0)); then
        verdict="no crash"
    else
        crashed=1
        artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
        verdict="CRASH (exit $status): ${artifact:-see $log}"
        grep -m1 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer)" "$log" || true
    fi
    echo "   runs ${runs:-?}, ${rate:-?} exec/s, cov ${cov:-?} (ft ${ft:-?}), corpus ${corp:-?}: $verdict"
    # Under `make bench`: one figure per target for the report (see crates/bench).
    if [[ -n "${CST_BENCH_OUT:-}" ]]; then
        printf '{"step":"%s","name":"fuzz %s: crashes or hangs in %s s","value":%d,"unit":"crashes","bars":[{"on":"value","cmp":"equal","limit":0}],"note":"%s"}\n' \
            "${CST_BENCH_STEP:-fuzz}" "$t" "$seconds" "$((status != 0))" \
            "runs ${runs:-?}, ${rate:-?} exec/s, coverage ${cov:-?}, corpus ${corp:-?}; ${verdict//\"/\'}" \
            >>"$CST_BENCH_OUT"
    fi
    rows+=("$(printf '%-15s %6ss %12s %8s %7s %13s  %s' "$t" "$seconds" "${runs:-?}" \
        "${rate:-?}" "${cov:-?}" "${corp:-?}" "$verdict")")
done

echo
printf '%-15s %7s %12s %8s %7s %13s  %s\n' target time runs exec/s cov corpus result
printf '%s\n' "${rows[@]}"
exit "$crashed"
